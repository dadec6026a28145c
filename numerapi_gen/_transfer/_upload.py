"""Streaming uploads to presigned URLs (``upload_file``).

numerapi read the whole file into memory and ignored the PUT's status. Here
the body is streamed from disk in chunks with an explicit ``Content-Length``
(S3 refuses chunked uploads), so memory stays flat for any size, and the
status is checked. The PUT declares itself repeatable (a PUT to a presigned
URL is idempotent) to the clients' retry policy, and each attempt re-opens
the file, since a streamed body cannot be replayed. Creating the submission
is the caller's next step, only after this returned.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import httpx

from .. import _retry
from .._errors import (
    NumeraiValidationError,
    UploadError,
)
from .._retry import Attempts, RetryPolicy
from ._common import (
    CHUNK_SIZE,
    RETRYABLE_UPLOAD_STATUSES,
    connection_error,
    logger,
    redact,
    status_error,
)
from ._progress import Progress


class _FileChanged(Exception):
    """The file is not the size it was when the upload began."""


def upload_file(
    client: httpx.Client,
    url: str,
    source: Path,
    *,
    headers: Mapping[str, str],
    show_progress: bool,
    max_retries: int,
    chunk_size: int = CHUNK_SIZE,
    timeout: float | tuple[float, float] | None = None,
) -> None:
    """PUT ``source`` to the presigned ``url``; return once it was stored.

    ``timeout`` is seconds or a ``(connect, read)`` pair, as numerapi takes
    it; None keeps the client's timeouts.

    Retries 429/500/502/503/504 (honouring ``Retry-After``) and connection
    failures up to ``max_retries`` times. Raises ``APIStatusError`` (or
    ``RateLimitError``) for a refused upload, ``APIConnectionError`` when the
    host cannot be reached, ``UploadError`` if the file changes meanwhile.
    """
    source = Path(source)
    size = _size_of(source)
    safe_url = redact(url)
    attempts = Attempts(
        RetryPolicy(max_retries=max_retries),
        f"PUT {safe_url} ({source.name})",
        repeatable=True,
        statuses=RETRYABLE_UPLOAD_STATUSES,
    )
    with Progress(description=source.name, total=size, enabled=show_progress) as bar:
        while True:
            bar.reset(total=size)
            try:
                response = _put(
                    client, url, source, size, headers, bar, chunk_size, timeout
                )
            except _FileChanged as exc:
                raise UploadError(f"cannot upload {source}: {exc}") from None
            except OSError as exc:  # reading the file failed mid-upload
                raise UploadError(
                    f"cannot upload {source}: {exc.strerror or exc}"
                ) from exc
            except httpx.TransportError as exc:
                delay = attempts.after_error(exc)
                if delay is None:
                    raise connection_error(exc, "PUT", url) from exc
            else:
                if response.is_success:
                    logger.debug(
                        "uploaded %s (%d bytes) to %s", source.name, size, safe_url
                    )
                    return
                delay = attempts.after_status(
                    response.status_code, response.headers.get("Retry-After")
                )
                if delay is None:
                    raise status_error(response, "PUT", url)
            _retry.sleep(delay)


def _size_of(source: Path) -> int:
    try:
        info = source.stat()
    except OSError as exc:
        raise NumeraiValidationError(
            f"cannot read {source}: {exc.strerror or exc}", argument="file_path"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise NumeraiValidationError(
            f"{source} is not a regular file", argument="file_path"
        )
    return info.st_size


def _put(
    client: httpx.Client,
    url: str,
    source: Path,
    size: int,
    headers: Mapping[str, str],
    bar: Progress,
    chunk_size: int,
    timeout: float | tuple[float, float] | None,
) -> httpx.Response:
    try:
        handle = source.open("rb")
    except OSError as exc:
        raise _FileChanged(exc.strerror or str(exc)) from None
    with handle:
        if os.fstat(handle.fileno()).st_size != size:
            raise _FileChanged("the file changed size since the upload began")
        request_headers = {**headers, "Content-Length": str(size)}
        try:
            return client.put(
                url,
                content=_chunks(handle, size, bar, chunk_size),
                headers=request_headers,
                timeout=_httpx_timeout(timeout, client.timeout),
            )
        except httpx.LocalProtocolError as exc:
            # h11 refuses a body shorter than Content-Length: the file shrank.
            raise _FileChanged(f"the file changed while uploading ({exc})") from None


def _httpx_timeout(
    timeout: float | tuple[float, float] | None, default: httpx.Timeout
) -> httpx.Timeout:
    """numerapi's PUT timeout (seconds or (connect, read)) as an httpx.Timeout."""
    if timeout is None:
        return default
    if isinstance(timeout, tuple):
        connect, read = timeout
        return httpx.Timeout(default.write, connect=connect, read=read)
    return httpx.Timeout(timeout)


def _chunks(
    handle: BinaryIO, size: int, bar: Progress, chunk_size: int
) -> Iterator[bytes]:
    """Exactly ``size`` bytes of the file, ``chunk_size`` at a time."""
    remaining = size
    while remaining > 0:
        chunk = handle.read(min(chunk_size, remaining))
        if not chunk:
            return  # shorter than announced: h11 raises LocalProtocolError
        remaining -= len(chunk)
        bar.update(len(chunk))
        yield chunk


__all__ = ["upload_file"]
