"""Keep-alive GraphQL POSTs over ``http.client``: the sync API's fast lane.

A small GraphQL call costs httpx about 0.35 ms of client CPU (request and
response models, httpcore's pool, h11's state machine); one write of a
prebuilt request and ``http.client``'s response parser need about a third of
that, and a numerapi user's loop of small queries is exactly this path.
:class:`KeepAliveClient` does only what the generated client asks of its
``http_client`` (``post(url, json=...)``) and keeps every guarantee of the
httpx path:

* the same retry decisions (:class:`~._retry.RetryState`: queries on 429/502/
  503/504, timeouts and drops; mutations only when the connection never
  opened), ``Retry-After`` included;
* the same exceptions (httpx's transport errors, with the request attached),
  so error translation is shared;
* the same trust store (certifi) and gzip bodies.

Clients use it only when httpx has nothing to add: no proxy in the
environment and no ``http_client`` supplied by the caller.
"""

from __future__ import annotations

import http.client
import logging
import select
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from typing import Any
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


class _Default:
    """Marker for "use the client's setting" (``auth=None`` means no auth)."""


USE_CLIENT_DEFAULT: Any = _Default()


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
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
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


class KeepAliveClient:
    """GraphQL POSTs to one URL over pooled keep-alive connections.

    Thread-safe: each request takes an idle connection (or opens one) and
    returns it once the response has been read.
    """

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        authorization: str | None = None,
        timeout: float | None = 30.0,
        policy: RetryPolicy | None = None,
        ssl_context: ssl.SSLContext | None = None,
        sleep: Callable[[float], None] = time.sleep,
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
        self._sleep = sleep
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
        self._idle: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        return f"KeepAliveClient(url={self.url!r})"

    @property
    def is_closed(self) -> bool:
        return self._closed

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
        if self._closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        if url != self.url:
            raise ValueError(f"this client posts to {self.url!r} only, not {url!r}")
        override = (extensions or {}).get(POLICY_EXTENSION)
        state = RetryState(
            override if isinstance(override, RetryPolicy) else self.policy,
            describe=lambda: f"POST {self.url}",
            idempotent=is_query_payload(json),
        )
        if auth is not None and not isinstance(auth, _Default):
            raise TypeError("KeepAliveClient takes auth=None or no auth argument")
        body = to_json(json)
        message = b"".join(
            (
                self._head,
                self._authorization if auth is USE_CLIENT_DEFAULT else b"",
                b"Content-Length: %d\r\n\r\n" % len(body),
                body,
            )
        )
        seconds = _timeout_seconds(timeout, self.timeout)
        while True:
            try:
                status, reason, headers, content = self._exchange(message, seconds)
            except httpx.TransportError as exc:
                delay = state.after_error(exc)
                if delay is None:
                    raise
            else:
                delay = state.after_status(status, _header(headers, "retry-after"))
                if delay is None:
                    logger.debug("POST %s -> %d %s", self.url, status, reason)
                    return httpx.Response(
                        status,
                        headers=headers,
                        content=content,
                        request=self._request,
                        extensions={"reason_phrase": reason.encode("latin-1")},
                    )
            self._sleep(delay)

    # --- one request on one connection ---------------------------------------

    def _checkout(self, seconds: float | None) -> socket.socket:
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

    def _exchange(
        self, message: bytes, seconds: float | None
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
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
        headers = response.getheaders()
        encoding = _header(headers, "content-encoding")
        if encoding:
            content = self._decode(content, encoding)
            headers = [
                (name, value)
                for name, value in headers
                if name.lower() not in ("content-encoding", "content-length")
            ]
        return response.status, response.reason, headers, content

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
