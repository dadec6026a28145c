"""Segmented download: parallel ranged GETs into one preallocated file.

A CDN often limits each stream; several ranges at once then fill the pipe.
On a link that one stream already fills, more streams only cost (handshakes,
CPU, an early-closed connection). So the number of streams is chosen from
measured throughput: a download starts with one stream and doubles the count
while a doubling adds throughput (:class:`StreamCount`), up to
``connections``; a doubling that nearly doubled the throughput shows a
per-stream limit, so the next step quadruples instead (each step costs a
measurement at the old count). A new stream takes over the second half of
the largest unclaimed rest of a segment, whose stream then stops where the
new one starts.

Each stream is a worker thread with its own file handle (positioned writes,
no shared seek) that verifies its own ``Content-Range`` and resumes after a
dropped connection on its own retry budget. Progress is checkpointed to the
sidecar, so a later call resumes too.
"""

from __future__ import annotations

import bisect
import os
import threading
import time
from collections import deque
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .._errors import IncompleteDownloadError
from ._common import (
    PROGRESS_RESETS_RETRIES,
    backoff,
    describe,
    logger,
    redact,
)
from ._files import BackgroundFlusher, open_for_update
from ._progress import Progress
from ._state import PartState, Segment, Sidecar
from ._stream import (
    RESUMABLE,
    Response,
    RestartDownload,
    ShortBody,
    classify,
    open_get,
    stream_body,
)

#: Save segment progress to the sidecar after this many new bytes.
CHECKPOINT_BYTES = 128 * 1024 * 1024
#: A doubling of the streams must add this much throughput to be followed
#: by another (doubling a stream-limited download ideally gives 2x).
GROWTH = 1.25
#: A doubling that added this much shows a per-stream limit: grow 4x next.
NEAR_LINEAR = 1.8
#: The shortest throughput measurement of one stream count.
MEASURE_SECONDS = 0.25
#: How often the growth decision looks at the byte count.
TICK_SECONDS = 0.02
#: A new stream takes over a rest of at least this many bytes, never less.
MIN_SPLIT = 4 * 1024 * 1024


@dataclass
class StreamCount:
    """Decides, from throughput measurements, when to add streams.

    Each stream count is measured once all its streams deliver, for at least
    ``measure`` seconds and at least twice the slowest new stream's wait for
    its first byte (a few round trips: more on a longer link). The count then
    doubles (capped at ``limit``) if the measurement beat the previous count's
    by ``growth``, and quadruples if it beat it by ``near_linear`` (the
    streams are each limited, so more of them pay); otherwise it stays where
    it is for the rest of the file.
    """

    limit: int
    growth: float = GROWTH
    measure: float = MEASURE_SECONDS
    near_linear: float = NEAR_LINEAR
    streams: int = 1
    growing: bool = True
    #: Throughput of the last count that paid off (bytes per second).
    best: float | None = None
    _since: float | None = None
    _bytes_then: int = 0
    _window: float = 0.0
    rates: list[tuple[int, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.growing = self.limit > self.streams
        self._window = self.measure

    def delivering(self, now: float, received: int, first_byte_wait: float) -> None:
        """Every stream of the current count has delivered: measure from now."""
        self._since, self._bytes_then = now, received
        self._window = max(self.measure, 2 * first_byte_wait)

    @property
    def measuring(self) -> bool:
        return self._since is not None

    def add(self, now: float, received: int) -> int:
        """How many streams to add now (0: not yet, or never again)."""
        if not self.growing or self._since is None:
            return 0
        elapsed = now - self._since
        if elapsed < self._window:
            return 0
        rate = (received - self._bytes_then) / elapsed
        self.rates.append((self.streams, rate))
        if self.best is not None and rate < self.best * self.growth:
            self.growing = False
            return 0
        factor = (
            4 if self.best is not None and rate >= self.best * self.near_linear else 2
        )
        self.best = rate
        more = min((factor - 1) * self.streams, self.limit - self.streams)
        self.growing = more > 0
        self._since = None
        return more

    def added(self, count: int) -> None:
        """``count`` streams were started (fewer than asked: no more rest)."""
        self.streams += count
        if count == 0 or self.streams >= self.limit:
            self.growing = False


class _Stream:
    """One worker's timing: when it started, when its first byte came."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.first_byte: float | None = None


@dataclass
class SegmentedFetch:
    """Fills ``part`` (already ``state.total`` bytes long) segment by segment."""

    client: httpx.Client
    url: str
    part: Path
    sidecar: Sidecar
    state: PartState
    connections: int
    chunk_size: int
    max_retries: int
    progress: Progress

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._unsaved = 0
        #: Bytes taken from the network by all streams (the throughput count).
        self._received = 0
        #: Per segment (by start): the next byte its stream will take.
        self._claimed: dict[int, int] = {}
        #: Unfinished segments no stream is working on.
        self._waiting: deque[Segment] = deque()
        #: Streams started since the last growth that have no byte yet.
        self._new_streams: list[_Stream] = []
        #: Flushes what the streams wrote as they go (set while running).
        self._flusher: BackgroundFlusher | None = None
        self.count = StreamCount(
            limit=max(1, self.connections), growth=GROWTH, measure=MEASURE_SECONDS
        )

    @property
    def segments(self) -> list[Segment]:
        assert self.state.segments is not None
        return self.state.segments

    def run(self, first: Response | None = None) -> None:
        """Fetch every unfinished segment; ``first`` may serve segment 0.

        Raises the first worker error after stopping the others; the sidecar
        then records what is on disk, for the next attempt.
        """
        pending = [s for s in self.segments if not s.done]
        self.progress.reset(
            total=self.state.total, done=sum(s.received for s in self.segments)
        )
        if first is not None and not (pending and pending[0].pos == 0):
            first.close()
            first = None
        if not pending:
            return
        self._claimed = {s.start: s.pos for s in pending}
        self._waiting.extend(pending)
        futures: list[Future[None]] = []
        try:
            with (
                open_for_update(self.part) as handle,
                BackgroundFlusher(handle.fileno()) as self._flusher,
                ThreadPoolExecutor(
                    self.count.limit, thread_name_prefix="numerapi-gen-dl"
                ) as pool,
            ):
                try:
                    futures.append(self._start(pool, self._waiting.popleft(), first))
                    first = None
                    self._steer(pool, futures)
                except BaseException:
                    # Ctrl-C while waiting: stop the workers *before* the
                    # executor's exit waits for them.
                    self._cancel.set()
                    raise
        finally:
            self._flusher = None
            if first is not None:
                first.close()
            self._checkpoint(force=True)
        errors = [e for e in (f.exception() for f in futures if f.done()) if e]
        if errors:
            # A restart beats a retry exhaustion: it tells the caller what to do.
            restart = [e for e in errors if isinstance(e, RestartDownload)]
            raise (restart or errors)[0]

    def _start(
        self, pool: ThreadPoolExecutor, segment: Segment, first: Response | None
    ) -> Future[None]:
        stream = _Stream()
        with self._lock:
            self._new_streams.append(stream)
        return pool.submit(self._work, stream, segment, first)

    def _steer(self, pool: ThreadPoolExecutor, futures: list[Future[None]]) -> None:
        """Wait for the workers, adding streams while they add throughput."""
        count = self.count
        while True:
            done, running = wait(futures, TICK_SECONDS, return_when=FIRST_EXCEPTION)
            if any(f.exception() for f in done):
                self._cancel.set()
                wait(futures)
                return
            if not running:
                return
            if not count.growing:
                continue
            now = time.monotonic()
            with self._lock:
                received = self._received
                fresh = self._new_streams
                if not count.measuring:
                    if any(s.first_byte is None for s in fresh):
                        continue
                    waits = [s.first_byte - s.started for s in fresh if s.first_byte]
                    count.delivering(now, received, max(waits, default=0.0))
                    self._new_streams = []
                    continue
            more = count.add(now, received)
            started = 0
            for _ in range(more):
                segment = self._next_segment(split=True)
                if segment is None:
                    break
                futures.append(self._start(pool, segment, None))
                started += 1
            if more:
                count.added(started)
                logger.debug(
                    "download of %s: %d streams (measured %s)",
                    redact(self.url),
                    count.streams,
                    ", ".join(f"{n}: {r / 1e6:.0f} MB/s" for n, r in count.rates),
                )

    def _next_segment(self, *, split: bool) -> Segment | None:
        """A waiting segment, else (with ``split``) the second half of the
        largest unclaimed rest; None when no rest is worth a stream."""
        with self._lock:
            if self._waiting:
                return self._waiting.popleft()
            if not split or self._cancel.is_set():
                return None
            best, rest = None, 0
            for segment in self.segments:
                left = segment.end + 1 - self._claimed.get(segment.start, segment.pos)
                if not segment.done and left > rest:
                    best, rest = segment, left
            if best is None or rest < 2 * MIN_SPLIT:
                return None
            middle = best.end + 1 - rest // 2
            taken = Segment(middle, best.end, middle)
            best.end = middle - 1
            bisect.insort(self.segments, taken, key=lambda s: s.start)
            self._claimed[taken.start] = middle
            return taken

    def _work(self, stream: _Stream, segment: Segment, first: Response | None) -> None:
        """One stream: its segment, then any segment left waiting."""
        try:
            with open_for_update(self.part) as handle:
                current: Segment | None = segment
                while current is not None and not self._cancel.is_set():
                    self._fetch_into(handle.fileno(), stream, current, first)
                    first = None
                    current = self._next_segment(split=False)
        finally:
            if first is not None:
                first.close()

    def _fetch_into(
        self, fd: int, stream: _Stream, segment: Segment, first: Response | None
    ) -> None:
        failures = 0
        while not segment.done and not self._cancel.is_set():
            with self._lock:
                self._claimed[segment.start] = segment.pos
            if first is not None:
                response, first = first, None
            else:
                response = open_get(
                    self.client,
                    self.url,
                    start=segment.pos,
                    end=segment.end,
                    validator=self.state.validator,
                    max_retries=self.max_retries,
                )
            before = segment.pos
            try:
                with closing(response):
                    self._stream(fd, stream, segment, response)
            except RESUMABLE as exc:
                if segment.pos - before >= PROGRESS_RESETS_RETRIES:
                    failures = 0
                failures += 1
                if failures > self.max_retries:
                    raise IncompleteDownloadError(
                        f"download of {redact(self.url)} failed: bytes "
                        f"{segment.pos}-{segment.end} could not be fetched after "
                        f"{failures} attempts ({describe(exc)}); progress is kept "
                        f"in {self.part.name} to resume"
                    ) from exc
                logger.debug(
                    "segment %d-%d of %s interrupted at byte %d (%s); retry %d of %d",
                    segment.start,
                    segment.end,
                    redact(self.url),
                    segment.pos,
                    describe(exc),
                    failures,
                    self.max_retries,
                )
                backoff(failures)

    def _stream(
        self, fd: int, stream: _Stream, segment: Segment, response: Response
    ) -> None:
        reply = classify(
            response,
            url=self.url,
            start=segment.pos,
            expected_total=self.state.total,
            expected_validator=self.state.validator,
        )
        if reply.start != segment.pos or reply.total != self.state.total:
            raise RestartDownload(
                "the server stopped honouring byte ranges", ranges_broken=True
            )
        os.lseek(fd, segment.pos, os.SEEK_SET)

        def claim(count: int) -> int:
            """Take up to ``count`` more bytes, never past the segment's end
            (which shrinks when a new stream takes over its rest)."""
            with self._lock:
                taken = self._claimed[segment.start]
                count = max(0, min(count, segment.end + 1 - taken))
                self._claimed[segment.start] = taken + count
                self._received += count
                if stream.first_byte is None:
                    stream.first_byte = time.monotonic()
            return count

        def advance(count: int) -> None:
            segment.pos += count
            self.progress.update(count)
            self._account(fd, count)

        stream_body(
            response,
            reply,
            fd,
            stop=reply.last,
            chunk_size=self.chunk_size,
            on_write=advance,
            cancel=self._cancel,
            claim=claim,
        )
        last = segment.end if reply.last is None else min(segment.end, reply.last)
        if segment.pos <= last and not self._cancel.is_set():
            raise ShortBody(
                f"body ended at byte {segment.pos}, expected through byte {last}"
            )

    def _account(self, fd: int, count: int) -> None:
        with self._lock:
            if self._flusher is not None:
                self._flusher.note(count)
            self._unsaved += count
            due = self._unsaved >= CHECKPOINT_BYTES
        if due:
            self._checkpoint(fd=fd)

    def _checkpoint(self, *, fd: int | None = None, force: bool = False) -> None:
        """Record segment positions, after making the bytes they cover durable."""
        with self._lock:
            if not force and self._unsaved < CHECKPOINT_BYTES:
                return
            self._unsaved = 0
            snapshot = PartState(
                total=self.state.total,
                validator=self.state.validator,
                segments=[Segment(s.start, s.end, s.pos) for s in self.segments],
            )
        try:
            if fd is not None:
                os.fsync(fd)
            else:
                with self.part.open("rb+") as handle:
                    os.fsync(handle.fileno())
            self.sidecar.save(snapshot)
        except OSError as exc:  # the download itself may still succeed
            logger.debug("could not checkpoint %s: %s", self.part.name, describe(exc))
