"""Progress bars for transfers: tqdm on an interactive terminal, else nothing.

Bars go to stderr only when it is a TTY, so logs, CI output and notebooks
redirected to files never fill with carriage-return noise. Updates come from
several threads during segmented downloads, hence the lock.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import Any


def _stderr_is_tty() -> bool:
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


class Progress:
    """A thread-safe byte counter, drawn as a tqdm bar when enabled."""

    def __init__(
        self,
        *,
        description: str,
        total: int | None = None,
        initial: int = 0,
        enabled: bool = True,
    ) -> None:
        self._lock = threading.Lock()
        self._bar: Any = None
        if enabled and _stderr_is_tty():
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                initial=initial,
                desc=description,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                leave=True,
                dynamic_ncols=True,
            )

    @property
    def enabled(self) -> bool:
        return self._bar is not None

    def update(self, count: int) -> None:
        if self._bar is not None and count:
            with self._lock:
                self._bar.update(count)

    def reset(self, *, total: int | None, done: int = 0) -> None:
        """Start over (the server sent the whole file again, or a retry)."""
        if self._bar is not None:
            with self._lock:
                self._bar.reset(total=total)
                if done:
                    self._bar.update(done)

    def close(self) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.close()
                self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
