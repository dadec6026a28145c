"""Case 1: cold import, CLI start and a first call, in fresh processes (wall
time, peak RSS)."""

from __future__ import annotations

import functools
import shutil
import sys
from pathlib import Path

from ._context import Context
from ._proc import Measured, child_env, run
from ._report import Row, Target

CASE = "1. start"
TIME_TARGET = Target(0.5)
MEMORY_TARGET = Target(0.6)


def _script(name: str) -> str:
    """A console script of this interpreter's environment."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(name)
    return found


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def run_case(ctx: Context) -> None:
    # (label, ours argv, numerapi argv, has targets)
    pairs = [
        ("import", _python("import numerapi_gen"), _python("import numerapi"), True),
        (
            "`from numerapi_gen import NumerAPI` (vs `import numerapi`)",
            _python("from numerapi_gen import NumerAPI"),
            _python("import numerapi"),
            False,
        ),
        (
            "CLI `--help`",
            [_script("numerapi-gen"), "--help"],
            [_script("numerapi"), "--help"],
            True,
        ),
    ]
    url = ctx.server.info["url"]
    pairs.append(
        (
            "import, then one `get_current_round()` (a one-shot script)",
            _python(
                "from numerapi_gen import NumerAPI\n"
                f"NumerAPI(api_url={url!r}).get_current_round()"
            ),
            _python(
                "import numerapi\nfrom numerapi import base_api\n"
                f"base_api.API_TOURNAMENT_URL = {url!r}\n"
                "numerapi.NumerAPI().get_current_round()"
            ),
            False,
        )
    )
    # Plain interpreter start: what every row above includes.
    floor = _python("pass")
    env = child_env()
    env.pop("PYTHONPATH")  # measure the installed packages as users get them

    def once(argv: list[str]) -> Measured:
        return run(argv, cwd=ctx.work_dir, env=env, timeout=120)

    commands = [floor] + [
        argv for _, ours, theirs, _ in pairs for argv in (ours, theirs)
    ]
    if not ctx.settings.quick:  # warm-up: byte-code cached, files in page cache
        for argv in commands:
            ctx.attempt(f"start-up warm-up {argv[-2:]}", functools.partial(once, argv))

    floor_runs: list[Measured] = []
    results: dict[str, tuple[list[Measured], list[Measured]]] = {
        label: ([], []) for label, *_ in pairs
    }
    for _ in range(ctx.settings.repeat):
        floor_runs.append(once(floor))
        for label, ours, theirs, _targets in pairs:
            # Interleaved, so a change in machine load hits both sides alike.
            mine = ctx.attempt(f"{label} (numerapi-gen)", functools.partial(once, ours))
            other = ctx.attempt(f"{label} (numerapi)", functools.partial(once, theirs))
            if mine is not None and other is not None:
                results[label][0].append(mine)
                results[label][1].append(other)

    for label, _ours, _theirs, targets in pairs:
        mine_runs, other_runs = results[label]
        if not mine_runs:
            continue
        ctx.rows.append(
            Row(
                CASE,
                f"{label}: wall time",
                "s",
                [m.seconds for m in mine_runs],
                "numerapi",
                [m.seconds for m in other_runs],
                TIME_TARGET if targets else None,
            )
        )
        ctx.rows.append(
            Row(
                CASE,
                f"{label}: peak RSS",
                "MiB",
                [m.peak_rss_mib for m in mine_runs],
                "numerapi",
                [m.peak_rss_mib for m in other_runs],
                MEMORY_TARGET if targets else None,
            )
        )
    ctx.rows.append(
        Row(
            CASE,
            "`python -c pass` (in every row above): wall time",
            "s",
            [m.seconds for m in floor_runs],
            subject="python",
        )
    )
    ctx.rows.append(
        Row(
            CASE,
            "`python -c pass`: peak RSS",
            "MiB",
            [m.peak_rss_mib for m in floor_runs],
            subject="python",
        )
    )
