"""Keep-alive GraphQL POSTs without httpx: the API's fast lane, sync and async.

A small GraphQL call costs httpx about 0.35 ms of client CPU (request and
response models, httpcore's pool, h11's state machine); one write of a
prebuilt request and a plain response parser need about a third of that,
and a numerapi user's loop of small queries is exactly this path.
:class:`KeepAliveClient` (sockets and ``http.client``'s parser) and its twin
:class:`AsyncKeepAliveClient` (asyncio streams) do only what the generated
clients ask of their ``http_client`` (``post(url, json=...)``) and keep
every guarantee of the httpx path:

* the same retry decisions (:class:`~._retry.RetryState`: queries on 429/502/
  503/504, timeouts and drops; mutations only when the connection never
  opened), ``Retry-After`` included;
* the same exceptions (httpx's transport errors, with the request attached),
  so error translation is shared;
* the same trust store (certifi, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``) and
  gzip bodies.

Clients use them only when httpx has nothing to add: no proxy in the
environment and no ``http_client`` supplied by the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import logging
import os
import select
import socket
import ssl
import sys
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, SupportsIndex, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic_core import to_json

from ._retry import POLICY_EXTENSION, RetryPolicy, RetryState, is_query_payload
from ._sockets import default_ssl_context, mapped_error

logger = logging.getLogger("numerapi_gen")

#: Whether sync clients may use this path (tests switch it off to cover httpx).
ENABLED = True
#: Idle connections kept for reuse (more only while threads share a client).
MAX_IDLE_CONNECTIONS = 8
#: The same for the async client, where many requests are usually in flight.
MAX_IDLE_ASYNC = 32

T = TypeVar("T")


class _Default:
    """Marker for "use the client's setting" (``auth=None`` means no auth)."""


USE_CLIENT_DEFAULT: Any = _Default()

#: status, reason, headers, body: one answer as read off the wire.
_Answer = tuple[int, str, list[tuple[str, str]], bytes]


def _timeout_seconds(timeout: object, default: float | None) -> float | None:
    """Seconds per socket operation, from a number, ``httpx.Timeout`` or None."""
    if isinstance(timeout, _Default):
        return default
    if isinstance(timeout, httpx.Timeout):
        values = [t for t in (timeout.connect, timeout.read, timeout.write) if t]
        return max(values) if values else None
    if timeout is None or isinstance(timeout, (int, float)):
        return timeout
    raise TypeError(f"timeout must be a number, httpx.Timeout or None: {timeout!r}")


def _is_stale(sock: socket.socket) -> bool:
    """Whether an idle connection was closed by the server (or is unusable).

    An idle keep-alive socket that polls readable has either reached EOF or
    holds bytes nobody asked for; either way it must not carry a request. TLS
    1.3 session tickets also make a socket readable, so those are read off
    before judging.
    """
    try:
        if not _readable(sock):
            return False
        sock.setblocking(False)
        try:
            sock.recv(1)
        finally:
            sock.setblocking(True)
    except (ssl.SSLWantReadError, BlockingIOError):
        return False  # TLS records without application data: still open
    except (OSError, ValueError):
        return True
    return True  # EOF, or bytes nobody asked for


def _readable(sock: socket.socket) -> bool:
    """Whether a read would not block; poll() also takes descriptors past 1023."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


class _KeepAliveCore:
    """What the sync and async clients share: the request bytes, the retry
    state, and the shaping of answers into ``httpx.Response`` objects."""

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        authorization: str | None = None,
        timeout: float | None = 30.0,
        policy: RetryPolicy | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._ssl_context = ssl_context
        self.timeout = timeout
        self.policy = policy or RetryPolicy()
        fields = {
            "Host": parts.netloc.rpartition("@")[2],
            "Accept": "*/*",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "keep-alive",
            "Content-Type": "application/json",
            **(headers or {}),
        }
        lines = [f"POST {target} HTTP/1.1", *(f"{k}: {v}" for k, v in fields.items())]
        self._head = _encode_lines(lines)
        self._authorization = (
            _encode_lines([f"Authorization: {authorization}"]) if authorization else b""
        )
        #: Attached to responses and errors, as httpx does (URL, no headers).
        self._request = httpx.Request("POST", url)
        self._idle: list[Any] = []
        self._closed = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r})"

    @property
    def is_closed(self) -> bool:
        return self._closed

    def _prepare(
        self, url: str, json: Any, timeout: Any, extensions: Any, auth: Any
    ) -> tuple[RetryState, bytes, float | None]:
        """The retry state, the request's bytes and the socket timeout."""
        if self._closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        if url != self.url:
            raise ValueError(f"this client posts to {self.url!r} only, not {url!r}")
        if auth is not None and not isinstance(auth, _Default):
            raise TypeError(f"{type(self).__name__} takes auth=None or no auth")
        override = (extensions or {}).get(POLICY_EXTENSION)
        state = RetryState(
            override if isinstance(override, RetryPolicy) else self.policy,
            describe=lambda: f"POST {self.url}",
            idempotent=is_query_payload(json),
        )
        body = to_json(json)
        message = b"".join(
            (
                self._head,
                self._authorization if auth is USE_CLIENT_DEFAULT else b"",
                b"Content-Length: %d\r\n\r\n" % len(body),
                body,
            )
        )
        return state, message, _timeout_seconds(timeout, self.timeout)

    def _response(self, answer: _Answer) -> httpx.Response:
        status, reason, headers, content = answer
        encoding = _header(headers, "content-encoding")
        if encoding:
            content = self._decode(content, encoding)
            headers = [
                (name, value)
                for name, value in headers
                if name.lower() not in ("content-encoding", "content-length")
            ]
        logger.debug("POST %s -> %d %s", self.url, status, reason)
        return httpx.Response(
            status,
            headers=headers,
            content=content,
            request=self._request,
            extensions={"reason_phrase": reason.encode("latin-1")},
        )

    def _decode(self, content: bytes, encoding: str) -> bytes:
        """gzip/deflate bodies; others are an invalid response."""
        encoding = encoding.strip().lower()
        try:
            if encoding in ("gzip", "x-gzip"):
                return zlib.decompress(content, wbits=zlib.MAX_WBITS | 16)
            if encoding == "deflate":
                try:
                    return zlib.decompress(content)
                except zlib.error:
                    return zlib.decompress(content, wbits=-zlib.MAX_WBITS)
            if encoding == "identity":
                return content
        except zlib.error as exc:
            raise httpx.DecodingError(
                f"invalid {encoding} body: {exc}", request=self._request
            ) from exc
        raise httpx.DecodingError(
            f"unsupported Content-Encoding {encoding!r}", request=self._request
        )


class KeepAliveClient(_KeepAliveCore):
    """GraphQL POSTs to one URL over pooled keep-alive connections.

    Thread-safe: each request takes an idle connection (or opens one) and
    returns it once the response has been read.
    """

    _idle: list[socket.socket]

    def __init__(
        self, url: str, *, sleep: Callable[[float], None] = time.sleep, **core: Any
    ) -> None:
        """``sleep`` waits between retries (the async twin awaits instead);
        the other options are :class:`_KeepAliveCore`'s."""
        super().__init__(url, **core)
        self._sleep = sleep
        #: Connections are not shared with forked children (see _checkout).
        self._pid = os.getpid()
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the idle connections; later requests raise RuntimeError."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for sock in idle:
            sock.close()

    def __enter__(self) -> KeepAliveClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the generated client's interface -----------------------------------

    def post(
        self,
        url: str,
        *,
        json: Any | None = None,
        timeout: Any = USE_CLIENT_DEFAULT,
        extensions: Mapping[str, Any] | None = None,
        auth: Any = USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        """POST ``json`` to ``url`` (this client's URL) and read the answer.

        ``auth=None`` leaves the key off; ``extensions`` may carry a
        :class:`RetryPolicy` for this request, as with the httpx transports.
        """
        state, message, seconds = self._prepare(url, json, timeout, extensions, auth)
        while True:
            try:
                answer = self._exchange(message, seconds)
            except httpx.TransportError as exc:
                delay = state.after_error(exc)
                if delay is None:
                    raise
            else:
                delay = state.after_status(answer[0], _header(answer[2], "retry-after"))
                if delay is None:
                    return self._response(answer)
            self._sleep(delay)

    # --- one request on one connection ---------------------------------------

    def _checkout(self, seconds: float | None) -> socket.socket:
        if self._pid != os.getpid():  # a forked child: the parent owns those
            self._forget_inherited()
        while True:
            with self._lock:
                sock = self._idle.pop() if self._idle else None
            if sock is None:
                return self._connect(seconds)
            if _is_stale(sock):
                sock.close()
                continue
            sock.settimeout(seconds)
            return sock

    def _forget_inherited(self) -> None:
        """Drop the parent's connections in a forked child (its copies only:
        two processes reading one socket would mix up their answers)."""
        self._lock = threading.Lock()  # the parent may have held it at fork
        idle, self._idle = self._idle, []
        self._pid = os.getpid()
        for sock in idle:
            os.close(sock.detach())  # the child's copy only: no shutdown, no alert

    def _checkin(self, sock: socket.socket) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(sock)
                return
        sock.close()

    def _connect(self, seconds: float | None) -> socket.socket:
        try:
            sock = socket.create_connection((self._host, self._port), seconds)
        except OSError as exc:  # refused, unreachable, DNS, timeout
            raise mapped_error(
                exc, httpx.ConnectTimeout, httpx.ConnectError, self._request
            ) from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._https:
                context = self._ssl_context or default_ssl_context()
                sock = context.wrap_socket(sock, server_hostname=self._host)
        except OSError as exc:  # the TLS handshake, certificate checks
            sock.close()
            raise mapped_error(
                exc, httpx.ConnectTimeout, httpx.ConnectError, self._request
            ) from exc
        return sock

    def _exchange(self, message: bytes, seconds: float | None) -> _Answer:
        """Send one whole request in one write; read one whole response."""
        sock = self._checkout(seconds)
        try:
            try:
                sock.sendall(message)
            except OSError as exc:
                raise mapped_error(
                    exc, httpx.WriteTimeout, httpx.WriteError, self._request
                ) from exc
            response = http.client.HTTPResponse(sock, method="POST")
            try:
                response.begin()
                content = response.read()
            except (OSError, http.client.HTTPException) as exc:
                raise mapped_error(
                    exc, httpx.ReadTimeout, httpx.ReadError, self._request
                ) from exc
            finally:
                response.close()
        except BaseException:
            sock.close()
            raise
        if response.will_close:
            sock.close()
        else:
            self._checkin(sock)
        return response.status, response.reason, response.getheaders(), content


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _encode_lines(lines: list[str]) -> bytes:
    """Header lines as sent; CR or LF inside one would forge headers."""
    if any("\r" in line or "\n" in line for line in lines):
        raise ValueError("a header contains a line break")
    return "".join(f"{line}\r\n" for line in lines).encode("latin-1")


# --- the async twin -----------------------------------------------------------------

if sys.version_info >= (3, 11):

    async def _within(awaitable: Awaitable[T], seconds: float | None) -> T:
        async with asyncio.timeout(seconds):
            return await awaitable

else:  # pragma: no cover - Python 3.10

    async def _within(awaitable: Awaitable[T], seconds: float | None) -> T:
        return await asyncio.wait_for(awaitable, seconds)


class _Reader(asyncio.StreamReader):
    """An asyncio StreamReader that notes when bytes last arrived.

    :class:`_ReadDeadline` uses it to limit every wait for more bytes with a
    single timer per answer: an ``asyncio.timeout`` around each read was a
    quarter of the async client's CPU per small query.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop=loop)
        self._clock = loop.time
        self.fed_at = self._clock()

    def feed_data(self, data: Iterable[SupportsIndex]) -> None:
        self.fed_at = self._clock()
        super().feed_data(data)


class _ReadDeadline:
    """Fail ``reader`` once it has waited ``seconds`` without receiving a byte.

    The same limit as a timeout around each read (httpx's read timeout), kept
    with one timer that moves on while bytes keep coming. Expiry sets a
    ``TimeoutError`` on the reader, which the pending (or next) read raises;
    the connection is then closed, never reused.
    """

    def __init__(self, reader: _Reader, seconds: float | None) -> None:
        self._reader = reader
        self._seconds = seconds
        self._handle: asyncio.TimerHandle | None = None
        if seconds is not None:
            self._loop = asyncio.get_running_loop()
            reader.fed_at = self._loop.time()  # the wait starts now
            self._handle = self._loop.call_at(reader.fed_at + seconds, self._check)

    def _check(self) -> None:
        assert self._seconds is not None
        due = self._reader.fed_at + self._seconds
        if self._loop.time() < due:
            self._handle = self._loop.call_at(due, self._check)
        else:
            self._handle = None
            self._reader.set_exception(asyncio.TimeoutError("timed out"))

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()


async def _open_stream(
    host: str, port: int, ssl_context: ssl.SSLContext | None
) -> tuple[_Reader, asyncio.StreamWriter]:
    """``asyncio.open_connection``, with a :class:`_Reader` as the reader."""
    loop = asyncio.get_running_loop()
    reader = _Reader(loop)
    protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
    transport, _ = await loop.create_connection(
        lambda: protocol,
        host,
        port,
        ssl=ssl_context,
        server_hostname=host if ssl_context is not None else None,
    )
    return reader, asyncio.StreamWriter(transport, protocol, reader, loop)


_Stream = tuple[_Reader, asyncio.StreamWriter, asyncio.AbstractEventLoop]


class AsyncKeepAliveClient(_KeepAliveCore):
    """The asyncio twin of :class:`KeepAliveClient` (asyncio streams).

    Each request in flight has a connection of its own; up to
    ``MAX_IDLE_ASYNC`` are kept for reuse. Connections belong to the event
    loop that opened them: a client used from another loop opens new ones.
    """

    _idle: list[_Stream]

    async def aclose(self) -> None:
        """Close the idle connections; later requests raise RuntimeError."""
        self._closed = True
        idle, self._idle = self._idle, []
        for stream in idle:
            await _shut(stream)

    async def __aenter__(self) -> AsyncKeepAliveClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def post(
        self,
        url: str,
        *,
        json: Any | None = None,
        timeout: Any = USE_CLIENT_DEFAULT,
        extensions: Mapping[str, Any] | None = None,
        auth: Any = USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        """As :meth:`KeepAliveClient.post`, awaited."""
        state, message, seconds = self._prepare(url, json, timeout, extensions, auth)
        while True:
            try:
                answer = await self._exchange(message, seconds)
            except httpx.TransportError as exc:
                delay = state.after_error(exc)
                if delay is None:
                    raise
            else:
                delay = state.after_status(answer[0], _header(answer[2], "retry-after"))
                if delay is None:
                    return self._response(answer)
            await asyncio.sleep(delay)

    async def _checkout(self, seconds: float | None) -> _Stream:
        loop = asyncio.get_running_loop()
        while self._idle:
            stream = self._idle.pop()
            reader, writer, owner = stream
            if owner is loop and not reader.at_eof() and not writer.is_closing():
                return stream
            await _shut(stream)
        try:
            reader, writer = await _within(
                _open_stream(
                    self._host,
                    self._port,
                    (self._ssl_context or default_ssl_context())
                    if self._https
                    else None,
                ),
                seconds,
            )
        except (OSError, asyncio.TimeoutError) as exc:  # refused, DNS, TLS, time
            raise mapped_error(
                exc, httpx.ConnectTimeout, httpx.ConnectError, self._request
            ) from exc
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return reader, writer, loop

    async def _exchange(self, message: bytes, seconds: float | None) -> _Answer:
        stream = await self._checkout(seconds)
        reader, writer, _ = stream
        try:
            try:
                writer.write(message)
                if writer.transport.get_write_buffer_size():
                    await _within(writer.drain(), seconds)
                else:  # all sent: drain only checks for a lost connection
                    await writer.drain()
            except (OSError, asyncio.TimeoutError) as exc:
                raise mapped_error(
                    exc, httpx.WriteTimeout, httpx.WriteError, self._request
                ) from exc
            try:
                answer, reusable = await _read_answer(reader, seconds)
            except (OSError, asyncio.TimeoutError, http.client.HTTPException) as exc:
                raise mapped_error(
                    exc, httpx.ReadTimeout, httpx.ReadError, self._request
                ) from exc
        except BaseException:  # cancelled mid-answer, too: never reuse it
            writer.close()
            raise
        if reusable and not self._closed and len(self._idle) < MAX_IDLE_ASYNC:
            self._idle.append(stream)
        else:
            writer.close()
        return answer


async def _shut(stream: _Stream) -> None:
    """Close a connection from whichever loop runs now, quietly.

    A connection of another loop is closed by that loop (transports are not
    thread-safe); one whose loop has been closed can only be aborted.
    """
    _, writer, owner = stream
    with contextlib.suppress(Exception):
        if owner is asyncio.get_running_loop():
            writer.close()
        elif not owner.is_closed():
            owner.call_soon_threadsafe(writer.close)
        else:
            writer.transport.abort()


async def _read_answer(reader: _Reader, seconds: float | None) -> tuple[_Answer, bool]:
    """One HTTP/1.x response, and whether its connection may carry another.

    Every wait for more bytes is limited to ``seconds`` (as httpx's read
    timeout). Protocol violations raise ``http.client`` exceptions, mapped
    like the sync client's.
    """
    deadline = _ReadDeadline(reader, seconds)
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            version, status, reason, headers = _parse_head(head)
            if not 100 <= status < 200:  # skip interim answers (100 Continue)
                break
        tokens = (_header(headers, "connection") or "").lower()
        reusable = (
            "close" not in tokens if version == "HTTP/1.1" else "keep-alive" in tokens
        )
        length = _header(headers, "content-length")
        if "chunked" in (_header(headers, "transfer-encoding") or "").lower():
            body = await _read_chunked(reader)
        elif length is not None:
            body = await _read_exactly(reader, int(length))
        elif status in (204, 304):
            body = b""
        else:  # delimited by the end of the connection
            body = await reader.read()
            reusable = False
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            raise http.client.RemoteDisconnected("no response") from exc
        raise http.client.IncompleteRead(exc.partial) from exc
    except (asyncio.LimitOverrunError, ValueError) as exc:
        raise http.client.HTTPException(f"malformed response: {exc}") from exc
    finally:
        deadline.cancel()
    return (status, reason, headers, body), reusable


def _parse_head(head: bytes) -> tuple[str, int, str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise http.client.BadStatusLine(lines[0])
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line:
            name, colon, value = line.partition(":")
            if not colon:
                raise http.client.HTTPException(f"malformed header line {line!r}")
            headers.append((name.strip(), value.strip()))
    return version, int(code), reason, headers


async def _read_exactly(reader: asyncio.StreamReader, count: int) -> bytes:
    """``count`` bytes, read in pieces of at most 1 MiB."""
    if count < 0:
        raise ValueError(f"negative Content-Length {count}")
    pieces: list[bytes] = []
    while count:
        piece = await reader.read(min(count, 1 << 20))
        if not piece:
            raise http.client.IncompleteRead(b"".join(pieces), count)
        pieces.append(piece)
        count -= len(piece)
    return b"".join(pieces)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    pieces: list[bytes] = []
    while True:
        line = await reader.readuntil(b"\r\n")
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailer fields: not used
            return b"".join(pieces)
        pieces.append(await _read_exactly(reader, size))
        if await reader.readexactly(2) != b"\r\n":
            raise ValueError("chunk not followed by CRLF")
