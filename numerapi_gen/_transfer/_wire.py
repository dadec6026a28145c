"""Fast GETs of file bodies over the standard library's ``http.client``.

httpx parses and copies every ~64 KiB piece of a body in pure Python (h11)
while holding the GIL: one stream stays well below curl and parallel
segments contend instead of scaling. ``http.client`` reads a body straight
into the caller's buffer, with the GIL released during the socket read, so a
download can go socket -> reused buffer -> file.

:func:`wire_for` decides when this path may replace the httpx client: only
when it would behave the same (no proxy, auth, hooks or custom transport).
What the client's ``RetryTransport`` does for GETs is done here too:
redirects, retries of 429/502/503/504 (honouring ``Retry-After``), of failed
connections and of requests that got no response. Failures are raised as the
httpx exceptions httpx would raise, so callers map errors in one place.
"""

from __future__ import annotations

import contextlib
import http.client
import ssl
import threading

import httpcore
import httpx

from .._proxies import proxy_applies
from .._retry import (
    RETRYABLE_STATUS_CODES,
    RetryPolicy,
    RetryTransport,
    parse_retry_after,
)
from .._sockets import default_ssl_context, describe, mapped_error
from . import _common
from ._common import logger, redact

#: Whether downloads may take the fast path (tests switch it off to cover httpx).
ENABLED = True
#: Most bytes of an error body read for its message.
ERROR_BODY_LIMIT = 64 * 1024
#: Bytes asked per read of a body without Content-Length (chunked).
_UNSIZED_READ = 256 * 1024

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_NOT_SENT = frozenset({"host", "connection", "accept-encoding", "keep-alive"})

Origin = tuple[str, str, int]


def wire_for(client: httpx.Client, url: str) -> Wire | None:
    """A :class:`Wire` that GETs ``url`` as ``client`` would, or None for httpx."""
    if not ENABLED:
        return None
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return None
    if parsed.scheme not in _DEFAULT_PORTS or not parsed.host or parsed.userinfo:
        return None
    if (
        client._mounts  # proxies, given or from the environment
        or client.auth is not None
        or client.params
        or any(client.event_hooks.values())
        or (client.trust_env and proxy_applies(parsed.scheme, parsed.host))
    ):
        return None
    transport = client._transport
    policy = RetryPolicy(max_retries=0)  # a bare transport does not retry
    if isinstance(transport, RetryTransport):
        policy, transport = transport.policy, transport._transport
    if type(transport) is not httpx.HTTPTransport:
        return None  # a mock, a proxy or a custom transport: keep it
    pool = transport._pool
    if type(pool) is not httpcore.ConnectionPool or (
        pool._uds is not None or pool._local_address is not None or pool._socket_options
    ):
        return None
    return Wire(
        headers=client.headers,
        timeout=client.timeout,
        policy=policy,
        ssl_context=pool._ssl_context,
        max_redirects=client.max_redirects if client.follow_redirects else 0,
    )


class Wire:
    """Keep-alive GETs, one connection per concurrent request; thread-safe.

    Belongs to one download: :meth:`close` drops its idle connections.
    """

    def __init__(
        self,
        *,
        headers: httpx.Headers,
        timeout: httpx.Timeout,
        policy: RetryPolicy,
        ssl_context: ssl.SSLContext | None,
        max_redirects: int,
    ) -> None:
        self._headers = {k: v for k, v in headers.items() if k not in _NOT_SENT}
        self._timeout = timeout
        self._policy = policy
        self._ssl_context = ssl_context
        self._max_redirects = max_redirects
        self._lock = threading.Lock()
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = {}
        self._closed = False

    def get(self, url: str, headers: dict[str, str]) -> WireResponse:
        """Send a GET, follow redirects, retry what the retry policy allows.

        Returns the final response (errors included) with its body unread;
        past ``max_redirects`` that is the last 3xx.
        Raises an ``httpx.TransportError`` once retries are spent.
        """
        target = httpx.URL(url)
        sent = {**self._headers, **{k.lower(): v for k, v in headers.items()}}
        retries = redirects = 0
        while True:
            try:
                response = self._send(target, sent)
            except httpx.TransportError as exc:
                if retries >= self._policy.max_retries:
                    raise
                retries += 1
                self._wait(target, retries, describe(exc), None)
                continue
            status = response.status_code
            location = response.headers.get("Location")
            if (
                status in _REDIRECT_STATUSES
                and location
                and redirects < self._max_redirects
            ):
                following = target.join(location)
                if following.scheme in _DEFAULT_PORTS:
                    response.discard()
                    if _origin(following) != _origin(target):
                        sent.pop("authorization", None)
                    target, redirects = following, redirects + 1
                    continue
            if status in RETRYABLE_STATUS_CODES and retries < self._policy.max_retries:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                response.discard()
                retries += 1
                self._wait(target, retries, f"HTTP {status}", retry_after)
                continue
            return response

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    # --- connections --------------------------------------------------------------

    def _send(self, url: httpx.URL, headers: dict[str, str]) -> WireResponse:
        origin = _origin(url)
        target = url.raw_path.decode("ascii")
        while True:
            connection = self._take(origin)
            reused = connection is not None
            if connection is None:
                connection = self._connect(origin)
            try:
                connection.request("GET", target, headers=headers)
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                if reused:
                    continue  # closed by the server while idle: use a new one
                raise mapped_error(exc, httpx.WriteTimeout, httpx.WriteError) from exc
            try:
                raw = connection.getresponse()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                if reused and isinstance(exc, ConnectionError):
                    continue
                raise mapped_error(exc, httpx.ReadTimeout, httpx.ReadError) from exc
            return WireResponse(self, origin, connection, raw)

    def _connect(self, origin: Origin) -> http.client.HTTPConnection:
        scheme, host, port = origin
        connection: http.client.HTTPConnection
        if scheme == "https":
            context = self._ssl_context or default_ssl_context()
            connection = http.client.HTTPSConnection(
                host, port, timeout=self._timeout.connect, context=context
            )
        else:
            connection = http.client.HTTPConnection(
                host, port, timeout=self._timeout.connect
            )
        try:
            connection.connect()
        except OSError as exc:  # refused, DNS, TLS (ssl.SSLError is an OSError)
            connection.close()
            raise mapped_error(exc, httpx.ConnectTimeout, httpx.ConnectError) from exc
        assert connection.sock is not None
        connection.sock.settimeout(self._timeout.read)
        return connection

    def _take(self, origin: Origin) -> http.client.HTTPConnection | None:
        with self._lock:
            idle = self._idle.get(origin)
            return idle.pop() if idle else None

    def _give(self, origin: Origin, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed:
                self._idle.setdefault(origin, []).append(connection)
                return
        connection.close()

    def _wait(
        self, url: httpx.URL, retry: int, reason: str, retry_after: float | None
    ) -> None:
        delay = self._policy.delay(retry, retry_after)
        logger.debug(
            "retrying GET %s in %.2fs after %s (retry %d of %d)",
            redact(url),
            delay,
            reason,
            retry,
            self._policy.max_retries,
        )
        _common.sleep(delay)


class WireResponse:
    """A response whose body is read into the caller's buffers.

    ``close`` hands the connection back for reuse only when the body was read
    to its end; otherwise the connection is dropped.
    """

    def __init__(
        self,
        wire: Wire,
        origin: Origin,
        connection: http.client.HTTPConnection,
        raw: http.client.HTTPResponse,
    ) -> None:
        self.status_code = raw.status
        self.reason_phrase = raw.reason
        # http.client decodes header bytes as latin-1; keep them that way.
        self.headers = httpx.Headers(raw.getheaders(), encoding="latin-1")
        self._wire = wire
        self._origin = origin
        self._connection: http.client.HTTPConnection | None = connection
        self._raw = raw
        self._broken = False
        self._content: bytes | None = None

    def readinto(self, buffer: memoryview) -> int:
        """Body bytes into ``buffer`` from at most one socket read; 0 at the end.

        One read, not a full buffer, so callers stay responsive (cancellation,
        progress) on slow links. A body that ends early raises.
        """
        raw = self._raw
        if raw.isclosed() or not buffer:
            return 0
        try:
            if raw.length is None:  # chunked, or delimited by the close
                return raw.readinto(buffer[:_UNSIZED_READ])
            count = raw.fp.readinto1(buffer[: raw.length])
            if not count:
                raise httpx.RemoteProtocolError(
                    f"connection closed with {raw.length} body bytes missing"
                )
            raw.length -= count
            if not raw.length:
                raw.close()  # the body is complete; the connection stays open
            return count
        except httpx.RemoteProtocolError:
            self._broken = True
            raise
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self._broken = True
            raise mapped_error(exc, httpx.ReadTimeout, httpx.ReadError) from exc

    def read(self) -> bytes:
        """The body's first ``ERROR_BODY_LIMIT`` bytes (for error messages)."""
        if self._content is None:
            buffer = bytearray(ERROR_BODY_LIMIT)
            view, filled = memoryview(buffer), 0
            try:
                while filled < len(buffer):
                    count = self.readinto(view[filled:])
                    if not count:
                        break
                    filled += count
            finally:
                self._content = bytes(view[:filled])
        return self._content

    def discard(self) -> None:
        """Read a small body to its end so the connection can be reused."""
        with contextlib.suppress(httpx.TransportError):
            self.read()
        self.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        raw = self._raw
        if raw.length == 0 and not raw.isclosed():
            raw.close()  # an empty body: nothing left to read
        if raw.isclosed() and not raw.will_close and not self._broken:
            self._wire._give(self._origin, connection)
        else:
            raw.close()
            connection.close()


def _origin(url: httpx.URL) -> Origin:
    return (url.scheme, url.host, url.port or _DEFAULT_PORTS[url.scheme])
