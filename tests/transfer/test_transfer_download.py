"""download_file over one connection: resume, verification, atomicity."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
from _transfer_support import (
    MAX_RETRIES,
    SIGNATURE,
    Files,
    header,
    leftovers,
    random_bytes,
)

from numerapi_gen._errors import (
    APIStatusError,
    IncompleteDownloadError,
    NumeraiValidationError,
    RateLimitError,
)
from numerapi_gen._transfer import download_file, redact

MiB = 1024 * 1024


def fetch(client: httpx.Client, url: str, dest: Path, **options: object) -> Path:
    kwargs: dict[str, object] = {
        "show_progress": False,
        "max_retries": MAX_RETRIES,
        "connections": 1,
    }
    kwargs.update(options)
    return download_file(client, url, dest, **kwargs)  # type: ignore[arg-type]


def test_plain_download_is_byte_exact_and_leaves_nothing_behind(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(3 * MiB + 123)
    url = files.add("datasets/v5.0/train.parquet", data)
    dest = tmp_path / "nested" / "dir" / "train.parquet"

    assert fetch(client, url, dest) == dest

    assert dest.read_bytes() == data
    assert leftovers(dest.parent) == []
    (get,) = files.gets()
    assert header(get, "Range") == "bytes=0-"
    assert header(get, "Accept-Encoding") == "identity"
    assert header(get, "Authorization") is None


def test_resume_after_dropped_connection_sends_range_and_if_range(
    client: httpx.Client, files: Files, tmp_path: Path, backoffs: list[float]
) -> None:
    data = random_bytes(2 * MiB, seed=1)
    url = files.add("big.bin", data)
    files.server.faults.add(path="/files/big.bin", drop_after=700_000, times=1)
    dest = tmp_path / "big.bin"

    fetch(client, url, dest)

    assert dest.read_bytes() == data
    _, second = files.gets()
    assert header(second, "Range") == "bytes=700000-"
    assert header(second, "If-Range") == files.etag("big.bin")
    assert second.status == 206
    assert len(backoffs) == 1
    assert leftovers(tmp_path) == []


def test_failed_call_keeps_part_and_next_call_resumes(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(MiB, seed=2)
    url = files.add("live.parquet", data)
    fault = files.server.faults.add(path="/files/live.parquet", drop_after=300_000)
    dest = tmp_path / "live.parquet"

    with pytest.raises(IncompleteDownloadError) as caught:
        fetch(client, url, dest, max_retries=2)

    assert not dest.exists()  # never a partial destination
    # Each of the three attempts delivered 300 kB, each kept for the next.
    assert (tmp_path / "live.parquet.part").stat().st_size == 900_000
    sidecar = json.loads((tmp_path / "live.parquet.part.json").read_text())
    assert sidecar["total"] == len(data) and sidecar["validator"]
    assert len(files.gets()) == 3  # the first attempt and two retries
    assert "s3cr3t" not in str(caught.value) and "?" not in str(caught.value)

    files.server.faults.remove(fault)
    fetch(client, url, dest)

    assert dest.read_bytes() == data
    assert header(files.gets()[-1], "Range") == "bytes=900000-"
    assert leftovers(tmp_path) == []


def test_server_ignoring_range_truncates_instead_of_appending(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(MiB, seed=3)
    url = files.add("f.bin", data)
    faults = files.server.faults
    faults.add(path="/files/f.bin", drop_after=400_000, times=1)
    faults.add(path="/files/f.bin", ignore_range=True, times=1)

    fetch(client, url, tmp_path / "f.bin")

    assert (tmp_path / "f.bin").read_bytes() == data
    statuses = [r.status for r in files.gets()]
    assert statuses == [206, 200]


def test_short_body_is_detected_and_resumed(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(MiB + 1, seed=4)
    url = files.add("short.bin", data)
    files.server.faults.add(path="/files/short.bin", short_body=True, times=1)

    fetch(client, url, tmp_path / "short.bin")

    assert (tmp_path / "short.bin").read_bytes() == data
    assert header(files.gets()[1], "Range") == f"bytes={len(data) // 2}-"


def test_416_for_a_stale_part_restarts_from_zero(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(4000, seed=5)
    url = files.add("small.bin", data)
    dest = tmp_path / "small.bin"
    (tmp_path / "small.bin.part").write_bytes(b"x" * 5000)
    (tmp_path / "small.bin.part.json").write_text(
        json.dumps({"version": 1, "total": None, "validator": files.etag("small.bin")})
    )

    fetch(client, url, dest)

    assert dest.read_bytes() == data
    assert [r.status for r in files.gets()] == [416, 206]
    assert header(files.gets()[1], "Range") == "bytes=0-"


def test_changed_remote_file_restarts_via_if_range(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(4000, seed=6)
    url = files.add("changed.bin", data)
    (tmp_path / "changed.bin.part").write_bytes(b"old content")
    (tmp_path / "changed.bin.part.json").write_text(
        json.dumps({"version": 1, "total": 4000, "validator": '"an-old-etag"'})
    )

    fetch(client, url, tmp_path / "changed.bin")

    assert (tmp_path / "changed.bin").read_bytes() == data
    (get,) = files.gets()
    assert header(get, "If-Range") == '"an-old-etag"'
    assert get.status == 200


def test_part_without_sidecar_is_not_trusted(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(4000, seed=7)
    url = files.add("orphan.bin", data)
    (tmp_path / "orphan.bin.part").write_bytes(data[:100][::-1])

    fetch(client, url, tmp_path / "orphan.bin")

    assert (tmp_path / "orphan.bin").read_bytes() == data
    assert header(files.gets()[0], "Range") == "bytes=0-"


def test_wrong_content_range_restarts_without_ranges(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(MiB, seed=8)
    url = files.add("shifty.bin", data)
    faults = files.server.faults
    faults.add(path="/files/shifty.bin", drop_after=200_000, times=1)
    faults.add(path="/files/shifty.bin", content_range_shift=7, times=1)

    fetch(client, url, tmp_path / "shifty.bin")

    assert (tmp_path / "shifty.bin").read_bytes() == data
    last = files.gets()[-1]
    assert header(last, "Range") is None and last.status == 200


def test_complete_part_is_confirmed_with_its_last_byte(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(5000, seed=9)
    url = files.add("done.bin", data)
    etag = files.etag("done.bin")
    (tmp_path / "done.bin.part").write_bytes(data)
    (tmp_path / "done.bin.part.json").write_text(
        json.dumps({"version": 1, "total": len(data), "validator": etag})
    )

    fetch(client, url, tmp_path / "done.bin")

    assert (tmp_path / "done.bin").read_bytes() == data
    assert header(files.gets()[0], "Range") == "bytes=4999-"


def test_existing_complete_file_is_not_downloaded_again(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(10_000, seed=10)
    url = files.add("features.json", data)
    dest = tmp_path / "features.json"
    dest.write_bytes(data)
    before = dest.stat()

    fetch(client, url, dest)

    assert files.gets() == []
    assert [r.method for r in files.requests()] == ["HEAD"]
    after = dest.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_busy_head_is_retried_like_the_gets(
    client: httpx.Client, files: Files, tmp_path: Path, backoffs: list[float]
) -> None:
    """The HEAD before a download has the GETs' retry policy: a busy answer
    is retried (honouring Retry-After), so a complete file is still kept."""
    data = random_bytes(10_000, seed=13)
    url = files.add("busy-head.json", data)
    files.server.faults.add(
        path="/files/busy-head.json", method="HEAD", statuses=[503, 429], retry_after=0
    )
    dest = tmp_path / "busy-head.json"
    dest.write_bytes(data)

    fetch(client, url, dest)

    assert [(r.method, r.status) for r in files.requests()] == [
        ("HEAD", 503),
        ("HEAD", 429),
        ("HEAD", 200),
    ]
    assert backoffs[1] == 0.0  # the 429's Retry-After


def test_existing_complete_file_when_head_is_refused(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    """Presigned GET URLs refuse HEAD: the first GET's headers decide."""
    data = random_bytes(2 * MiB, seed=11)
    url = files.add("train.parquet", data)
    files.server.faults.add(path="/files/", method="HEAD", statuses=[403])
    dest = tmp_path / "train.parquet"
    dest.write_bytes(data)
    inode = dest.stat().st_ino

    fetch(client, url, dest)

    assert dest.stat().st_ino == inode
    assert [r.method for r in files.requests()] == ["HEAD", "GET"]


def test_existing_file_of_wrong_size_is_replaced(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(50_000, seed=12)
    url = files.add("val.parquet", data)
    dest = tmp_path / "val.parquet"
    dest.write_bytes(b"truncated")

    fetch(client, url, dest)

    assert dest.read_bytes() == data
    assert leftovers(tmp_path) == []


def test_empty_file(client: httpx.Client, files: Files, tmp_path: Path) -> None:
    url = files.add("empty.csv", b"")

    fetch(client, url, tmp_path / "empty.csv")

    assert (tmp_path / "empty.csv").read_bytes() == b""
    assert [r.status for r in files.gets()] == [416, 200]


def test_without_validators_a_retry_starts_from_zero(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(MiB, seed=13)
    url = files.add("plain.bin", data)
    faults = files.server.faults
    faults.add(
        path="/files/plain.bin", strip_validators=True, drop_after=100_000, times=1
    )
    faults.add(path="/files/plain.bin", strip_validators=True)

    fetch(client, url, tmp_path / "plain.bin")

    assert (tmp_path / "plain.bin").read_bytes() == data
    second = files.gets()[1]
    assert header(second, "Range") == "bytes=0-"
    assert header(second, "If-Range") is None


def test_a_progressing_flaky_connection_finishes(
    client: httpx.Client, files: Files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failures only count while nothing arrives; progress resets the budget."""
    from numerapi_gen._transfer import _download

    monkeypatch.setattr(_download, "PROGRESS_RESETS_RETRIES", 100_000)
    data = random_bytes(MiB, seed=14)
    url = files.add("flaky.bin", data)
    files.server.faults.add(path="/files/flaky.bin", drop_after=150_000, times=6)

    fetch(client, url, tmp_path / "flaky.bin", max_retries=1)

    assert (tmp_path / "flaky.bin").read_bytes() == data
    assert len(files.gets()) == 7


def test_http_errors_raise_status_errors_without_signatures(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    with pytest.raises(APIStatusError) as caught:
        fetch(client, files.url("missing.bin"), tmp_path / "missing.bin")
    assert caught.value.status_code == 404
    assert "NoSuchKey" in str(caught.value)
    assert "s3cr3t" not in str(caught.value) and "s3cr3t" not in (
        caught.value.url or ""
    )
    assert not (tmp_path / "missing.bin").exists()
    assert leftovers(tmp_path) == []


def test_rate_limit_after_transport_retries(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    url = files.add("busy.bin", b"data")
    files.server.faults.add(path="/files/busy.bin", statuses=[429] * 10, retry_after=9)

    with pytest.raises(RateLimitError) as caught:
        fetch(client, url, tmp_path / "busy.bin")

    assert caught.value.retry_after == 9
    assert len(files.gets()) == MAX_RETRIES + 1


def test_logs_never_contain_the_signature(
    client: httpx.Client,
    files: Files,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = random_bytes(MiB, seed=16)
    url = files.add("logged.bin", data)
    files.server.faults.add(path="/files/logged.bin", drop_after=1000, times=2)
    caplog.set_level(logging.DEBUG, logger="numerapi_gen")

    fetch(client, url, tmp_path / "logged.bin")

    messages = [r.getMessage() for r in caplog.records]
    assert any("interrupted" in m for m in messages)
    assert not any(SIGNATURE in m or "s3cr3t" in m for m in messages)


def test_progress_bar_stays_off_when_stderr_is_not_a_tty(
    client: httpx.Client,
    files: Files,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = files.add("quiet.bin", random_bytes(100_000))

    fetch(client, url, tmp_path / "quiet.bin", show_progress=True)

    assert capsys.readouterr().err == ""


def test_bad_arguments(client: httpx.Client, tmp_path: Path) -> None:
    with pytest.raises(NumeraiValidationError):
        fetch(client, "http://127.0.0.1:9/x", tmp_path / "x", connections=0)


def test_redact_strips_query_fragment_and_credentials() -> None:
    assert (
        redact("https://user:pw@host.example/a/b.parquet?X-Amz-Signature=abc#frag")
        == "https://host.example/a/b.parquet"
    )


@pytest.mark.parametrize(
    ("validators", "resumes"),
    [
        ({}, True),  # a strong ETag
        ({"only_validator": "weak-etag"}, False),
        ({"only_validator": "last-modified"}, False),  # changed within the second
        ({"strip_validators": True}, False),
    ],
)
def test_a_file_changed_between_interruption_and_resume_is_never_spliced(
    client: httpx.Client,
    files: Files,
    tmp_path: Path,
    validators: dict[str, object],
    resumes: bool,
) -> None:
    old, new = random_bytes(MiB, seed=21), random_bytes(MiB, seed=22)
    url = files.add("moving.bin", old)
    faults = files.server.faults
    faults.add(path="/files/moving.bin", drop_after=300_000, times=1, **validators)
    if validators:
        faults.add(path="/files/moving.bin", **validators)
    dest = tmp_path / "moving.bin"
    with pytest.raises(IncompleteDownloadError):
        fetch(client, url, dest, max_retries=0)
    assert (tmp_path / "moving.bin.part").stat().st_size == 300_000
    sidecar = json.loads((tmp_path / "moving.bin.part.json").read_text())
    assert (sidecar["validator"] == files.etag("moving.bin")) is resumes

    files.add("moving.bin", new)  # same size, same second, other bytes
    fetch(client, url, dest)

    assert dest.read_bytes() == new
    resumed = files.gets()[-1]
    if resumes:  # If-Range named the old version: the server sent all anew
        assert header(resumed, "If-Range") == sidecar["validator"]
        assert resumed.status == 200
    else:  # nothing to name the old version by: start from zero
        assert header(resumed, "If-Range") is None
        assert header(resumed, "Range") == "bytes=0-"
    assert leftovers(tmp_path) == []
