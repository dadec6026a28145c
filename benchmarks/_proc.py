"""Fresh processes, measured from outside: wall time and peak RSS.

Peak RSS comes from GNU time (``/usr/bin/time -f %M``), which reports the
high-water mark of the program it runs. ``ru_maxrss`` as seen by this process
(``os.wait4``) is not usable on its own: Linux carries the forking parent's
high-water mark over ``fork``/``exec``, so every child would look at least as
big as the benchmark runner (measured: ``python -c pass`` showed 314 MiB under
a 300 MiB parent, 10.6 MiB under ``/usr/bin/time``). Without GNU time the
``wait4`` figure is used and flagged as an upper bound.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The repository root: ``benchmarks`` is importable from here.
ROOT = Path(__file__).resolve().parent.parent
#: GNU time, a small C program: its child's peak RSS is the child's own.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


class ChildFailed(RuntimeError):
    """A measured process exited non-zero or printed no result."""


@dataclass(frozen=True)
class Measured:
    """One finished process as the parent saw it."""

    seconds: float
    """Wall time from spawn to exit, as measured by the parent."""
    peak_rss_mib: float
    """Peak resident set size of the process (GNU time's ``%M``), MiB."""
    returncode: int
    stdout: str
    stderr: str

    def result(self) -> dict[str, Any]:
        """The JSON object a ``benchmarks.child`` task printed last."""
        for line in reversed(self.stdout.splitlines()):
            if line.startswith("{"):
                value = json.loads(line)
                if isinstance(value, dict):
                    return value
        raise ChildFailed(f"no result printed; stderr:\n{self.stderr[-2000:]}")


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of measured processes: no keys or Python tuning leaks in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NUMERAI_", "PYTHON"))
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 900.0,
    check: bool = True,
) -> Measured:
    """Run ``argv`` to completion; its output goes to files, never to a pipe."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(mode="r") as peak,
    ):
        command = list(argv)
        if GNU_TIME is not None:
            command = [GNU_TIME, "-q", "-f", "%M", "-o", peak.name, *command]
        start = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env) if env is not None else child_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak_kib = float(usage.ru_maxrss)  # Linux reports KiB
        reported = peak.read().strip().splitlines()
        if GNU_TIME is not None and reported and reported[-1].isdigit():
            peak_kib = float(reported[-1])
        measured = Measured(
            seconds=seconds,
            peak_rss_mib=peak_kib / 1024,
            returncode=proc.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )
    if check and measured.returncode != 0:
        raise ChildFailed(
            f"{' '.join(argv)!r} exited {measured.returncode}:\n"
            f"{measured.stderr[-3000:]}"
        )
    return measured


def run_task(
    task: str,
    params: Mapping[str, Any],
    *,
    cwd: Path,
    timeout: float = 900.0,
    profile_to: Path | None = None,
) -> tuple[dict[str, Any], Measured]:
    """Run one ``benchmarks.child`` task in a fresh interpreter (optionally with
    its timed part under cProfile, stats written to ``profile_to``)."""
    argv = [sys.executable, "-m", "benchmarks.child", task, json.dumps(params)]
    env = child_env({"BENCH_PROFILE": str(profile_to)} if profile_to else None)
    measured = run(argv, cwd=cwd, env=env, timeout=timeout)
    return measured.result(), measured
