"""Segmented downloads: parallel ranged GETs into one preallocated file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from _transfer_support import (
    MAX_RETRIES,
    Files,
    header,
    leftovers,
    random_bytes,
)

from numerapi_gen._errors import IncompleteDownloadError
from numerapi_gen._transfer import download_file
from numerapi_gen._transfer._state import split

MiB = 1024 * 1024
THRESHOLD = 256 * 1024


def fetch(client: httpx.Client, url: str, dest: Path, **options: object) -> Path:
    kwargs: dict[str, object] = {
        "show_progress": False,
        "max_retries": MAX_RETRIES,
        "connections": 4,
        "segment_threshold": THRESHOLD,
        "chunk_size": 64 * 1024,
    }
    kwargs.update(options)
    return download_file(client, url, dest, **kwargs)  # type: ignore[arg-type]


def ranges(files: Files) -> list[tuple[int, int | None]]:
    found = []
    for request in files.gets():
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", header(request, "Range") or "")
        assert match, request.headers
        found.append((int(match[1]), int(match[2]) if match[2] else None))
    return found


def test_segmented_download_is_byte_exact(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(4 * MiB + 3, seed=20)
    url = files.add("train.parquet", data)
    dest = tmp_path / "train.parquet"

    fetch(client, url, dest)

    assert dest.read_bytes() == data
    assert leftovers(tmp_path) == []
    segments = split(len(data), 4)
    assert (
        sorted(ranges(files))
        == [
            (0, None),  # the first request, which also serves segment 0
            *[(s.start, s.end) for s in segments[1:]],
        ]
    )
    assert [s.end - s.start + 1 for s in segments] == [MiB + 1] * 3 + [MiB]
    etag = files.etag("train.parquet")
    assert all(header(r, "If-Range") == etag for r in files.gets()[1:])


def test_each_segment_resumes_after_drops(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(2 * MiB, seed=21)
    url = files.add("drops.bin", data)
    files.server.faults.add(path="/files/drops.bin", drop_after=100_000, times=4)

    # Segment 0 retries without backoff here, so its retries may race the
    # other segments' first requests and take all four drops: budget for it.
    fetch(client, url, tmp_path / "drops.bin", max_retries=4)

    assert (tmp_path / "drops.bin").read_bytes() == data
    assert len(files.gets()) == 8
    # Every resumed request starts inside a segment, where its drop happened.
    starts = {start for start, _ in ranges(files)}
    assert len(starts) == 8


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


def test_server_that_ignores_ranges_falls_back_to_one_stream(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(MiB, seed=23)
    url = files.add("noranges.bin", data)
    files.server.faults.add(path="/files/noranges.bin", ignore_range=True)

    fetch(client, url, tmp_path / "noranges.bin")

    assert (tmp_path / "noranges.bin").read_bytes() == data
    assert header(files.gets()[-1], "Range") is None


def test_one_connection_or_a_small_file_is_one_stream(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    big = files.add("big.bin", random_bytes(MiB, seed=24))
    small = files.add("small.bin", random_bytes(THRESHOLD - 1, seed=25))

    fetch(client, big, tmp_path / "big.bin", connections=1)
    fetch(client, small, tmp_path / "small.bin")

    assert ranges(files) == [(0, None), (0, None)]


def test_interrupted_download_keeps_its_segments_for_the_next_call(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    import _thread
    import threading

    data = random_bytes(2 * MiB, seed=26)
    url = files.add("ctrlc.bin", data)
    # The first request is quick; segments 1-3 answer slowly, so the
    # interrupt lands while they are in flight.
    faults = files.server.faults
    quick = faults.add(path="/files/ctrlc.bin", latency=0.001, times=1)
    slow = faults.add(path="/files/ctrlc.bin", latency=1.0, times=3)
    dest = tmp_path / "ctrlc.bin"
    timer = threading.Timer(0.4, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            fetch(client, url, dest)
    finally:
        timer.cancel()

    assert not dest.exists()
    state = json.loads((tmp_path / "ctrlc.bin.part.json").read_text())
    assert len(state["segments"]) == 4
    assert quick.fired == 1 and slow.fired == 3

    fetch(client, url, dest)

    assert dest.read_bytes() == data
    assert leftovers(tmp_path) == []
