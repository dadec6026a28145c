"""What every transfer module shares: tunables, URL redaction, header parsing,
backoff and the mapping of httpx failures to numerapi-gen errors.

Presigned URLs carry their signature in the query string, so nothing here ever
puts a full URL into a log line or an exception message: :func:`redact` first.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import httpx

from .. import _retry
from .._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    RateLimitError,
)
from .._retry import RetryPolicy, parse_retry_after

logger = logging.getLogger("numerapi_gen.transfer")

#: Bytes gathered before one write to disk; big writes keep Python overhead low.
#: (Measured for downloads: 2 MiB and larger writes were ~3x slower into an
#: ext4 page cache, and no faster into tmpfs.)
CHUNK_SIZE = 1024 * 1024
#: The largest file size believed: more is a broken or hostile header (and
#: would overflow the OS calls that preallocate and seek).
MAX_FILE_SIZE = 2**50
#: The most parallel ranged connections for a large download (it starts with
#: one and adds more only while they add throughput).
DEFAULT_CONNECTIONS = 8
#: Files smaller than this are fetched over one connection.
SEGMENT_THRESHOLD = 64 * 1024 * 1024
#: An attempt that delivered at least this much resets the failure count, so a
#: flaky but progressing connection finishes a big file.
PROGRESS_RESETS_RETRIES = 8 * 1024 * 1024

#: Statuses worth repeating a presigned PUT for (S3 asks clients to retry 500).
RETRYABLE_UPLOAD_STATUSES = frozenset({429, 500, 502, 503, 504})

#: Failures while a response body is being read: resumable.
STREAM_ERRORS: tuple[type[Exception], ...] = (
    httpx.ReadError,
    httpx.ReadTimeout,
    httpx.RemoteProtocolError,
)

#: Transfers use the clients' retry policy; their budget is ``max_retries``.
_POLICY = RetryPolicy()


def backoff(retry_number: int, retry_after: float | None = None) -> None:
    """Sleep as the retry policy says before retry ``retry_number``."""
    _retry.sleep(_POLICY.delay(retry_number, retry_after))


def describe(exc: BaseException) -> str:
    """``Type: message`` for an exception (these messages hold no URLs)."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def redact(url: str | httpx.URL) -> str:
    """The URL without query, fragment or credentials: safe to log and show."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return "<invalid URL>"
    return str(parsed.copy_with(query=None, fragment=None, userinfo=b""))


@dataclass(frozen=True)
class ContentRange:
    """A parsed ``Content-Range: bytes first-last/total`` header."""

    first: int
    last: int
    total: int | None


_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)


def parse_content_range(value: str | None) -> ContentRange | None:
    """The header's numbers, or None if absent or malformed."""
    match = _CONTENT_RANGE.match(value or "")
    if match is None:
        return None
    first, last, total = match.groups()
    parsed = ContentRange(int(first), int(last), None if total == "*" else int(total))
    if (
        parsed.last < parsed.first
        or parsed.last >= MAX_FILE_SIZE
        or (parsed.total is not None and parsed.last >= parsed.total)
        or (parsed.total is not None and parsed.total > MAX_FILE_SIZE)
    ):
        return None
    return parsed


def validator_of(response: httpx.Response) -> str | None:
    """The strong ETag, the one validator a download may be resumed with.

    A weak ETag may stay the same while the bytes change, and a Last-Modified
    date (one-second resolution) stays the same when a file is replaced
    within the second: resuming on either could splice two versions.
    """
    etag: str | None = response.headers.get("ETag")
    if etag and not etag.startswith("W/"):
        return etag
    return None


def content_length(response: httpx.Response) -> int | None:
    """The announced body length; None when absent, malformed or beyond belief."""
    value = response.headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    length = int(value)
    return length if length <= MAX_FILE_SIZE else None


def is_encoded(response: httpx.Response) -> bool:
    """Whether the body is content-encoded (its bytes are not the file's)."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    return encoding not in ("", "identity")


_S3_CODE = re.compile(r"<Code>([^<]{1,100})</Code>")
_S3_MESSAGE = re.compile(r"<Message>([^<]{1,300})</Message>")


def _error_detail(response: httpx.Response) -> str:
    """S3-style ``<Code>``/``<Message>`` from an error body, nothing else.

    The rest of such a body (e.g. ``CanonicalRequest``) may echo the request,
    so it is never shown.
    """
    try:
        text = response.read()[:8192].decode("utf-8", "replace")
    except (httpx.HTTPError, RuntimeError):  # dropped, or a closed stream
        return ""
    parts = [
        m.group(1).strip()
        for m in (_S3_CODE.search(text), _S3_MESSAGE.search(text))
        if m
    ]
    return ": ".join(parts)


def status_error(
    response: httpx.Response, method: str, url: str | httpx.URL
) -> APIStatusError:
    """The error for an unexpected HTTP status (429 is a RateLimitError)."""
    safe = redact(url)
    detail = _error_detail(response)
    message = (
        f"{method} {safe} failed: HTTP {response.status_code} {response.reason_phrase}"
    )
    if detail:
        message += f" ({detail})"
    if response.status_code == 429:
        return RateLimitError(
            message,
            url=safe,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    return APIStatusError(message, status_code=response.status_code, url=safe)


def connection_error(
    exc: httpx.TransportError, method: str, url: str | httpx.URL
) -> APIConnectionError:
    """The error for a request that got no response, once retries are spent."""
    safe = redact(url)
    message = f"{method} {safe} failed: {describe(exc)}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(message, url=safe)
    return APIConnectionError(message, url=safe)
