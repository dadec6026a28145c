"""The runner's handle on the fake server process (see :mod:`benchmarks.serve`)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from ._proc import ROOT, child_env

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class ServerError(RuntimeError):
    """The server process failed to start or refused a command."""


class ControlledProcess:
    """A helper process steered by JSON lines on its stdin (see serve.py,
    shaper.py): its first stdout line is its ``info``; it stops when stdin
    closes."""

    def __init__(self, argv: list[str], log: Path, timeout: float = 120) -> None:
        self._log = log.open("w+b")
        self._proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self._lock = threading.Lock()
        self.info = self._read_line(timeout)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        return self._proc.stdin, self._proc.stdout

    def _read_line(self, timeout: float) -> dict[str, Any]:
        _, stdout = self._pipes()
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(stdout.readline()))
        reader.daemon = True
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            log = self.log()
            self.close()
            raise ServerError(f"{self._proc.args!r} gave no answer; its log:\n{log}")
        value: dict[str, Any] = json.loads(result[0])
        return value

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-4000:]

    def command(self, op: str, **arguments: Any) -> dict[str, Any]:
        """Send one control command and return its reply."""
        stdin, _ = self._pipes()
        with self._lock:
            stdin.write(json.dumps({"op": op, **arguments}) + "\n")
            stdin.flush()
            reply = self._read_line(60)
        if not reply.pop("ok", False):
            raise ServerError(f"{op}: {reply.get('error')}")
        return reply

    def close(self) -> None:
        if self._proc.poll() is None:
            if self._proc.stdin is not None:
                with contextlib.suppress(OSError):
                    self._proc.stdin.close()
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._log.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class FakeServer(ControlledProcess):
    """``with FakeServer(work_dir, leaderboard=..., scores=...) as server:``."""

    def __init__(
        self,
        work_dir: Path,
        *,
        leaderboard: int,
        scores: int,
        timeout: float = 120,
        tls: tuple[Path, Path] | None = None,
        canned: bool = False,
    ) -> None:
        """``tls``: (certificate, key) to serve HTTPS, as the real API does;
        ``canned``: a fixed answer instead of the fake Numerai (serve.py)."""
        name = "server" + ("-tls" if tls else "") + ("-canned" if canned else "")
        argv = [
            sys.executable,
            "-m",
            "benchmarks.serve",
            f"--leaderboard={leaderboard}",
            f"--scores={scores}",
        ]
        if tls is not None:
            argv += [f"--tls-cert={tls[0]}", f"--tls-key={tls[1]}"]
        if canned:
            argv.append("--canned")
        super().__init__(argv, work_dir / f"{name}.log", timeout)
        self.url: str = self.info["url"]

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server process has used so far."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1]
        except OSError:
            return None
        values = fields.split()
        return (int(values[11]) + int(values[12])) / _CLOCK_TICKS
