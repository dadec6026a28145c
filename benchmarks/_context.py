"""What every case gets: the settings, the server, a place for files and notes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ._proc import ChildFailed, Measured, run_task
from ._report import Row
from ._server import FakeServer

T = TypeVar("T")

CASES = ("network", "startup", "queries", "parsing", "transfers")


@dataclass(frozen=True)
class Settings:
    repeat: int = 5
    queries: int = 500
    concurrency: int = 20
    #: Simulated round trip for the extra concurrent-query rows (0: skip them).
    latency_ms: float = 20.0
    leaderboard: int = 20_000
    scores: int = 5_000
    size: int = 2**30
    #: Network rows (case ``network``): round trips of the shaped link, ms.
    rtts: tuple[float, ...] = (20.0, 80.0)
    #: Sequential small queries per run at the first RTT (a quarter later).
    network_queries: int = 100
    #: Calls of the concurrent rows, and how many in flight.
    network_calls: int = 200
    #: The shaped downloads; the weekly workflow's dataset and predictions.
    network_size: int = 256 * 2**20
    workflow_size: int = 128 * 2**20
    predictions_size: int = 8 * 2**20
    #: The peak-RSS rows' download and upload.
    rss_size: int = 2**30
    cases: tuple[str, ...] = CASES
    verbose: bool = True
    #: A smoke run: skip warm-ups and the behaviour-only scenarios.
    quick: bool = False
    #: Write a cProfile of each child task's timed part here (times inflate).
    profile_dir: Path | None = None
    #: Run only the network scenarios whose name contains one of these.
    scenarios: tuple[str, ...] = ()


@dataclass
class Context:
    settings: Settings
    work_dir: Path
    server: FakeServer
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _profiles: int = 0

    def say(self, message: str) -> None:
        if self.settings.verbose:
            print(message, file=sys.stderr, flush=True)

    def params(self, **extra: Any) -> dict[str, Any]:
        """A child task's parameters: the server's address and keys, plus ``extra``."""
        info = self.server.info
        return {
            "url": info["url"],
            "public_id": info["public_id"],
            "secret_key": info["secret_key"],
            **extra,
        }

    def task(
        self, task: str, timeout: float = 900.0, **params: Any
    ) -> tuple[dict[str, Any], Measured]:
        """Run a child task; its server-side requests are forgotten afterwards."""
        profile_to = None
        if self.settings.profile_dir is not None:
            self._profiles += 1
            name = f"{self._profiles:03d}-{task}-{params.get('client', '')}.prof"
            profile_to = self.settings.profile_dir / name
        try:
            return run_task(
                task,
                self.params(**params),
                cwd=self.work_dir,
                timeout=timeout,
                profile_to=profile_to,
            )
        finally:
            self.server.command("requests")

    def attempt(self, what: str, action: Callable[[], T]) -> T | None:
        """Run ``action``; a failure becomes a note instead of ending the run."""
        try:
            return action()
        except (ChildFailed, OSError) as exc:
            first = str(exc).strip().splitlines()
            detail = first[-1] if first else "failed"
            self.notes.append(f"**{what} failed**: {detail}")
            self.say(f"  {what} FAILED:\n{exc}")
            return None
