"""A network-shaping TCP proxy, in its own process: what a real link costs.

``python -m benchmarks.shaper --upstream HOST:PORT`` listens on an ephemeral
port of 127.0.0.1, prints one JSON line (``port``) and forwards every
connection to the upstream server through a shaped link:

- **a delay line per direction**: each chunk read is timestamped and released
  to the other side half a round trip later. Chunks queue behind each other,
  so the delay adds latency without throttling throughput (a link's
  bandwidth-delay product stays in flight).
- **one extra round trip on connect**, the TCP handshake: the proxy starts
  reading a new connection (and connects upstream) only after ``rtt``.
- **a bandwidth cap shared by all connections**, one per direction: every
  chunk takes its turn on the link (``bytes / rate`` seconds), across all
  connections, before its delay starts.
- **an optional per-connection window**: at most ``window`` bytes of a
  connection (per direction) are unacknowledged, an acknowledgement arriving
  half a round trip after delivery. One connection then moves at most
  ``window / rtt`` bytes per second, as a CDN's per-stream limit does.
  Without it a large receive buffer (:data:`BUFFER`) still applies.

The shape is changed at run time with commands on stdin, one JSON object per
line, each answered by one JSON line on stdout: ``shape`` (``rtt_ms``,
``rate`` in bytes per second or null, ``window`` in bytes or null) and
``stats`` (connections accepted and bytes moved since the last ``stats``).
It stops when stdin closes, so it never outlives the runner. The shape
applies to connections accepted after the command.

Benchmark code, not product code: it uses asyncio streams and sockets freely.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import socket
import sys
from dataclasses import dataclass
from typing import Any

#: Read size per chunk.
CHUNK = 256 * 1024
#: Unacknowledged bytes per connection and direction when no window is set:
#: Linux's largest autotuned TCP receive window (``tcp_rmem`` max, 6 MiB), so
#: one stream reaches 300 MB/s at 20 ms and 75 MB/s at 80 ms, as on a real
#: link, and a stream closed early wastes no more than a real one would.
BUFFER = 6 * 2**20
#: How far ahead of the link a reader may queue (sleep granularity is ~1 ms,
#: so the link is kept busy by letting this much wait at the bottleneck).
QUEUE_SECONDS = 0.004


@dataclass(frozen=True)
class Shape:
    rtt: float = 0.0
    #: Bytes per second per direction, shared by all connections (None: no cap).
    rate: float | None = None
    #: Unacknowledged bytes per connection and direction (None: ``BUFFER``).
    window: int | None = None

    @classmethod
    def from_command(cls, command: dict[str, Any]) -> Shape:
        rate = command.get("rate")
        window = command.get("window")
        return cls(
            rtt=float(command.get("rtt_ms") or 0) / 1000,
            rate=float(rate) if rate else None,
            window=int(window) if window else None,
        )


class Bottleneck:
    """One direction of the shared link: chunks take turns at ``rate``."""

    def __init__(self) -> None:
        self.free_at = 0.0

    def send(self, now: float, size: int, rate: float | None) -> float:
        """Reserve the link for ``size`` bytes; when they have left it."""
        if rate is None:
            return now
        self.free_at = max(now, self.free_at) + size / rate
        return self.free_at


class Stats:
    def __init__(self) -> None:
        self.connections = 0
        self.down = 0
        self.up = 0

    def take(self) -> dict[str, int]:
        taken = {"connections": self.connections, "down": self.down, "up": self.up}
        self.connections = self.down = self.up = 0
        return taken


class Pipe:
    """One direction of one connection: reader → bottleneck → delay → writer."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        shape: Shape,
        link: Bottleneck,
        count: collections.Counter[str],
        key: str,
    ) -> None:
        self.reader, self.writer = reader, writer
        self.shape, self.link = shape, link
        self.count, self.key = count, key
        self.window = shape.window or BUFFER
        self.unacked = 0
        self.acked = asyncio.Event()
        self.line: collections.deque[tuple[float, bytes]] = collections.deque()
        self.queued = asyncio.Event()

    async def run(self) -> None:
        reading = asyncio.ensure_future(self._read())
        try:
            await self._write()
        finally:
            reading.cancel()  # the far side is gone (or the stream ended)
            await asyncio.gather(reading, return_exceptions=True)

    def _ack(self, size: int) -> None:
        self.unacked -= size
        self.acked.set()

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        one_way = self.shape.rtt / 2
        try:
            while True:
                while self.unacked >= self.window:
                    self.acked.clear()
                    await self.acked.wait()
                data = await self.reader.read(min(CHUNK, self.window - self.unacked))
                if not data:
                    break
                now = loop.time()
                left = self.link.send(now, len(data), self.shape.rate)
                self.unacked += len(data)
                self.count[self.key] += len(data)
                self.line.append((left + one_way, data))
                self.queued.set()
                if left - now > QUEUE_SECONDS:
                    await asyncio.sleep(left - now - QUEUE_SECONDS)
        except OSError:
            pass
        finally:
            self.line.append((loop.time() + one_way, b""))  # end of stream
            self.queued.set()

    async def _write(self) -> None:
        loop = asyncio.get_running_loop()
        one_way = self.shape.rtt / 2
        try:
            while True:
                while not self.line:
                    self.queued.clear()
                    await self.queued.wait()
                due, _ = self.line[0]
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                now = loop.time()
                batch: list[bytes] = []
                while self.line and self.line[0][0] <= now:
                    due, data = self.line.popleft()
                    if not data:
                        if batch:
                            self.writer.write(b"".join(batch))
                        if self.writer.can_write_eof():
                            self.writer.write_eof()
                        await self.writer.drain()
                        return
                    batch.append(data)
                if batch:
                    size = sum(map(len, batch))
                    self.writer.write(b"".join(batch))
                    await self.writer.drain()
                    # acknowledged half a round trip after delivery: nominally
                    # at ``due`` (timers fire late), later if the receiver was
                    # slow to take the bytes
                    late = loop.time() - now
                    loop.call_at(due + late + one_way, self._ack, size)
        except OSError:
            pass


class Shaper:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.shape = Shape()
        self.down, self.up = Bottleneck(), Bottleneck()
        self.stats = Stats()
        self.count: collections.Counter[str] = collections.Counter()

    async def handle(
        self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> None:
        shape = self.shape
        self.stats.connections += 1
        _nodelay(client_w)
        try:
            if shape.rtt:
                await asyncio.sleep(shape.rtt)  # SYN, SYN-ACK: one round trip
            server_r, server_w = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_w.close()
            return
        _nodelay(server_w)
        up = Pipe(client_r, server_w, shape, self.up, self.count, "up")
        down = Pipe(server_r, client_w, shape, self.down, self.count, "down")
        try:
            await asyncio.gather(up.run(), down.run())
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            for writer in (client_w, server_w):
                writer.close()

    def command(self, command: dict[str, Any]) -> dict[str, Any]:
        op = command.get("op")
        if op == "shape":
            self.shape = Shape.from_command(command)
            return {}
        if op == "stats":
            taken = self.stats.take()
            taken["down"], taken["up"] = self.count["down"], self.count["up"]
            self.count.clear()
            return taken
        raise ValueError(f"unknown command {op!r}")


def _nodelay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def _serve(upstream: tuple[str, int]) -> None:
    shaper = Shaper(upstream)
    server = await asyncio.start_server(
        shaper.handle, "127.0.0.1", 0, backlog=256, limit=CHUNK
    )
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    async with server:
        while line := await stdin.readline():
            try:
                reply = {"ok": True, **shaper.command(json.loads(line))}
            except Exception as exc:
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(reply), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.shaper")
    parser.add_argument("--upstream", required=True, help="HOST:PORT to forward to")
    args = parser.parse_args(argv)
    host, _, port = args.upstream.rpartition(":")
    asyncio.run(_serve((host, int(port))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
