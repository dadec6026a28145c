"""The HTTP layer: a keep-alive HTTP/1.1 server on the standard library.

Requests are parsed by ``http.server`` as it is (request line, headers,
``Expect: 100-continue``, its limits and error pages); this module only routes
them and writes the answers.

Routes: ``POST /`` and ``POST /graphql`` (GraphQL), ``GET|HEAD /files/<key>``
(downloads with single-range support), ``PUT /uploads/<key>?signature=...``
(presigned-style uploads streamed to disk), ``GET /health``. Every request is
recorded and may be hit by an injected fault first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import selectors
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from graphql import GraphQLSchema
from pydantic_core import to_json

from ._auth import (
    DEFAULT_PUBLIC_ID,
    DEFAULT_SECRET_KEY,
    Credentials,
    authorization_header,
    redact,
)
from ._blobs import RangeNotSatisfiable, if_range_matches, parse_range
from ._faults import FaultHit, Faults
from ._graphql import (
    DocumentCache,
    RequestContext,
    execute_payload,
    get_schema,
    schema_without,
)
from ._recording import RecordedRequest, RequestLog
from ._seed import seed_world
from ._world import World, WorldSnapshot

__all__ = ["FakeNumerai", "serve"]

_GRAPHQL_PATHS = ("/", "/graphql")
_MAX_GRAPHQL_BODY = 16 * 1024 * 1024
_DRAIN_CHUNK = 1024 * 1024
#: Bytes per read and TLS write when a file is served over HTTPS (the
#: standard library's sendfile fallback for TLS writes 8 KiB at a time).
_TLS_SEND_CHUNK = 256 * 1024
_HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n"
    "<body><center><h1>{status} {reason}</h1></center><hr>"
    "<center>cloudflare</center></body></html>\n"
)
_INVALID_JSON = b'{"data": {"rounds": [{"number": 1234, "openTime": "2026-11-27T13:'


class _Epoch:
    """The server's life between two resets; requests still in flight when it
    ends are abandoned: their fault delays end and they are not recorded."""

    __slots__ = ("ended",)

    def __init__(self) -> None:
        self.ended = threading.Event()

    def delay(self, seconds: float) -> None:
        """Sleep for a fault's latency; raise :class:`_Abandoned` if the
        epoch ends meanwhile (the request must not touch the next world)."""
        if self.ended.wait(seconds):
            raise _Abandoned


class _Abandoned(Exception):
    """The request outlived a reset or stop; drop it without an answer."""


class _Exchange:
    """What gets recorded about the request being handled."""

    __slots__ = (
        "body_length",
        "epoch",
        "fault",
        "operation",
        "query",
        "status",
        "variables",
    )

    def __init__(self, epoch: _Epoch) -> None:
        self.epoch = epoch
        self.status = 0
        self.operation: str | None = None
        self.variables: dict[str, Any] | None = None
        self.query: str | None = None
        self.body_length = 0
        self.fault = False


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: FakeNumerai) -> None:
        self.app = app
        self.connections: set[socket.socket] = set()
        self.connections_accepted = 0
        self.connections_lock = threading.Lock()
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__(address, _Handler)

    def serve_until_woken(self) -> None:
        """Accept connections until :meth:`wake` is called.

        ``serve_forever`` notices a shutdown only at its next poll, so every
        stop would wait up to a poll interval; here the accept loop also
        watches one end of a socket pair, and :meth:`wake` writes to the other.
        """
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while True:
                ready = selector.select()
                if any(key.fileobj is self._wake_reader for key, _ in ready):
                    return
                self.handle_request()

    def wake(self) -> None:
        """Make :meth:`serve_until_woken` return now."""
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"\0")

    def server_close(self) -> None:
        super().server_close()
        self._wake_reader.close()
        self._wake_writer.close()

    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept; with TLS, wrap the socket (the handshake runs in the handler)."""
        sock, address = super().get_request()
        self.connections_accepted += 1
        context = self.app.ssl_context
        if context is not None:
            sock = context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        return sock, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-response is routine here (fault tests, resumes)."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, ssl.SSLError)):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut down idle keep-alive connections so their threads end."""
        with self.connections_lock:
            sockets = list(self.connections)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeNumerai/1.0"
    sys_version = ""
    # Headers and body go out in separate writes; without NODELAY, Nagle
    # plus delayed ACKs would hold every keep-alive answer back ~40 ms.
    disable_nagle_algorithm = True
    server: _HTTPServer
    _recorder: Callable[[], None] | None = None

    # -- plumbing ------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def _header(self, name: str) -> str | None:
        """A request header (the first, if repeated)."""
        value: str | None = self.headers.get(name)
        return value

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.app.verbose:
            super().log_message(format, *args)

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_OPTIONS(self) -> None:
        self._dispatch("OPTIONS")

    def _dispatch(self, method: str) -> None:
        app = self.server.app
        started = time.perf_counter()
        url = urlsplit(self.path)
        path = url.path or "/"
        exchange = _Exchange(app._epoch)
        self._recorder = functools.partial(
            self._record_exchange, method, path, url.query, exchange, started
        )
        try:
            if method == "POST" and path in _GRAPHQL_PATHS:
                self._graphql(path, exchange)
            elif method in ("GET", "HEAD") and path.startswith("/files/"):
                self._download(method, path, exchange)
            elif method == "PUT" and path.startswith("/uploads/"):
                self._upload(path, url.query, exchange)
            elif method in ("GET", "HEAD") and path == "/health":
                self._plain(exchange, 200, b"ok\n", head=method == "HEAD")
            elif path in _GRAPHQL_PATHS:
                self._json(
                    exchange,
                    405,
                    {"errors": [{"message": "Use POST for GraphQL"}]},
                    headers={"Allow": "POST"},
                )
            else:
                self._json(
                    exchange, 404, {"errors": [{"message": f"Not found: {path}"}]}
                )
        except (
            BrokenPipeError,
            ConnectionResetError,
            ConnectionAbortedError,
            _Abandoned,
        ):
            self.close_connection = True
        except Exception as exc:
            self.close_connection = True
            if exchange.status == 0:
                message = f"Internal error in fake server: {type(exc).__name__}: {exc}"
                with contextlib.suppress(OSError):
                    self._json(exchange, 500, {"errors": [{"message": message}]})
            if app.verbose or exchange.status in (0, 500):
                import traceback

                traceback.print_exc(file=sys.stderr)
        finally:
            self._record_once()

    def _record_exchange(
        self, method: str, path: str, query: str, exchange: _Exchange, started: float
    ) -> None:
        self.server.app._record(
            method=method,
            path=path,
            query_string=query,
            headers=dict(self.headers.items()),
            exchange=exchange,
            duration=time.perf_counter() - started,
        )

    def _record_once(self) -> None:
        recorder, self._recorder = self._recorder, None
        if recorder is not None:
            recorder()

    def end_headers(self) -> None:
        # Record before any body byte goes out: a client that has read its
        # response must already find the request in ``server.requests``.
        self._record_once()
        super().end_headers()

    # -- responses -----------------------------------------------------------

    def _send(
        self,
        exchange: _Exchange,
        status: int,
        body: bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        hit: FaultHit | None = None,
        head: bool = False,
    ) -> None:
        exchange.status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        limit = _body_limit(hit, len(body))
        self.wfile.write(body if limit is None else body[:limit])
        if limit is not None:
            self._abort()

    def _json(
        self,
        exchange: _Exchange,
        status: int,
        document: Any,
        *,
        headers: dict[str, str] | None = None,
        hit: FaultHit | None = None,
    ) -> None:
        body = to_json(document)  # compact; serializes Decimal and datetime too
        self._send(
            exchange,
            status,
            body,
            "application/json; charset=utf-8",
            headers=headers,
            hit=hit,
        )

    def _plain(
        self, exchange: _Exchange, status: int, body: bytes, *, head: bool = False
    ) -> None:
        self._send(exchange, status, body, "text/plain; charset=utf-8", head=head)

    def _abort(self) -> None:
        """Close the connection mid-body (after what was already written)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _apply_fault(
        self, exchange: _Exchange, hit: FaultHit | None, *, head: bool = False
    ) -> bool:
        """Sleep and/or answer for a fault; True when the response was replaced."""
        if hit is None:
            return False
        exchange.fault = True
        if hit.latency:
            exchange.epoch.delay(hit.latency)
        extra = {"Retry-After": hit.retry_after} if hit.retry_after is not None else {}
        if hit.status is not None:
            reason = self.responses.get(hit.status, ("Error",))[0]
            document = {"errors": [{"message": f"{hit.status} {reason}"}], "data": None}
            body = json.dumps(document).encode()
            self._send(
                exchange,
                hit.status,
                body,
                "application/json; charset=utf-8",
                headers=extra,
                hit=hit,
                head=head,
            )
            return True
        if hit.html_status is not None:
            reason = self.responses.get(hit.html_status, ("Error",))[0]
            page = _HTML_PAGE.format(status=hit.html_status, reason=reason).encode()
            self._send(
                exchange,
                hit.html_status,
                page,
                "text/html; charset=utf-8",
                headers=extra,
                hit=hit,
                head=head,
            )
            return True
        if hit.invalid_json:
            self._send(
                exchange,
                200,
                _INVALID_JSON,
                "application/json; charset=utf-8",
                headers=extra,
                hit=hit,
                head=head,
            )
            return True
        return False

    # -- request bodies ------------------------------------------------------

    def _content_length(self) -> int | None:
        value = self._header("content-length")
        if value is None:
            return None
        try:
            length = int(value)
        except ValueError:
            return None
        return length if length >= 0 else None

    def _chunked(self) -> bool:
        return "chunked" in (self._header("transfer-encoding") or "").lower()

    def _length_required(self, exchange: _Exchange) -> None:
        """411 for a chunked body: ``http.server`` reads only Content-Length
        bodies, and every client this fake serves sends one."""
        self.close_connection = True
        self._json(exchange, 411, {"errors": [{"message": "Content-Length required"}]})

    def _drain(self, length: int) -> None:
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(_DRAIN_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)

    # -- GraphQL ---------------------------------------------------------------

    def _graphql(self, path: str, exchange: _Exchange) -> None:
        app = self.server.app
        if self._chunked():
            self._length_required(exchange)
            return
        length = self._content_length() or 0
        if length > _MAX_GRAPHQL_BODY:
            self.close_connection = True
            self._json(
                exchange, 413, {"errors": [{"message": "Request body too large"}]}
            )
            return
        body = self.rfile.read(length)
        exchange.body_length = len(body)
        payload: Any = None
        problem: str | None = None
        try:
            payload = json.loads(body) if body else None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = f"Malformed JSON in request body: {exc}"
        if problem is None:
            if not isinstance(payload, dict):
                problem = "Request body must be a JSON object with a 'query'"
            elif not isinstance(payload.get("query"), str):
                problem = "No query document supplied"
        prepared = None
        if problem is None:
            assert isinstance(payload, dict)
            prepared = app._documents.get(payload["query"])
            requested = payload.get("operationName")
            exchange.operation = prepared.operation_name(
                requested if isinstance(requested, str) else None
            )
            exchange.query = app._redact(payload["query"])
            variables = payload.get("variables")
            if isinstance(variables, dict):
                exchange.variables = app._redact(variables)
        hit = app.faults.take("POST", path, exchange.operation)
        if self._apply_fault(exchange, hit):
            return
        if problem is not None or prepared is None:
            self._json(exchange, 400, {"errors": [{"message": problem}]}, hit=hit)
            return
        assert isinstance(payload, dict)
        auth_status, public_id = app.credentials.check(self._header("authorization"))
        context = RequestContext(
            world=app.world,
            base_url=app.base_url,
            auth_status=auth_status,
            public_id=public_id,
        )
        result = execute_payload(payload, prepared, context, app._schema)
        self._json(exchange, 200, result, hit=hit)

    # -- files -------------------------------------------------------------------

    def _download(self, method: str, path: str, exchange: _Exchange) -> None:
        app = self.server.app
        head = method == "HEAD"
        hit = app.faults.take(method, path, None)
        if self._apply_fault(exchange, hit, head=head):
            return
        key = unquote(path[len("/files/") :])
        blob = app.world.blobs.get(key)
        if blob is None:
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
                "<Message>The specified key does not exist.</Message>"
                f"<Key>{key}</Key></Error>"
            ).encode()
            self._send(exchange, 404, body, "application/xml", head=head)
            return
        validators = {
            "Accept-Ranges": "bytes",
            "ETag": blob.etag,
            "Last-Modified": blob.last_modified_http,
        }
        if hit is not None and hit.strip_validators:
            validators = {}
        elif hit is not None and hit.only_validator == "weak-etag":
            validators = {"Accept-Ranges": "bytes", "ETag": "W/" + blob.etag}
        elif hit is not None and hit.only_validator == "last-modified":
            del validators["ETag"]
        if self._header("if-none-match") == blob.etag:
            exchange.status = 304
            self.send_response(304)
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            return
        range_header = self._header("range")
        if hit is not None and hit.ignore_range:
            range_header = None
        if range_header and not if_range_matches(self._header("if-range"), blob):
            range_header = None
        try:
            byte_range = parse_range(range_header, blob.size)
        except RangeNotSatisfiable:
            self._send(
                exchange,
                416,
                b"",
                "text/plain",
                headers={**validators, "Content-Range": f"bytes */{blob.size}"},
                head=head,
            )
            return
        start, count = 0, blob.size
        status = 200
        headers = dict(validators)
        if byte_range is not None:
            status = 206
            start, count = byte_range.start, byte_range.length
            shift = hit.content_range_shift if hit is not None else 0
            headers["Content-Range"] = (
                f"bytes {start + shift}-{byte_range.end + shift}/{blob.size}"
            )
        exchange.status = status
        self.send_response(status)
        self.send_header("Content-Type", blob.content_type)
        self.send_header("Content-Length", str(count))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if head:
            return
        limit = _body_limit(hit, count)
        with blob.path.open("rb") as handle:
            _send_file(
                self.connection, handle, start, count if limit is None else limit
            )
        if limit is not None:
            self._abort()

    def _upload(self, path: str, query_string: str, exchange: _Exchange) -> None:
        app = self.server.app
        length = self._content_length()
        if self._chunked() or length is None:
            self._length_required(exchange)
            return
        exchange.body_length = length
        hit = app.faults.take("PUT", path, None)
        if hit is not None and hit.replaces_response:
            self._drain(length)
            self._apply_fault(exchange, hit)
            return
        if hit is not None and hit.latency:
            exchange.fault = True
            exchange.epoch.delay(hit.latency)
        key = unquote(path[len("/uploads/") :])
        signature = parse_qs(query_string).get("signature", [""])[0]
        upload = app.world.uploads.get(key)
        if upload is None or signature != upload.signature:
            self._drain(length)
            self._send(
                exchange,
                403,
                b"<Error><Code>SignatureDoesNotMatch</Code></Error>",
                "application/xml",
            )
            return
        try:
            app.world.blobs.receive(upload, self.rfile, length)
        except ConnectionError:
            self.close_connection = True
            exchange.status = 400
            return
        upload.content_type = self._header("content-type")
        self._send(
            exchange,
            200,
            b"",
            "text/plain",
            headers={"ETag": f'"{(upload.sha256 or "")[:32]}"'},
            hit=hit,
        )


def _send_file(connection: socket.socket, handle: Any, start: int, count: int) -> None:
    """``count`` bytes of ``handle`` from ``start``: the kernel's sendfile on
    plain TCP, large reads and writes over TLS."""
    if not isinstance(connection, ssl.SSLSocket):
        connection.sendfile(handle, start, count)
        return
    handle.seek(start)
    while count > 0:
        data = handle.read(min(count, _TLS_SEND_CHUNK))
        if not data:
            return
        connection.sendall(data)
        count -= len(data)


def _body_limit(hit: FaultHit | None, length: int) -> int | None:
    """How many body bytes to send before dropping the connection, if any."""
    if hit is None:
        return None
    if hit.drop_after is not None and hit.drop_after < length:
        return hit.drop_after
    if hit.short_body and length > 0:
        return length // 2
    return None


class FakeNumerai:
    """A local, schema-faithful fake of the Numerai tournament API.

    ``with FakeNumerai() as server:`` starts it on an ephemeral port of
    127.0.0.1 in a background thread; point a client at ``server.url`` with
    ``server.public_id``/``server.secret_key``. ``server.world`` is the state,
    ``server.requests`` what was received, ``server.faults`` what goes wrong.

    Validation is stricter than the real API by default (every rule of the
    GraphQL specification). ``lenient=True`` accepts the slips the real
    API tolerates and numerapi 3.1.1 relies on: snake_case field names
    (served as their camelCase twins under the name asked for), snake_case
    argument names (``v3UserProfile(model_name:)``), a ``String``
    variable where an ``ID`` is expected and the variable type ``bool`` for
    ``Boolean`` (``stake_drain``). With ``ssl_context`` (a
    server-side :class:`ssl.SSLContext`) it serves HTTPS, as the real API does.
    """

    def __init__(
        self,
        *,
        public_id: str = DEFAULT_PUBLIC_ID,
        secret_key: str = DEFAULT_SECRET_KEY,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        now: dt.datetime | None = None,
        username: str | None = None,
        world: World | None = None,
        verbose: bool = False,
        lenient: bool = False,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.credentials = Credentials(public_id, secret_key)
        self.seed = seed
        self.host = host
        self.verbose = verbose
        self.world = world or seed_world(
            seed, now=now, public_id=public_id, username=username
        )
        self.requests = RequestLog()
        self.faults = Faults()
        self._requested_port = port
        self._schema = get_schema()
        self._documents = DocumentCache(self._schema, lenient=lenient)
        self._dropped: frozenset[str] = frozenset()
        #: Serve HTTPS with this server-side context (URLs then say https).
        self.ssl_context = ssl_context
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None
        self._started_world: WorldSnapshot | None = None
        self._epoch = _Epoch()

    # -- schema drift ------------------------------------------------------------

    def drop_field(self, *coordinates: str) -> None:
        """Serve the schema without these ``Type.field`` fields, as an API that
        removed them does: operations selecting one are rejected (validation
        errors, ``data: null``). :meth:`restore_schema` undoes it."""
        dropped = self._dropped | frozenset(coordinates)
        self._use_schema(schema_without(dropped), dropped)

    def restore_schema(self) -> None:
        """Serve the full packaged schema again."""
        self._use_schema(get_schema(), frozenset())

    def _use_schema(self, schema: GraphQLSchema, dropped: frozenset[str]) -> None:
        self._documents = DocumentCache(schema, lenient=self._documents.lenient)
        self._schema, self._dropped = schema, dropped

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> FakeNumerai:
        """Bind and serve in a daemon thread; returns ``self``."""
        if self._httpd is not None:
            return self
        if self._started_world is None:
            self._started_world = self.world.snapshot()
        httpd = _HTTPServer((self.host, self._requested_port), self)
        self._httpd = httpd
        self._port = int(httpd.server_address[1])
        self._thread = threading.Thread(
            target=httpd.serve_until_woken,
            name=f"FakeNumerai:{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close connections and delete temporary files."""
        httpd, self._httpd = self._httpd, None
        self._epoch.ended.set()
        self._epoch = _Epoch()
        if httpd is not None:
            httpd.wake()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if httpd is not None:
            httpd.server_close()
            httpd.close_connections()
        self.world.blobs.cleanup()

    def reset(self) -> None:
        """Back to how the server was when it first started, in milliseconds.

        The world is restored from a snapshot taken at the first
        :meth:`start` (files uploaded since are deleted), recorded requests
        and fault rules are cleared, dropped fields are back, open
        connections are closed and
        :attr:`connections_accepted` starts again from zero. What makes one
        server per test session (or module) as good as one per test.
        """
        self._epoch.ended.set()
        self._epoch = _Epoch()
        self.close_connections()
        self.faults.clear()
        self.requests.clear()
        if self._dropped:
            self.restore_schema()
        if self._httpd is not None:
            self._httpd.connections_accepted = 0
        if self._started_world is not None:
            self.world.restore(self._started_world)

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (``python -m``)."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def __enter__(self) -> FakeNumerai:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.url if self._httpd is not None else "stopped"
        return f"<FakeNumerai {state} public_id={self.public_id!r} seed={self.seed}>"

    # -- connections -------------------------------------------------------------

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted so far (keep-alive reuse shows as few)."""
        return self._httpd.connections_accepted if self._httpd is not None else 0

    def close_connections(self) -> None:
        """Close every open client connection now, as a server closing idle
        keep-alive connections does; clients must notice and reconnect."""
        if self._httpd is not None:
            self._httpd.close_connections()

    # -- addresses and keys -----------------------------------------------------

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeNumerai is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/`` (``https`` with TLS; ends with a slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{host}:{self.port}/"

    @property
    def url(self) -> str:
        """The GraphQL endpoint (POST), like ``https://api-tournament.numer.ai``."""
        return self.base_url

    @property
    def public_id(self) -> str:
        return self.credentials.public_id

    @property
    def secret_key(self) -> str:
        return self.credentials.secret_key

    @property
    def auth_headers(self) -> dict[str, str]:
        """``{"Authorization": "Token PUBLIC$SECRET"}`` for the accepted keys."""
        return {"Authorization": authorization_header(self.public_id, self.secret_key)}

    def file_url(self, key: str) -> str:
        """URL of a blob, e.g. ``file_url("datasets/v5.0/train.parquet")``."""
        return f"{self.base_url}files/{quote(key)}"

    def dataset_url(self, name: str) -> str:
        """URL the ``dataset`` query returns for a dataset file name."""
        return self.file_url(self.world.datasets[name].blob_key)

    # -- internals used by the handler ------------------------------------------

    def _redact(self, value: Any) -> Any:
        return redact(value, self.credentials.secret_key)

    def _record(
        self,
        *,
        method: str,
        path: str,
        query_string: str,
        headers: dict[str, str],
        exchange: _Exchange,
        duration: float,
    ) -> None:
        if exchange.epoch is not self._epoch:
            return  # abandoned by a reset: not this test's request
        clean: dict[str, str] = {}
        for name, value in headers.items():
            if name.lower() == "authorization":
                clean[name] = self.credentials.redact_header(value)
            else:
                clean[name] = self._redact(value)
        self.requests.append(
            RecordedRequest(
                method=method,
                path=path,
                query_string=query_string,
                headers=clean,
                status=exchange.status,
                operation=exchange.operation,
                variables=exchange.variables,
                query=exchange.query,
                body_length=exchange.body_length,
                fault=exchange.fault,
                duration=duration,
            )
        )


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    public_id: str = DEFAULT_PUBLIC_ID,
    secret_key: str = DEFAULT_SECRET_KEY,
    seed: int = 0,
    verbose: bool = False,
    echo: Callable[[str], None] = print,
) -> None:
    """Run a fake server in the foreground until Ctrl-C (CLI entry point)."""
    server = FakeNumerai(
        public_id=public_id,
        secret_key=secret_key,
        seed=seed,
        host=host,
        port=port,
        verbose=verbose,
    )
    server.start()
    echo(f"Fake Numerai API listening on {server.url}")
    echo(f"Demo keys: NUMERAI_PUBLIC_ID={public_id} NUMERAI_SECRET_KEY={secret_key}")
    echo(f"Account: {server.world.account.username}; press Ctrl-C to stop")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
