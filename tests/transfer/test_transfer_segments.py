"""Segmented downloads: parallel ranged GETs into one preallocated file, as
many as add throughput (one stream first, doubling while it pays)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import httpx
import pytest
from _throttled import throttled_server
from _transfer_support import (
    MAX_RETRIES,
    Files,
    header,
    leftovers,
    random_bytes,
)

from numerapi_gen._errors import IncompleteDownloadError
from numerapi_gen._transfer import _segments, download_file
from numerapi_gen._transfer._segments import StreamCount

MiB = 1024 * 1024
THRESHOLD = 256 * 1024


def fetch(client: httpx.Client, url: str, dest: Path, **options: object) -> Path:
    kwargs: dict[str, object] = {
        "show_progress": False,
        "max_retries": MAX_RETRIES,
        "connections": 8,
        "segment_threshold": THRESHOLD,
        "chunk_size": 64 * 1024,
    }
    kwargs.update(options)
    return download_file(client, url, dest, **kwargs)  # type: ignore[arg-type]


def ranges(files: Files) -> list[tuple[int, int | None]]:
    return parse_ranges(header(request, "Range") or "" for request in files.gets())


def parse_ranges(headers: Iterable[str]) -> list[tuple[int, int | None]]:
    found = []
    for value in headers:
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", value)
        assert match, value
        found.append((int(match[1]), int(match[2]) if match[2] else None))
    return found


def throttled_download(
    client: httpx.Client, tmp_path: Path, **throttle: float
) -> list[tuple[int, int | None]]:
    """Download 6 MiB from a throttled server; the ranges asked, in order."""
    data = random_bytes(6 * MiB, seed=20)
    dest = tmp_path / "throttled.bin"
    with throttled_server(data, **throttle) as (url, headers):
        fetch(client, url, dest)
    assert dest.read_bytes() == data
    assert leftovers(tmp_path) == []
    return parse_ranges(headers)


@pytest.fixture
def quick_growth(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorter measurements and smaller splits, so a few MiB show the policy."""
    monkeypatch.setattr(_segments, "MEASURE_SECONDS", 0.1)
    monkeypatch.setattr(_segments, "MIN_SPLIT", 256 * 1024)


def test_streams_double_while_each_doubling_adds_throughput() -> None:
    count = StreamCount(limit=8, measure=1.0)
    now, received = 0.0, 0
    # each doubling adds 1.5x: worth another doubling, but no per-stream limit
    for streams, rate, expected in ((1, 100, 1), (2, 150, 2), (4, 225, 4)):
        assert count.streams == streams
        count.delivering(now, received, first_byte_wait=0.1)
        assert count.add(now + 0.5, received + rate // 2) == 0  # window not over
        now, received = now + 1.0, received + rate
        assert count.add(now, received) == expected
        count.added(expected)
    assert count.streams == 8 and not count.growing
    assert count.rates == [(1, 100.0), (2, 150.0), (4, 225.0)]


def test_streams_quadruple_after_a_doubling_that_doubled_throughput() -> None:
    count = StreamCount(limit=16, measure=1.0)
    count.delivering(0.0, 0, first_byte_wait=0.1)
    assert count.add(1.0, 100) == 1  # the first step always doubles
    count.added(1)
    count.delivering(1.0, 100, first_byte_wait=0.1)
    assert count.add(2.0, 290) == 6  # 190/s against 100/s: each stream is limited
    count.added(6)
    count.delivering(2.0, 290, first_byte_wait=0.1)
    assert count.add(3.0, 990) == 8  # 700/s: still near-linear, capped at the limit
    count.added(8)
    assert count.streams == 16 and not count.growing


def test_streams_stop_growing_when_a_doubling_adds_nothing() -> None:
    count = StreamCount(limit=8, measure=1.0)
    count.delivering(0.0, 0, first_byte_wait=0.0)
    assert count.add(1.0, 200) == 1
    count.added(1)
    # slow new streams on a long link: measured for twice their first-byte wait
    count.delivering(1.5, 200, first_byte_wait=1.0)
    assert count.add(2.5, 400) == 0 and count.growing
    assert count.add(3.5, 620) == 0  # 210/s against 200/s: not worth more
    assert not count.growing and count.streams == 2


def test_a_stream_limited_download_adds_streams_while_they_pay(
    client: httpx.Client, tmp_path: Path, quick_growth: None
) -> None:
    asked = throttled_download(client, tmp_path, per_connection=8 * MiB)

    # one stream, then two, then more: the doubling doubled the throughput
    assert len(asked) >= 3, asked
    assert asked[0] == (0, None)
    # every later stream took over the rest of a segment: ranges never overlap
    # a start another stream began at, and each runs to a segment's end
    starts = sorted(start for start, _ in asked)
    assert len(set(starts)) == len(starts)
    assert all(end is not None for _, end in asked[1:])


def test_a_shared_link_stops_after_one_probe(
    client: httpx.Client, tmp_path: Path, quick_growth: None
) -> None:
    asked = throttled_download(client, tmp_path, shared=12 * MiB)

    # a second stream was tried, added nothing on a link one stream fills,
    # and no third came (rest enough remained for more)
    assert len(asked) == 2, asked


def test_a_segmented_download_resumes_after_drops(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(2 * MiB, seed=22)
    url = files.add("drops.bin", data)
    files.server.faults.add(path="/files/drops.bin", drop_after=100_000, times=4)

    fetch(client, url, tmp_path / "drops.bin", max_retries=4)

    assert (tmp_path / "drops.bin").read_bytes() == data
    # Every resumed request starts where its drop happened.
    starts = [start for start, _ in ranges(files)]
    assert len(starts) == 5 and len(set(starts)) == 5


def test_a_finished_stream_leaves_its_connection_for_the_next_request(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    first = files.add("warm-1.bin", random_bytes(MiB, seed=27))
    second = files.add("warm-2.bin", random_bytes(MiB, seed=28))
    before = files.server.connections_accepted

    fetch(client, first, tmp_path / "warm-1.bin")
    fetch(client, second, tmp_path / "warm-2.bin")

    assert files.server.connections_accepted - before == 1


def test_the_flusher_syncs_once_enough_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from numerapi_gen._transfer import _files

    synced = threading.Event()
    monkeypatch.setattr(_files, "_sync_data", lambda fd: synced.set())
    with (
        (tmp_path / "f").open("wb") as handle,
        _files.BackgroundFlusher(handle.fileno(), every=10) as flusher,
    ):
        flusher.note(9)
        flusher.note(1)
        assert synced.wait(10)


@pytest.mark.parametrize("connections", [1, 8])
def test_every_byte_downloaded_is_noted_for_flushing(
    client: httpx.Client,
    files: Files,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    connections: int,
) -> None:
    """So the final fsync before the rename has only the last stretch left."""
    from numerapi_gen._transfer import _files

    noted: list[int] = []
    note = _files.BackgroundFlusher.note

    def counting(self: _files.BackgroundFlusher, count: int) -> None:
        noted.append(count)
        note(self, count)

    monkeypatch.setattr(_files.BackgroundFlusher, "note", counting)
    data = random_bytes(2 * MiB, seed=31)
    url = files.add(f"flushed-{connections}.bin", data)

    fetch(client, url, tmp_path / "flushed.bin", connections=connections)

    assert (tmp_path / "flushed.bin").read_bytes() == data
    assert sum(noted) == len(data)


def test_failed_segments_resume_in_the_next_call(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(2 * MiB, seed=22)
    url = files.add("later.bin", data)
    fault = files.server.faults.add(path="/files/later.bin", drop_after=50_000)
    dest = tmp_path / "later.bin"

    with pytest.raises(IncompleteDownloadError):
        fetch(client, url, dest, max_retries=1)

    assert not dest.exists()
    state = json.loads((tmp_path / "later.bin.part.json").read_text())
    # A segment out of retries (two cut attempts) stops the others, wherever
    # they were; all of them record exactly what is on disk.
    done = [pos - start for start, _, pos in state["segments"]]
    assert 100_000 in done and all(0 <= d <= 100_000 for d in done)
    files.server.faults.remove(fault)
    first_call = len(files.gets())

    fetch(client, url, dest, connections=2)

    assert dest.read_bytes() == data
    resumed = sorted(ranges(files)[first_call:])
    assert [start for start, _ in resumed] == [pos for _, _, pos in state["segments"]]
    assert leftovers(tmp_path) == []


def test_server_that_ignores_ranges_gets_one_stream(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(MiB, seed=23)
    url = files.add("noranges.bin", data)
    files.server.faults.add(path="/files/noranges.bin", ignore_range=True)

    fetch(client, url, tmp_path / "noranges.bin")

    assert (tmp_path / "noranges.bin").read_bytes() == data
    # the 200 to "bytes=0-" said ranges are ignored: that one stream is all
    assert len(files.gets()) == 1
    assert not (tmp_path / "noranges.bin.part.json").exists()


def test_one_connection_or_a_small_file_is_one_stream(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    big = files.add("big.bin", random_bytes(MiB, seed=24))
    small = files.add("small.bin", random_bytes(THRESHOLD - 1, seed=25))

    fetch(client, big, tmp_path / "big.bin", connections=1)
    fetch(client, small, tmp_path / "small.bin")

    assert ranges(files) == [(0, None), (0, None)]


def test_interrupted_download_keeps_its_segments_for_the_next_call(
    client: httpx.Client, tmp_path: Path, quick_growth: None
) -> None:
    import _thread
    import threading

    data = random_bytes(6 * MiB, seed=26)
    dest = tmp_path / "ctrlc.bin"
    with throttled_server(data, per_connection=8 * MiB) as (url, headers):
        stop = threading.Event()

        def interrupt_when_a_second_stream_runs() -> None:
            while not stop.wait(0.01):
                if len(headers) >= 2:
                    _thread.interrupt_main()
                    return

        watcher = threading.Thread(target=interrupt_when_a_second_stream_runs)
        watcher.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                fetch(client, url, dest)
        finally:
            stop.set()
            watcher.join()

        assert not dest.exists()
        state = json.loads((tmp_path / "ctrlc.bin.part.json").read_text())
        assert len(state["segments"]) >= 2
        first_call = len(headers)

        fetch(client, url, dest)

        resumed = {start for start, _ in parse_ranges(headers[first_call:])}
        unfinished = [(pos, end) for _, end, pos in state["segments"] if pos <= end]
        # each unfinished segment continues where it stopped (and new streams
        # may take over parts of them); nothing on disk is fetched again
        assert {pos for pos, _ in unfinished} <= resumed
        assert all(any(p <= r <= e for p, e in unfinished) for r in resumed)
    assert dest.read_bytes() == data
    assert leftovers(tmp_path) == []
