"""Resumable, verified, atomic downloads (``download_file``).

The bytes go to ``<dest>.part``; ``<dest>.part.json`` says which remote file
they belong to. Only a complete file, of exactly the advertised size, is
fsynced and renamed to ``dest``, so ``dest`` never holds a partial or mixed
file. A failed call leaves the ``.part`` behind and the next call continues it
(``Range`` + ``If-Range``), even with a freshly signed URL.
"""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

import httpx

from .._errors import IncompleteDownloadError, NumeraiValidationError, TransferError
from ._common import (
    CHUNK_SIZE,
    DEFAULT_CONNECTIONS,
    PROGRESS_RESETS_RETRIES,
    SEGMENT_THRESHOLD,
    backoff,
    content_length,
    describe,
    is_encoded,
    logger,
    redact,
)
from ._files import (
    BackgroundFlusher,
    commit,
    open_for_update,
    preallocate,
    unlink_quietly,
)
from ._lock import destination_lock
from ._progress import Progress
from ._segments import SegmentedFetch
from ._state import PartState, Segment, Sidecar
from ._stream import (
    RESUMABLE,
    Reply,
    Response,
    RestartDownload,
    ShortBody,
    classify,
    open_get,
    send_repeatable,
    stream_body,
)


def download_file(
    client: httpx.Client,
    url: str,
    dest: Path,
    *,
    show_progress: bool,
    max_retries: int,
    description: str = "",
    connections: int = DEFAULT_CONNECTIONS,
    chunk_size: int = CHUNK_SIZE,
    segment_threshold: int = SEGMENT_THRESHOLD,
) -> Path:
    """Download ``url`` to ``dest`` and return ``dest``.

    A ``dest`` that already has the remote file's size is kept as is. Large
    files on servers that support byte ranges start as one stream and grow
    to at most ``connections`` parallel ranges while more streams add
    throughput (``connections=1``: one stream). Dropped connections and
    short bodies are resumed, up to ``max_retries`` consecutive failures
    without progress.

    Raises ``IncompleteDownloadError`` when the file cannot be completed,
    ``APIStatusError`` for HTTP errors, ``APIConnectionError`` when the server
    cannot be reached; ``dest`` is never left partial.
    """
    if connections < 1:
        raise NumeraiValidationError(
            "connections must be at least 1", argument="connections"
        )
    if chunk_size < 1:
        raise NumeraiValidationError(
            "chunk_size must be positive", argument="chunk_size"
        )
    dest = Path(dest)
    if dest.is_dir():
        raise NumeraiValidationError(f"{dest} is a directory", argument="dest_path")
    job = _Download(
        client,
        url,
        dest,
        show_progress=show_progress,
        max_retries=max(0, max_retries),
        description=description,
        connections=connections,
        chunk_size=chunk_size,
        segment_threshold=segment_threshold,
    )
    try:
        # One writer per destination: a concurrent download of the same file
        # waits here, then finds it complete or resumes the .part.
        with destination_lock(dest):
            return job.run()
    except OSError as exc:  # disk full, permissions: not the server's fault
        raise TransferError(
            f"cannot write {job.part if job.part.exists() else dest}: "
            f"{exc.strerror or exc}"
        ) from exc


class _Download:
    def __init__(
        self,
        client: httpx.Client,
        url: str,
        dest: Path,
        *,
        show_progress: bool,
        max_retries: int,
        description: str,
        connections: int,
        chunk_size: int,
        segment_threshold: int,
    ) -> None:
        self.client = client
        self.url = url
        self.safe_url = redact(url)
        self.dest = dest
        self.part = dest.with_name(dest.name + ".part")
        self.sidecar = Sidecar(self.part)
        self.show_progress = show_progress
        self.max_retries = max_retries
        self.description = description or dest.name
        self.connections = connections
        self.chunk_size = chunk_size
        self.segment_threshold = segment_threshold
        #: Cleared once the server mishandles ranges: then plain GETs only.
        self.use_ranges = True
        self.failures = 0
        self.position = 0

    # --- the whole job --------------------------------------------------------

    def run(self) -> Path:
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        existing = self.dest.stat().st_size if self.dest.is_file() else None
        if existing is not None:
            remote = self._remote_size()
            if remote == existing:
                return self._already_there()
            if remote is not None:
                existing = None  # known to differ: no need to check again
        with Progress(description=self.description, enabled=self.show_progress) as bar:
            while True:
                before = self.position
                try:
                    return self._attempt(bar, existing)
                except RestartDownload as exc:
                    self._discard_part()
                    if exc.ranges_broken:
                        self.use_ranges = False
                    self._failed(
                        exc,
                        TransferError,
                        progressed=0,
                        action="restarting",
                        wait=False,
                    )
                except RESUMABLE as exc:
                    self._failed(
                        exc,
                        IncompleteDownloadError,
                        progressed=self.position - before,
                        action="resuming",
                    )

    def _failed(
        self,
        exc: Exception,
        error: type[TransferError],
        *,
        progressed: int,
        action: str,
        wait: bool = True,
    ) -> None:
        """Count a failed attempt; raise ``error`` once the budget is spent.

        Restarts count too (a server that keeps changing its answer must not
        loop forever) but need no backoff: nothing is overloaded.
        """
        if progressed >= PROGRESS_RESETS_RETRIES:
            self.failures = 0
        self.failures += 1
        if self.failures > self.max_retries:
            kept = ""
            if self.part.exists():
                kept = f"; {self.part.name} is kept, call again to resume"
            raise error(
                f"download of {self.safe_url} failed after {self.failures} "
                f"attempts: {describe(exc)}{kept}"
            ) from exc
        logger.debug(
            "download of %s interrupted (%s); %s, retry %d of %d",
            self.safe_url,
            describe(exc),
            action,
            self.failures,
            self.max_retries,
        )
        if wait:
            backoff(self.failures)

    # --- one request ------------------------------------------------------------

    def _attempt(self, bar: Progress, existing: int | None) -> Path:
        state = self._resumable_state()
        if state is not None and state.segments is not None:
            self._segmented(bar, state, first=None)
            return self._finish()
        offset = 0
        if state is not None and self.use_ranges:
            offset = self.part.stat().st_size
            if state.total:
                # A complete .part is confirmed by re-fetching its last byte.
                offset = min(offset, state.total - 1)
        if offset:
            logger.info("resuming download of %s at byte %d", self.dest.name, offset)
        response = open_get(
            self.client,
            self.url,
            start=offset,
            validator=state.validator if state else None,
            use_range=self.use_ranges,
            max_retries=self.max_retries,
        )
        if response.status_code == 416 and offset == 0:
            # S3 answers 416 to "bytes=0-" for an empty object: ask plainly.
            response.close()
            self.use_ranges = False
            return self._attempt(bar, existing)
        try:
            reply = classify(
                response,
                url=self.url,
                start=offset,
                expected_total=state.total if state else None,
                expected_validator=state.validator if state else None,
            )
            if existing is not None and reply.total == existing:
                response.close()
                return self._already_there()
            if offset and reply.start == 0:
                logger.info(
                    "server sent all of %s again; starting over", self.dest.name
                )
            if reply.start == 0 and self._should_segment(reply, response):
                assert reply.total is not None
                segmented = PartState(
                    # one segment, served by this response; more streams
                    # take over parts of it while they add throughput
                    reply.total,
                    reply.validator,
                    [Segment(0, reply.total - 1, 0)],
                )
                with self.part.open("wb") as handle:
                    preallocate(handle.fileno(), reply.total)
                self.sidecar.save(segmented)
                self._segmented(bar, segmented, first=response)
                return self._finish()
            with closing(response):
                self._single(bar, response, reply)
        finally:
            response.close()
        return self._finish()

    def _single(self, bar: Progress, response: Response, reply: Reply) -> None:
        """Stream one response into the ``.part`` at the offset it starts at."""
        if reply.start == 0:
            with self.part.open("wb"):
                pass  # a whole file is coming: truncate, never append
        if reply.encoded:
            self.sidecar.remove()  # decoded bytes cannot be resumed by range
        else:
            self.sidecar.save(PartState(total=reply.total, validator=reply.validator))
        self.position = reply.start
        bar.reset(total=reply.total, done=reply.start)

        with (
            open_for_update(self.part) as handle,
            BackgroundFlusher(handle.fileno()) as flusher,
        ):

            def advance(count: int) -> None:
                self.position += count
                bar.update(count)
                flusher.note(count)

            os.lseek(handle.fileno(), reply.start, os.SEEK_SET)
            stream_body(
                response,
                reply,
                handle.fileno(),
                stop=reply.last,
                chunk_size=self.chunk_size,
                on_write=advance,
            )
            if reply.total is not None and self.position != reply.total:
                raise ShortBody(f"received {self.position} of {reply.total} bytes")
            os.ftruncate(handle.fileno(), self.position)

    def _segmented(
        self, bar: Progress, state: PartState, first: Response | None
    ) -> None:
        fetch = SegmentedFetch(
            client=self.client,
            url=self.url,
            part=self.part,
            sidecar=self.sidecar,
            state=state,
            connections=self.connections,
            chunk_size=self.chunk_size,
            max_retries=self.max_retries,
            progress=bar,
        )
        fetch.run(first)
        assert state.segments is not None
        self.position = sum(s.received for s in state.segments)
        if self.part.stat().st_size != state.total:
            raise RestartDownload("the partial file changed size on disk")

    def _should_segment(self, reply: Reply, response: Response) -> bool:
        """Large, unencoded, and the server honoured this very Range request
        (a 200 to ``bytes=0-`` says it would ignore the others' too)."""
        return (
            self.connections > 1
            and self.use_ranges
            and response.status_code == 206
            and reply.ranges
            and not reply.encoded
            and reply.total is not None
            and reply.total >= self.segment_threshold
        )

    # --- files on disk ------------------------------------------------------------

    def _resumable_state(self) -> PartState | None:
        """The sidecar's state if the ``.part`` can be continued; else clean up."""
        if not self.part.is_file():
            self.sidecar.remove()
            return None
        state = self.sidecar.load()
        size = self.part.stat().st_size
        # Without a strong validator the remote file may have changed since
        # the .part was written, undetectably: start over rather than splice.
        usable = (
            state is not None
            and state.validator is not None
            and (
                (state.segments is not None and size == state.total)
                or (
                    state.segments is None
                    and (state.total is None or size <= state.total)
                )
            )
        )
        if not usable:
            self._discard_part()
            return None
        return state

    def _discard_part(self) -> None:
        unlink_quietly(self.part)
        self.sidecar.remove()

    def _finish(self) -> Path:
        commit(self.part, self.dest)
        self.sidecar.remove()
        logger.debug("downloaded %s (%d bytes)", self.dest, self.position)
        return self.dest

    def _already_there(self) -> Path:
        logger.info("%s is already downloaded", self.dest)
        self._discard_part()
        return self.dest

    def _remote_size(self) -> int | None:
        """The remote file's size from a HEAD, if the server answers one.

        Presigned GET URLs usually refuse HEAD (the signature covers the
        method); then the first GET's headers answer instead. Busy answers
        and failed requests are retried as the GETs are.
        """
        response = send_repeatable(
            self.client,
            "HEAD",
            self.url,
            {"Accept-Encoding": "identity"},
            max_retries=self.max_retries,
        )
        response.close()
        if not response.is_success or is_encoded(response):
            logger.debug("HEAD %s: HTTP %d", self.safe_url, response.status_code)
            return None
        return content_length(response)
