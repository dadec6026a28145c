"""Streaming uploads to presigned URLs (``upload_file``).

numerapi read the whole file into memory and ignored the PUT's status. Here
the body is streamed from disk in chunks with an explicit ``Content-Length``
(S3 refuses chunked uploads), so memory stays flat for any size, and the
status is checked. A streamed body cannot be replayed by the retry transport,
so retries happen here, each re-opening the file: a PUT to a presigned URL is
idempotent. Creating the submission is the caller's next step, only after
this returned.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import httpx

from .._errors import (
    NumeraiError,
    NumeraiValidationError,
    UploadError,
)
from .._retry import parse_retry_after
from ._common import (
    CHUNK_SIZE,
    RETRYABLE_UPLOAD_STATUSES,
    backoff,
    connection_error,
    describe,
    logger,
    redact,
    status_error,
)
from ._progress import Progress

#: Failures after which the same PUT may simply be sent again.
_RETRYABLE_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ReadError,
    httpx.ReadTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
)


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
    failures = 0
    with Progress(description=source.name, total=size, enabled=show_progress) as bar:
        while True:
            bar.reset(total=size)
            retry_after: float | None = None
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
            except _RETRYABLE_ERRORS as exc:
                problem: NumeraiError | None = connection_error(exc, "PUT", url)
                reason = describe(exc)
            except httpx.TransportError as exc:
                raise connection_error(exc, "PUT", url) from exc
            else:
                if response.is_success:
                    logger.debug(
                        "uploaded %s (%d bytes) to %s", source.name, size, safe_url
                    )
                    return
                problem = status_error(response, "PUT", url)
                if response.status_code not in RETRYABLE_UPLOAD_STATUSES:
                    raise problem
                reason = f"HTTP {response.status_code}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            failures += 1
            if failures > max_retries:
                assert problem is not None
                raise problem
            logger.debug(
                "upload of %s to %s failed (%s); retry %d of %d",
                source.name,
                safe_url,
                reason,
                failures,
                max_retries,
            )
            backoff(failures, retry_after)


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
