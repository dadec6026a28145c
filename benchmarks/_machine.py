"""What the numbers were measured on: machine, load and package versions."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from ._proc import ROOT

PACKAGES = ("numerapi-gen", "numerapi", "httpx", "pydantic", "requests", "pandas")


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def ram() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            kib = int(line.split()[1])
            return f"{kib / 2**20:.1f} GiB"
    return "unknown"


def os_name() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            pretty = line.split("=", 1)[1].strip('"')
            return f"{pretty} ({platform.system()} {platform.release()})"
    return platform.platform()


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _command(*argv: str) -> str:
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=10, check=False, cwd=ROOT
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def versions() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name in PACKAGES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "not installed"))
    curl = _command("curl", "--version").splitlines()
    found.append(("curl", " ".join(curl[0].split()[:2]) if curl else "not found"))
    commit = _command("git", "rev-parse", "--short", "HEAD")
    if commit:
        dirty = _command("git", "status", "--porcelain", "--untracked-files=no")
        found.append(
            ("numerapi-gen commit", commit + (" + local changes" if dirty else ""))
        )
    return found


def environment(load_before: str) -> list[tuple[str, str]]:
    return [
        ("CPU", cpu_model()),
        ("cores", str(os.cpu_count())),
        ("RAM", ram()),
        ("OS", os_name()),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("load average (1/5/15 min) at start", load_before),
        ("load average (1/5/15 min) at end", load_average()),
        *versions(),
    ]
