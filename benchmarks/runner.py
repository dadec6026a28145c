"""``python -m benchmarks``: numerapi-gen and numerapi 3.1.1 side by side.

Starts the fake Numerai server in its own process, runs every selected case
for both clients (each measurement in a fresh process), and writes a markdown
table of medians, ratios and targets to ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import case_network, case_parsing, case_queries, case_startup, case_transfers
from ._context import CASES, Context, Settings
from ._machine import environment, load_average
from ._proc import ROOT
from ._report import kept_analysis, render
from ._server import FakeServer

RUNNERS: dict[str, Callable[[Context], None]] = {
    "network": case_network.run_case,
    "startup": case_startup.run_case,
    "queries": case_queries.run_case,
    "parsing": case_parsing.run_case,
    "transfers": case_transfers.run_case,
}

#: ``--quick``: a smoke run that exercises every case in seconds.
QUICK = Settings(
    repeat=1,
    queries=20,
    concurrency=5,
    leaderboard=200,
    scores=50,
    size=4 * 2**20,
    rtts=(5.0,),
    network_queries=5,
    network_calls=20,
    network_size=2 * 2**20,
    workflow_size=2**20,
    predictions_size=64 * 2**10,
    rss_size=2 * 2**20,
    quick=True,
)

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B?|B)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def parse_size(text: str) -> int:
    """``1GiB``, ``64MiB``, ``512K``, ``1048576`` → bytes (binary units)."""
    match = _SIZE.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 1GiB or 64MiB)")
    number, unit = match.groups()
    return int(float(number) * _UNITS[(unit or "").upper()[:1]])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark numerapi-gen against numerapi 3.1.1 on a local "
        "fake Numerai server and write a markdown report.",
    )
    parser.add_argument("--repeat", type=int, help="runs per measurement (default 5)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny smoke run: 1 repetition, tiny sizes (numbers mean nothing)",
    )
    parser.add_argument(
        "--case",
        action="append",
        choices=CASES,
        dest="cases",
        help="run only this case (repeatable; default: all)",
    )
    parser.add_argument("--size", type=parse_size, help="transfer size (default 1GiB)")
    parser.add_argument(
        "--queries", type=int, help="small queries per run (default 500)"
    )
    parser.add_argument("--concurrency", type=int, help="async in flight (default 20)")
    parser.add_argument(
        "--latency-ms",
        type=float,
        help="simulated round trip of the extra async rows (default 20; 0: skip)",
    )
    parser.add_argument(
        "--rtt",
        type=float,
        action="append",
        dest="rtts",
        help="round trip of the network rows, ms (repeatable; default 20 and 80)",
    )
    parser.add_argument(
        "--network-size",
        type=parse_size,
        help="the network rows' download (default 256MiB)",
    )
    parser.add_argument("--leaderboard", type=int, help="leaderboard entries (20000)")
    parser.add_argument("--scores", type=int, help="submission scores (5000)")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "BENCHMARKS.md", help="report file"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=ROOT / "benchmarks" / ".work",
        help="where temporary files go (a fresh directory inside it, removed after)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="cProfile each client measurement's timed part into DIR/*.prof "
        "(times are inflated; for finding causes, not for the table)",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        dest="scenarios",
        metavar="TEXT",
        help="run only the network scenarios whose name contains TEXT "
        "(repeatable; e.g. 'in flight', 'window', 'workflow', 'transfers')",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


#: Options that override a field of ``Settings`` of the same name.
_OVERRIDES = (
    "repeat",
    "size",
    "queries",
    "concurrency",
    "latency_ms",
    "leaderboard",
    "scores",
    "network_size",
)


def settings_from(args: argparse.Namespace) -> Settings:
    base = QUICK if args.quick else Settings()
    changes = {
        name: getattr(args, name)
        for name in _OVERRIDES
        if getattr(args, name) is not None
    }
    changes["repeat"] = max(1, changes.get("repeat", base.repeat))
    if args.rtts:
        changes["rtts"] = tuple(args.rtts)
    return dataclasses.replace(
        base,
        **changes,
        cases=tuple(dict.fromkeys(args.cases)) if args.cases else CASES,
        verbose=not args.quiet,
        profile_dir=args.profile.resolve() if args.profile else None,
        scenarios=tuple(args.scenarios or ()),
    )


def _preamble(settings: Settings, quick: bool, started: dt.datetime) -> list[str]:
    rtts = " and ".join(f"{rtt:g} ms" for rtt in settings.rtts)
    lines = [
        f"Generated by `python -m benchmarks` on {started:%Y-%m-%d %H:%M} UTC. "
        f"Medians of {settings.repeat} run(s) each; ratio = numerapi-gen / the "
        "compared value, **lower is better** for every row (times and memory). "
        "Both clients run in the same session against the same fake Numerai "
        "server (`numerapi_gen.testing`), which runs in a process of its own; "
        "every client measurement is a fresh process.",
        "",
        "**Network rows (N0-N5) carry the speed targets**: the fake server serves "
        "HTTPS behind a shaping proxy in its own process (`benchmarks/shaper.py`"
        f"): a delay line per direction ({rtts} round trips), one extra round "
        "trip per new connection (the TCP handshake), a bandwidth cap shared by "
        "all connections and, where stated, a per-connection window (a CDN's "
        "per-stream limit). N0 checks the proxy itself. Each scenario runs its "
        "clients in turn, in a rotating order, once per repetition (interleaved "
        "repeats); timed parts exclude interpreter start-up.",
        "",
        "Case 1 (interpreter start-up) keeps its targets. Cases 2-5 run over "
        "plain loopback, without shaping, and are information only: loopback "
        "CPU per call is not what users feel.",
    ]
    if settings.profile_dir is not None:
        lines += ["", "**Profiled run (`--profile`): every time is inflated.**"]
    if quick:
        lines += [
            "",
            "**`--quick` smoke run: tiny sizes, one run; the numbers mean nothing.**",
        ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = settings_from(args)
    started = dt.datetime.now(dt.timezone.utc)
    load_before = load_average()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    if settings.profile_dir is not None:
        settings.profile_dir.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="run-", dir=args.work_dir))
    clock = time.perf_counter()
    try:
        needs_world = "parsing" in settings.cases
        with FakeServer(
            work_dir,
            leaderboard=settings.leaderboard if needs_world else 0,
            scores=settings.scores if needs_world else 0,
        ) as server:
            ctx = Context(settings, work_dir, server)
            for name in settings.cases:
                ctx.say(f"case {name} ...")
                RUNNERS[name](ctx)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    report = render(
        ctx.rows,
        title="Benchmarks: numerapi-gen vs numerapi 3.1.1",
        preamble=_preamble(settings, args.quick, started),
        environment=[
            *environment(load_before),
            ("run took", f"{time.perf_counter() - clock:.0f} s"),
            (
                "settings",
                f"repeat={settings.repeat} queries={settings.queries} "
                f"concurrency={settings.concurrency} "
                f"latency_ms={settings.latency_ms:g} "
                f"leaderboard={settings.leaderboard} scores={settings.scores} "
                f"size={settings.size} B rtts={settings.rtts} "
                f"network_queries={settings.network_queries} "
                f"network_size={settings.network_size} B",
            ),
        ],
        notes=ctx.notes,
        analysis=kept_analysis(args.output.read_text()) if args.output.exists() else "",
    )
    args.output.write_text(report)
    ctx.say(f"wrote {args.output}")
    return 0
