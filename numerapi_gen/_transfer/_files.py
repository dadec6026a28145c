"""Disk side of transfers: batched writes, preallocation, atomic replacement.

A destination path only ever receives a complete file: everything is written
to a temporary sibling, flushed and fsynced, then renamed over it with
``os.replace`` (atomic on POSIX and Windows).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write all of ``data`` at the descriptor's position (short writes loop)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class ChunkWriter:
    """Gathers network-sized pieces and writes them in ``chunk_size`` batches.

    httpx yields ~64 KiB pieces. They are copied into one preallocated,
    reused buffer: fewer syscalls, and no allocation churn (holding pieces
    in a list and freeing them per batch made glibc trim and re-fault the
    heap, hundreds of thousands of page faults per GiB). ``on_write(n)`` runs
    after each batch is in the file, so callers only count bytes on disk.
    """

    def __init__(
        self, fd: int, chunk_size: int, on_write: Callable[[int], None]
    ) -> None:
        self._fd = fd
        self._on_write = on_write
        self._buffer = memoryview(bytearray(chunk_size))
        self._filled = 0

    def write(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        capacity = len(self._buffer)
        while view:
            if not self._filled and len(view) >= capacity:
                write_all(self._fd, view)  # big piece, empty buffer: no copy
                self._on_write(len(view))
                return
            count = min(len(view), capacity - self._filled)
            self._buffer[self._filled : self._filled + count] = view[:count]
            self._filled += count
            view = view[count:]
            if self._filled == capacity:
                self.flush()

    def flush(self) -> None:
        if not self._filled:
            return
        count, self._filled = self._filled, 0
        write_all(self._fd, self._buffer[:count])
        self._on_write(count)


#: A download is flushed to disk as it goes, this often: the final fsync
#: before the rename then has at most this much left to write.
FLUSH_EVERY = 16 * 1024 * 1024


class BackgroundFlusher:
    """fdatasync a file being written, every ``every`` bytes, in another thread.

    A download otherwise leaves a whole file dirty in the page cache for the
    final fsync to write out at once, after the last byte came; flushing as
    it goes overlaps the disk with the network. ``note`` may be called from
    several threads under one lock. Errors are left for the final fsync to
    report.
    """

    def __init__(self, fd: int, every: int | None = None) -> None:
        self._fd = fd
        self._every = FLUSH_EVERY if every is None else every
        self._pending = 0
        self._wake = threading.Event()
        self._done = False
        self._thread = threading.Thread(
            target=self._run, name="numerapi-gen-flusher", daemon=True
        )

    def __enter__(self) -> BackgroundFlusher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done = True
        self._wake.set()
        self._thread.join()

    def note(self, count: int) -> None:
        """``count`` more bytes were written."""
        self._pending += count
        if self._pending >= self._every:
            self._pending = 0
            self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._done:
                return
            with contextlib.suppress(OSError):
                _sync_data(self._fd)


# fdatasync skips metadata the final fsync writes anyway; macOS and Windows
# have only fsync.
if sys.platform != "win32" and sys.platform != "darwin":
    _sync_data = os.fdatasync
else:
    _sync_data = os.fsync


def preallocate(fd: int, size: int) -> None:
    """Reserve ``size`` bytes up front: a full disk fails now, not at 90 %."""
    if size > 0 and hasattr(os, "posix_fallocate"):
        try:
            os.posix_fallocate(fd, 0, size)
        except OSError:
            pass  # not supported by this filesystem; truncate below suffices
        else:
            os.ftruncate(fd, size)
            return
    os.ftruncate(fd, size)


def fsync_directory(directory: Path) -> None:
    """Persist a rename (POSIX); a no-op where directories cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def commit(temporary: Path, dest: Path) -> None:
    """fsync ``temporary`` and atomically move it to ``dest``."""
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, dest)
    fsync_directory(dest.parent)


@contextlib.contextmanager
def atomic_output(dest: Path) -> Iterator[Path]:
    """A unique temporary path next to ``dest``; renamed to ``dest`` on success.

    Unique so two writers never share a temporary; removed if the block fails.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        dir=dest.parent, prefix=f".{dest.name}.", suffix=".part"
    )
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        commit(temporary, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_bytes_atomically(dest: Path, data: bytes) -> None:
    """Small files (state sidecars): write, fsync, rename."""
    with atomic_output(dest) as temporary:
        temporary.write_bytes(data)


def unlink_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def open_for_update(path: Path) -> BinaryIO:
    """Unbuffered read-write handle (ChunkWriter batches writes itself)."""
    return path.open("r+b", buffering=0)
