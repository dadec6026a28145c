"""The runner's handle on the shaping proxy (:mod:`benchmarks.shaper`), and
a check that the proxy shapes as asked: ping-pong round trips and capped
throughput through it, against small servers of this process."""

from __future__ import annotations

import contextlib
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ._server import ControlledProcess

MB = 10**6


@dataclass(frozen=True)
class LinkShape:
    """A round trip, an optional shared cap (bytes/s per direction) and an
    optional per-connection window (bytes)."""

    rtt_ms: float
    rate: float | None = None
    window: int | None = None

    def describe(self) -> str:
        parts = [f"{self.rtt_ms:g} ms RTT"]
        if self.rate:
            parts.append(f"{self.rate / MB:g} MB/s shared")
        if self.window:
            parts.append(f"{self.window / 2**20:g} MiB per-connection window")
        return ", ".join(parts)


class ShapedLink(ControlledProcess):
    """``with ShapedLink(work_dir, upstream_port) as link:``; ``link.port``."""

    def __init__(self, work_dir: Path, upstream_port: int, name: str = "") -> None:
        argv = [
            sys.executable,
            "-m",
            "benchmarks.shaper",
            f"--upstream=127.0.0.1:{upstream_port}",
        ]
        super().__init__(argv, work_dir / f"shaper{name}.log")
        self.port = int(self.info["port"])

    def shape(self, shape: LinkShape) -> None:
        """Shape connections accepted from now on."""
        self.command("shape", rtt_ms=shape.rtt_ms, rate=shape.rate, window=shape.window)

    def stats(self) -> dict[str, int]:
        """Connections accepted and bytes moved (down, up) since the last call."""
        return {k: int(v) for k, v in self.command("stats").items()}


# --- the proxy's own check -----------------------------------------------------


@contextmanager
def _serving(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP server on 127.0.0.1 running ``handle`` per connection; its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=_closing(handle, conn), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()


def _closing(
    handle: Callable[[socket.socket], None], conn: socket.socket
) -> Callable[[], None]:
    def run() -> None:
        with conn, contextlib.suppress(OSError):
            handle(conn)

    return run


def _echo(conn: socket.socket) -> None:
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while data := conn.recv(65536):
        conn.sendall(data)


def _source(conn: socket.socket) -> None:
    """Reads a decimal byte count and a newline, then sends that many bytes."""
    wanted = int(conn.makefile("rb").readline())
    block = bytes(256 * 1024)
    while wanted > 0:
        wanted -= conn.send(block[: min(len(block), wanted)])


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def ping_pong(port: int, pings: int) -> tuple[float, float]:
    """Seconds from connect to the first echo, and the median echo after it."""
    started = time.perf_counter()
    with _connect(port) as sock:
        sock.sendall(b"x")
        sock.recv(1)
        first = time.perf_counter() - started
        times = []
        for _ in range(pings):
            before = time.perf_counter()
            sock.sendall(b"x")
            sock.recv(1)
            times.append(time.perf_counter() - before)
    return first, statistics.median(times)


def pull(port: int, size: int, streams: int) -> float:
    """Seconds for ``streams`` connections to receive ``size`` bytes each."""

    def one() -> None:
        with _connect(port) as sock:
            sock.sendall(f"{size}\n".encode())
            left = size
            while left > 0:
                got = len(sock.recv(1 << 20))
                if not got:
                    raise ConnectionError("source closed early")
                left -= got

    started = time.perf_counter()
    threads = [threading.Thread(target=one) for _ in range(streams)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


@dataclass(frozen=True)
class Check:
    """One proxy check: what was measured against what the shape implies."""

    what: str
    measured: float
    expected: float
    unit: Literal["ms", "MB/s"]


def check_link(work_dir: Path, *, rtt_ms: float, size: int) -> list[Check]:
    """Measure the proxy against its own promises (no HTTP, no TLS)."""
    checks: list[Check] = []
    rtt = rtt_ms / 1000
    with _serving(_echo) as echo_port, ShapedLink(work_dir, echo_port, "-echo") as link:
        link.shape(LinkShape(rtt_ms))
        first, echo = ping_pong(link.port, 20)
        checks.append(Check(f"ping-pong round trip, {rtt_ms:g} ms", echo, rtt, "ms"))
        checks.append(
            Check(f"connect + first ping-pong, {rtt_ms:g} ms", first, 2 * rtt, "ms")
        )
    with _serving(_source) as source_port, ShapedLink(work_dir, source_port) as link:
        cases: list[tuple[str, LinkShape, int, float]] = [
            ("1 stream, 200 MB/s cap", LinkShape(rtt_ms, 200 * MB), 1, 200 * MB),
            ("4 streams, 200 MB/s cap", LinkShape(rtt_ms, 200 * MB), 4, 200 * MB),
            (
                "1 stream, 1 MiB window",
                LinkShape(rtt_ms, window=2**20),
                1,
                2**20 / rtt,
            ),
            (
                "4 streams, 1 MiB window each",
                LinkShape(rtt_ms, window=2**20),
                4,
                4 * 2**20 / rtt,
            ),
        ]
        for label, shape, streams, expected in cases:
            link.shape(shape)
            # the connect round trip and the first byte's delay are not throughput
            seconds = pull(link.port, size, streams) - 2 * rtt
            checks.append(
                Check(
                    f"throughput, {label}, {rtt_ms:g} ms",
                    streams * size / seconds,
                    expected,
                    "MB/s",
                )
            )
    return checks


def describe_checks(checks: list[Check]) -> list[dict[str, Any]]:
    return [
        {
            "what": c.what,
            "measured": c.measured * (1000 if c.unit == "ms" else 1 / MB),
            "expected": c.expected * (1000 if c.unit == "ms" else 1 / MB),
            "unit": c.unit,
        }
        for c in checks
    ]


if __name__ == "__main__":  # python -m benchmarks._link: check the proxy alone
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        rtt = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
        found = check_link(Path(tmp), rtt_ms=rtt, size=64 * 2**20)
        for row in describe_checks(found):
            print(json.dumps(row))
