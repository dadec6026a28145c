"""A file server on 127.0.0.1 whose bandwidth is limited per connection (a
CDN's per-stream limit) or shared by all connections (a link that one stream
fills): what the adaptive segment count must tell apart."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ETAG = '"throttled-1"'
_PIECE = 32 * 1024
_SLACK = 0.05


class _Pace:
    """Paces writes at ``rate`` bytes per second (one per connection, or one
    shared by all)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._lock = threading.Lock()
        self._free_at = 0.0

    def wait(self, size: int) -> None:
        with self._lock:
            now = time.monotonic()
            # a sleep that overslept is made up for (up to a moment), so one
            # stream gets the whole rate as reliably as several do
            self._free_at = max(now - _SLACK, self._free_at) + size / self.rate
            due = self._free_at
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)


@contextmanager
def throttled_server(
    data: bytes, *, per_connection: float | None = None, shared: float | None = None
) -> Iterator[tuple[str, list[str]]]:
    """Serve ``data`` at ``/file``; yields its URL and the Range headers of
    every GET, in arrival order. Every GET but the first must carry
    ``If-Range: ETAG`` (a resumed or later stream checks the file is the same);
    one that does not gets a 200 with the whole file, as a server would
    answer for a changed file."""
    ranges: list[str] = []
    link = _Pace(shared) if shared else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.pace = _Pace(per_connection) if per_connection else None

        def do_GET(self) -> None:
            asked = self.headers.get("Range", "")
            ranges.append(asked)
            match = re.fullmatch(r"bytes=(\d+)-(\d*)", asked)
            if len(ranges) > 1 and self.headers.get("If-Range") != ETAG:
                match = None
            first = int(match[1]) if match else 0
            last = int(match[2]) if match and match[2] else len(data) - 1
            self.send_response(206 if match else 200)
            self.send_header("Content-Length", str(last - first + 1))
            if match:
                self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", ETAG)
            self.end_headers()
            view = memoryview(data)
            for start in range(first, last + 1, _PIECE):
                piece = view[start : min(start + _PIECE, last + 1)]
                for pace in (self.pace, link):
                    if pace is not None:
                        pace.wait(len(piece))
                self.wfile.write(piece)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client closing a stream it no longer needs

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/file", ranges
    finally:
        server.shutdown()
        server.server_close()
