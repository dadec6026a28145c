"""One ranged GET: send it, judge the answer, stream its body into a file.

The judging is where numerapi went wrong: it appended whatever came back to
its partial file. Here a 206 must start exactly where we asked and describe
the same file (size and validator); a 200 means "the whole file from byte 0";
anything else restarts the download cleanly instead of corrupting it.

httpx (h11) already skips 1xx interim responses and refuses conflicting
``Content-Length`` headers; a length given both ways (``Content-Length`` and
``Transfer-Encoding``), or beyond belief, is refused here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .. import _retry
from .._errors import TransferError
from .._retry import Attempts
from ._common import (
    STREAM_ERRORS,
    connection_error,
    content_length,
    is_encoded,
    parse_content_range,
    redact,
    status_error,
    validator_of,
)
from ._files import ChunkWriter

Response = httpx.Response


class RestartDownload(Exception):
    """The partial file cannot be continued: start again from byte 0.

    ``ranges_broken`` means the server mishandles byte ranges, so later
    attempts should not ask for any.
    """

    def __init__(self, reason: str, *, ranges_broken: bool = False) -> None:
        super().__init__(reason)
        self.ranges_broken = ranges_broken


class ShortBody(Exception):
    """The body ended cleanly but before the advertised last byte."""


#: What a retry resumes from where it stopped.
RESUMABLE: tuple[type[Exception], ...] = (ShortBody, *STREAM_ERRORS)


@dataclass(frozen=True)
class Reply:
    """What a successful response will deliver."""

    #: File offset of the body's first byte.
    start: int
    #: File offset of the body's last byte; None if the length is unknown.
    last: int | None
    #: Size of the whole remote file, when the server said.
    total: int | None
    validator: str | None
    #: The server advertised or demonstrated byte-range support.
    ranges: bool
    #: Content-encoded body: its bytes are not the file's, no resuming.
    encoded: bool


def open_get(
    client: httpx.Client,
    url: str,
    *,
    start: int,
    end: int | None = None,
    validator: str | None = None,
    use_range: bool = True,
    max_retries: int = 0,
) -> httpx.Response:
    """Send a streaming GET for ``start``..``end`` (or the whole file)."""
    headers = _range_headers(start, end, validator, use_range)
    return send_get(client, url, headers, max_retries=max_retries)


def send_get(
    client: httpx.Client, url: str, headers: dict[str, str], *, max_retries: int
) -> httpx.Response:
    """A streaming GET, repeated after failures up to ``max_retries`` times."""
    return send_repeatable(client, "GET", url, headers, max_retries=max_retries)


def send_repeatable(
    client: httpx.Client,
    method: str,
    url: str,
    headers: dict[str, str],
    *,
    max_retries: int,
) -> httpx.Response:
    """A streaming GET or HEAD, repeated after failures up to ``max_retries`` times.

    Both may be repeated: busy answers (429/502/503/504, honouring
    ``Retry-After``) and failed requests are retried. Returns the final
    response with its body unread.
    """
    attempts = Attempts(
        _retry.RetryPolicy(max_retries=max_retries),
        f"{method} {redact(url)}",
        repeatable=True,
    )
    while True:
        request = client.build_request(method, url, headers=headers)
        try:
            response = client.send(request, stream=True)
        except httpx.TooManyRedirects as exc:
            raise TransferError(f"{method} {redact(url)}: {exc}") from None
        except httpx.TransportError as exc:
            delay = attempts.after_error(exc)
            if delay is None:
                raise connection_error(exc, method, url) from exc
        else:
            delay = attempts.after_status(
                response.status_code, response.headers.get("Retry-After")
            )
            if delay is None:
                return response
            response.close()
        _retry.sleep(delay)


def _range_headers(
    start: int, end: int | None, validator: str | None, use_range: bool
) -> dict[str, str]:
    headers = {"Accept-Encoding": "identity"}
    if use_range:
        headers["Range"] = f"bytes={start}-{'' if end is None else end}"
        if validator:
            headers["If-Range"] = validator
    return headers


def classify(
    response: Response,
    *,
    url: str,
    start: int,
    expected_total: int | None = None,
    expected_validator: str | None = None,
) -> Reply:
    """Check a response against what was asked; raise if it cannot be used.

    Raises :class:`RestartDownload` for answers that make the partial file
    useless (416, a ``Content-Range`` that does not match, another file), and
    ``APIStatusError`` for HTTP errors (:func:`send_get` already retried those
    worth retrying).
    """
    status = response.status_code
    check_framing(response, url)
    encoded = is_encoded(response)
    validator = validator_of(response)
    if (
        expected_validator is not None
        and validator != expected_validator
        and status == 206
    ):
        # A 206 must name the version asked for in If-Range; anything else
        # (another ETag, or none) may be bytes of another version.
        raise RestartDownload("the remote file changed (validator differs)")
    if status == 206:
        parsed = parse_content_range(response.headers.get("Content-Range"))
        if parsed is None or parsed.first != start or encoded:
            raise RestartDownload(
                f"unusable partial response (asked from byte {start}, got "
                f"Content-Range {response.headers.get('Content-Range')!r})",
                ranges_broken=True,
            )
        length = content_length(response)
        if length is not None and length != parsed.last - parsed.first + 1:
            raise RestartDownload(
                "Content-Length disagrees with Content-Range", ranges_broken=True
            )
        if (
            expected_total is not None
            and parsed.total is not None
            and parsed.total != expected_total
        ):
            raise RestartDownload(
                "the remote file changed size "
                f"({expected_total} -> {parsed.total} bytes)"
            )
        return Reply(
            start=start,
            last=parsed.last,
            total=parsed.total,
            validator=validator,
            ranges=True,
            encoded=False,
        )
    if status == 200:
        total = None if encoded else content_length(response)
        accept = response.headers.get("Accept-Ranges", "").lower()
        return Reply(
            start=0,
            last=None if total is None else total - 1,
            total=total,
            validator=validator,
            ranges="bytes" in accept and not encoded,
            encoded=encoded,
        )
    if status == 416:
        raise RestartDownload(f"range starting at byte {start} not satisfiable")
    raise status_error(response, "GET", url)


def check_framing(response: Response, url: str) -> None:
    """Refuse a body whose length is ambiguous or beyond belief."""
    headers = response.headers
    problem = None
    if "content-length" in headers and "transfer-encoding" in headers:
        problem = "both Content-Length and Transfer-Encoding"
    elif "content-length" in headers and content_length(response) is None:
        problem = f"an impossible Content-Length ({headers['content-length'][:40]})"
    if problem is not None:
        response.close()
        raise TransferError(f"GET {redact(url)}: the answer has {problem}")


def stream_body(
    response: Response,
    reply: Reply,
    fd: int,
    *,
    stop: int | None,
    chunk_size: int,
    on_write: Callable[[int], None],
    cancel: threading.Event | None = None,
    claim: Callable[[int], int] | None = None,
) -> None:
    """Write the body, from the descriptor's position, up to file offset ``stop``.

    Raw (undecoded) bytes unless the server insisted on an encoding. Bytes
    already received are flushed even when the stream fails, so a retry can
    continue after them. ``on_write`` is told about every batch on disk.
    ``claim(n)``, when given, is asked before each piece how many of its
    ``n`` bytes to keep; keeping fewer ends the stream there (a segment that
    another stream took over the rest of).

    A body that ends exactly at ``stop`` is read to its end, so its
    connection goes back to the pool instead of being closed unread.
    """
    remaining = None if stop is None else stop - reply.start + 1
    writer = ChunkWriter(fd, chunk_size, on_write)
    pieces = response.iter_bytes() if reply.encoded else response.iter_raw()
    try:
        for piece in pieces:
            keep = len(piece) if remaining is None else min(len(piece), remaining)
            if claim is not None and keep:
                keep = claim(keep)
            if keep:
                writer.write(piece if keep == len(piece) else memoryview(piece)[:keep])
            if remaining is not None:
                remaining -= keep
            if keep < len(piece) or (cancel is not None and cancel.is_set()):
                break
    finally:
        writer.flush()
