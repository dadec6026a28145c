"""One writer per destination: a lock file beside it, ``<dest>.lock``.

Two downloads of the same destination (threads or processes) would share one
``.part`` file and its sidecar; the second now waits for the first, then
finds the complete file or takes over the partial one. The lock is an OS
file lock (``flock``, or ``msvcrt.locking`` on Windows), so a crashed holder
never blocks anyone. The holder removes the lock file before releasing it,
and a waiter that then wins a lock on the removed file tries again on a new
one, so no lock file is left behind and no two writers can both hold it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path


def lock_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".lock")


def _acquire(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue  # LK_LOCK gives up after 10 s; keep waiting
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (not removed)."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


@contextlib.contextmanager
def destination_lock(dest: Path) -> Iterator[None]:
    """Hold ``<dest>.lock`` exclusively for the block (waiting for others)."""
    path = lock_path(dest)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _acquire(fd)
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):
            break
        os.close(fd)  # its holder removed it while we waited: take a new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)  # closing releases the lock, after the file is gone
