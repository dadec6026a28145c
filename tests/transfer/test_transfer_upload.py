"""upload_file: streamed PUT with Content-Length, retries, status errors."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from _transfer_support import MAX_RETRIES, Files, header, random_bytes

from numerapi_gen._errors import (
    APIConnectionError,
    APIStatusError,
    NumeraiValidationError,
    RateLimitError,
)
from numerapi_gen._transfer import upload_file
from numerapi_gen.testing import FakeNumerai, Upload

MiB = 1024 * 1024


def slot(server: FakeNumerai, filename: str = "predictions.csv") -> tuple[Upload, str]:
    upload = server.world.create_upload(
        "submission", filename, model_id=None, tournament=8
    )
    url = f"{server.base_url}uploads/{quote(upload.key)}?signature={upload.signature}"
    return upload, url


def put(client: httpx.Client, url: str, source: Path, **options: object) -> None:
    kwargs: dict[str, object] = {
        "headers": {"x_compute_id": "abc"},
        "show_progress": False,
        "max_retries": MAX_RETRIES,
    }
    kwargs.update(options)
    upload_file(client, url, source, **kwargs)  # type: ignore[arg-type]


def test_upload_streams_exact_bytes_with_content_length(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(3 * MiB + 5, seed=30)
    source = tmp_path / "predictions.csv"
    source.write_bytes(data)
    upload, url = slot(files.server)

    put(client, url, source, chunk_size=256 * 1024)

    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    (request,) = files.requests("PUT")
    assert header(request, "Content-Length") == str(len(data))
    assert header(request, "Transfer-Encoding") is None
    assert header(request, "x_compute_id") == "abc"
    assert header(request, "Authorization") is None


def test_upload_is_retried_after_503(
    client: httpx.Client, files: Files, tmp_path: Path, backoffs: list[float]
) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(b"id,prediction\nn1,0.5\n")
    upload, url = slot(files.server)
    files.server.faults.add(path="/uploads/", method="PUT", statuses=[503, 502])

    put(client, url, source)

    assert upload.read_bytes() == source.read_bytes()
    assert [r.status for r in files.requests("PUT")] == [503, 502, 200]
    assert len(backoffs) == 2


def test_upload_gives_up_after_max_retries(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(b"id,prediction\nn1,0.5\n")
    upload, url = slot(files.server)
    files.server.faults.add(path="/uploads/", statuses=[503] * 10)

    with pytest.raises(APIStatusError) as caught:
        put(client, url, source, max_retries=2)

    assert caught.value.status_code == 503
    assert len(files.requests("PUT")) == 3
    assert not upload.complete
    assert "signature" not in str(caught.value)


def test_rate_limit_carries_retry_after(
    client: httpx.Client, files: Files, tmp_path: Path, backoffs: list[float]
) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(b"id,prediction\nn1,0.5\n")
    _, url = slot(files.server)
    files.server.faults.add(path="/uploads/", statuses=[429] * 10, retry_after=4)

    with pytest.raises(RateLimitError) as caught:
        put(client, url, source, max_retries=1)

    assert caught.value.retry_after == 4
    assert backoffs == [4]


def test_refused_upload_is_not_retried(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(b"id,prediction\nn1,0.5\n")
    _, url = slot(files.server)

    with pytest.raises(APIStatusError) as caught:
        put(client, url.replace("signature=", "signature=wrong"), source)

    assert caught.value.status_code == 403
    assert "SignatureDoesNotMatch" in str(caught.value)
    assert len(files.requests("PUT")) == 1


def test_unreachable_host(client: httpx.Client, tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(b"id,prediction\n")
    with pytest.raises(APIConnectionError):
        put(
            client,
            "http://127.0.0.1:9/uploads/x?signature=s3cr3t",
            source,
            max_retries=1,
        )


@pytest.mark.parametrize("make", ["missing", "directory"])
def test_unreadable_source_fails_before_any_request(
    client: httpx.Client, files: Files, tmp_path: Path, make: str
) -> None:
    source = tmp_path / "p.csv"
    if make == "directory":
        source.mkdir()
    _, url = slot(files.server)

    with pytest.raises(NumeraiValidationError) as caught:
        put(client, url, source)

    assert caught.value.argument == "file_path"
    assert files.requests() == []
