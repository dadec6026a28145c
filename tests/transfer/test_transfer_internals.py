"""The pieces under download_file: batched writer, sidecar, progress, errors."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import httpx
import pytest
from _transfer_support import MAX_RETRIES, Files, leftovers, random_bytes

from numerapi_gen._errors import NumeraiValidationError, TransferError
from numerapi_gen._transfer import _files, _progress, download_file
from numerapi_gen._transfer._common import parse_content_range
from numerapi_gen._transfer._files import ChunkWriter
from numerapi_gen._transfer._state import PartState, Segment


def test_chunk_writer_batches_and_reports_only_written_bytes(tmp_path: Path) -> None:
    path = tmp_path / "out"
    written: list[int] = []
    with path.open("wb", buffering=0) as handle:
        writer = ChunkWriter(handle.fileno(), 10, written.append)
        for piece in (b"abc", b"defghij", b"klmnopqrstuvwxyz", b"0123456789AB", b"C"):
            writer.write(piece)
        # Pieces at least a batch long skip the buffer; "C" waits for flush().
        assert path.read_bytes() == b"abcdefghijklmnopqrstuvwxyz0123456789AB"
        writer.flush()
    assert path.read_bytes() == b"abcdefghijklmnopqrstuvwxyz0123456789ABC"
    assert written == [10, 16, 12, 1]


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'{"version": 99, "total": 10}',
        b'{"version": 1, "total": -1}',
        b'{"version": 1, "total": 10, "segments": [[0, 4, 0], [6, 9, 6]]}',
        b'{"version": 1, "total": 10, "segments": [[0, 9, 11]]}',
    ],
)
def test_inconsistent_sidecars_are_rejected(raw: bytes) -> None:
    assert PartState.from_json(raw) is None


def test_sidecar_round_trip() -> None:
    state = PartState(10, '"e"', [Segment(0, 4, 2), Segment(5, 9, 10)])
    assert PartState.from_json(state.to_json()) == state


def test_content_range_parsing() -> None:
    parsed = parse_content_range("bytes 5-9/10")
    assert parsed is not None and (parsed.first, parsed.last, parsed.total) == (
        5,
        9,
        10,
    )
    assert parse_content_range("bytes 5-9/*") is not None
    assert parse_content_range("bytes 9-5/10") is None
    assert parse_content_range("bytes 5-10/10") is None
    assert parse_content_range(None) is None


def test_corrupt_sidecar_means_a_fresh_download(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(70_000, seed=40)
    url = files.add("x.bin", data)
    (tmp_path / "x.bin.part").write_bytes(b"\0" * 1000)
    (tmp_path / "x.bin.part.json").write_text("{garbage")

    download_file(
        client, url, tmp_path / "x.bin", show_progress=False, max_retries=MAX_RETRIES
    )

    assert (tmp_path / "x.bin").read_bytes() == data
    assert leftovers(tmp_path) == []


def test_progress_bar_on_a_terminal(
    client: httpx.Client,
    files: Files,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(_progress, "_stderr_is_tty", lambda: True)
    url = files.add("shown.bin", random_bytes(600_000, seed=41))

    download_file(
        client,
        url,
        tmp_path / "shown.bin",
        show_progress=True,
        max_retries=MAX_RETRIES,
        description="shown.bin",
        segment_threshold=100_000,
    )

    err = capsys.readouterr().err
    assert "shown.bin" in err and "100%" in err and "586k" in err.lower()


def test_disk_errors_become_transfer_errors(
    client: httpx.Client,
    files: Files,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(fd: int, data: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_files, "write_all", full)
    url = files.add("nospace.bin", random_bytes(100_000, seed=42))

    with pytest.raises(TransferError, match="No space left"):
        download_file(
            client, url, tmp_path / "nospace.bin", show_progress=False, max_retries=1
        )
    assert not (tmp_path / "nospace.bin").exists()


def test_directory_destination_is_refused(client: httpx.Client, tmp_path: Path) -> None:
    with pytest.raises(NumeraiValidationError):
        download_file(
            client, "http://127.0.0.1:9/x", tmp_path, show_progress=False, max_retries=0
        )


def test_sidecar_is_plain_json(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(300_000, seed=43)
    url = files.add("s.bin", data)
    files.server.faults.add(path="/files/s.bin", drop_after=1000)
    with pytest.raises(TransferError):
        download_file(
            client, url, tmp_path / "s.bin", show_progress=False, max_retries=0
        )
    document = json.loads((tmp_path / "s.bin.part.json").read_text())
    assert document == {
        "version": 1,
        "total": len(data),
        "validator": files.etag("s.bin"),
    }
