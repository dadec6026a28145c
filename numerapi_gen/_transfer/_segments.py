"""Segmented download: several ranged GETs at once into one preallocated file.

One connection is often throttled per stream by CDNs; a few parallel ranges
fill the pipe. Each segment is fetched by one worker thread with its own file
handle (positioned writes, no shared seek), verifies its own
``Content-Range``, and resumes after a dropped connection on its own retry
budget. Progress is checkpointed to the sidecar so a later call resumes too.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import closing
from dataclasses import dataclass
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
from ._files import open_for_update
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
        if first is not None and not any(s.pos == 0 for s in pending):
            first.close()
            first = None
        if not pending:
            return
        workers = max(1, min(self.connections, len(pending)))
        futures: list[Future[None]] = []
        try:
            with ThreadPoolExecutor(
                workers, thread_name_prefix="numerapi-gen-dl"
            ) as pool:
                try:
                    for segment in pending:
                        mine, first = (
                            (first, None) if segment.pos == 0 else (None, first)
                        )
                        futures.append(pool.submit(self._fetch, segment, mine))
                    done, _ = wait(futures, return_when=FIRST_EXCEPTION)
                    if any(f.exception() for f in done):
                        self._cancel.set()
                except BaseException:
                    # Ctrl-C while waiting: stop the workers *before* the
                    # executor's exit waits for them.
                    self._cancel.set()
                    raise
        finally:
            if first is not None:
                first.close()
            self._checkpoint(force=True)
        errors = [e for e in (f.exception() for f in futures if f.done()) if e]
        if errors:
            # A restart beats a retry exhaustion: it tells the caller what to do.
            restart = [e for e in errors if isinstance(e, RestartDownload)]
            raise (restart or errors)[0]

    def _fetch(self, segment: Segment, first: Response | None) -> None:
        try:
            with open_for_update(self.part) as handle:
                self._fetch_into(handle.fileno(), segment, first)
                first = None
        finally:
            if first is not None:
                first.close()

    def _fetch_into(self, fd: int, segment: Segment, first: Response | None) -> None:
        failures = 0
        while not segment.done and not self._cancel.is_set():
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
                    self._stream(fd, segment, response)
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

    def _stream(self, fd: int, segment: Segment, response: Response) -> None:
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
        stop = segment.end if reply.last is None else min(segment.end, reply.last)
        os.lseek(fd, segment.pos, os.SEEK_SET)

        def advance(count: int) -> None:
            segment.pos += count
            self.progress.update(count)
            self._account(fd, count)

        stream_body(
            response,
            reply,
            fd,
            stop=stop,
            chunk_size=self.chunk_size,
            on_write=advance,
            cancel=self._cancel,
        )
        if segment.pos <= stop and not self._cancel.is_set():
            raise ShortBody(
                f"body ended at byte {segment.pos}, expected through byte {stop}"
            )

    def _account(self, fd: int, count: int) -> None:
        with self._lock:
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
