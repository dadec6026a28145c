"""Cases 2 and 3: many small queries (``get_current_round``), sequential and
concurrent, each client in a fresh process; the timed loop excludes start-up
and one warm-up call.

Extra information for case 3: the same with a simulated network round trip
(the server sleeps before each answer), which is what concurrency is for.

Both cases run twice: over plain HTTP, and over HTTPS with a self-signed
certificate (made with the openssl CLI), as the real API is served. Over
HTTPS a new connection costs a TLS handshake, which is what numerapi pays on
every call and numerapi-gen's kept-alive connections do not.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
import statistics
from pathlib import Path
from typing import Any

from ._context import Context
from ._report import Row
from ._server import FakeServer

SEQUENTIAL = "2. small queries"
CONCURRENT = "3. async queries"

# (child client, whether it runs ``concurrency`` requests at a time)
RUNS: tuple[tuple[str, bool], ...] = (
    ("ours", False),
    ("numerapi", False),
    ("ours-async", True),
    ("numerapi-threads", True),
    ("raw", False),
    ("raw-threads", True),
)
LATENCY_RUNS: tuple[tuple[str, bool], ...] = (
    ("numerapi", False),
    ("ours-async", True),
    ("numerapi-threads", True),
)


class _Series:
    """Per client: wall time, client CPU and server CPU of each run."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}
        self.server: dict[str, list[float]] = {}

    def measure(
        self, ctx: Context, client: str, concurrency: int, **extra: Any
    ) -> None:
        n = ctx.settings.queries
        measure = functools.partial(
            ctx.task, "queries", client=client, n=n, concurrency=concurrency, **extra
        )
        before = ctx.server.cpu_seconds()
        done = ctx.attempt(f"{n} queries ({client})", measure)
        after = ctx.server.cpu_seconds()
        if done is None:
            return
        self.wall.setdefault(client, []).append(float(done[0]["seconds"]))
        self.cpu.setdefault(client, []).append(float(done[0]["cpu"]))
        if before is not None and after is not None:
            self.server.setdefault(client, []).append(after - before)

    def per_call(self, table: dict[str, list[float]], n: int) -> str:
        return ", ".join(
            f"{k} {statistics.median(v) / n * 1000:.2f} ms" for k, v in table.items()
        )


def _certificate(directory: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1, or None without openssl."""
    if shutil.which("openssl") is None:
        return None
    from numerapi_gen.testing import self_signed_certificate

    return self_signed_certificate(directory)


#: The HTTPS runs: sequential and concurrent, ours against numerapi.
TLS_RUNS: tuple[tuple[str, bool], ...] = (
    ("ours", False),
    ("numerapi", False),
    ("ours-async", True),
)


def _https_series(ctx: Context) -> _Series | None:
    certificate = _certificate(ctx.work_dir)
    if certificate is None:
        ctx.notes.append("HTTPS rows skipped: no openssl CLI to make a certificate.")
        return None
    series = _Series()
    concurrency = ctx.settings.concurrency
    with FakeServer(ctx.work_dir, leaderboard=0, scores=0, tls=certificate) as server:
        tls_ctx = dataclasses.replace(ctx, server=server)  # same rows and notes
        for rep in range(ctx.settings.repeat):
            ctx.say(f"  queries over HTTPS: repetition {rep + 1}/{ctx.settings.repeat}")
            for client, parallel in TLS_RUNS:
                series.measure(
                    tls_ctx,
                    client,
                    concurrency if parallel else 1,
                    ca_file=str(certificate[0]),
                )
    return series


#: Against the canned server: what the clients do when the server is quick.
CANNED_RUNS: tuple[tuple[str, bool], ...] = (
    ("ours", False),
    ("numerapi", False),
    ("ours-async", True),
    ("raw-threads", True),
)


def _canned_series(ctx: Context) -> _Series:
    series = _Series()
    concurrency = ctx.settings.concurrency
    with FakeServer(ctx.work_dir, leaderboard=0, scores=0, canned=True) as server:
        canned_ctx = dataclasses.replace(ctx, server=server)
        for rep in range(ctx.settings.repeat):
            ctx.say(f"  canned answers: repetition {rep + 1}/{ctx.settings.repeat}")
            for client, parallel in CANNED_RUNS:
                series.measure(canned_ctx, client, concurrency if parallel else 1)
    return series


def run_case(ctx: Context) -> None:
    n, concurrency = ctx.settings.queries, ctx.settings.concurrency
    latency = ctx.settings.latency_ms
    plain, delayed = _Series(), _Series()
    for rep in range(ctx.settings.repeat):
        ctx.say(f"  queries: repetition {rep + 1}/{ctx.settings.repeat}")
        for client, parallel in RUNS:
            plain.measure(ctx, client, concurrency if parallel else 1)
        if latency:
            ctx.server.command("fault", path="/", method="POST", latency=latency / 1000)
            try:
                for client, parallel in LATENCY_RUNS:
                    delayed.measure(ctx, client, concurrency if parallel else 1)
            finally:
                ctx.server.command("clear_faults")

    def row(
        series: _Series,
        case: str,
        label: str,
        key: str,
        other: str = "",
        baseline: str = "",
    ) -> None:
        ours, theirs = series.wall.get(key), series.wall.get(other, [])
        if ours and (theirs or not other):
            subject = "http.client" if key.startswith("raw") else "numerapi-gen"
            ctx.rows.append(
                Row(
                    case,
                    label,
                    "s",
                    ours,
                    baseline or other,
                    theirs,
                    subject=subject,
                )
            )

    calls = f"{n} x `get_current_round`"
    in_flight = f"`AsyncNumerAPI`, {concurrency} in flight"
    threads = f"numerapi, {concurrency} threads"
    row(plain, SEQUENTIAL, f"{calls}, sequential", "ours", "numerapi")
    row(plain, SEQUENTIAL, f"floor: {calls} as raw keep-alive POSTs", "raw")
    row(
        plain,
        CONCURRENT,
        f"{calls}, {in_flight}",
        "ours-async",
        "numerapi",
        "numerapi (sequential)",
    )
    row(
        plain,
        CONCURRENT,
        f"{calls}, {in_flight}",
        "ours-async",
        "numerapi-threads",
        threads,
    )
    row(
        plain,
        CONCURRENT,
        f"floor: {calls} as raw POSTs from {concurrency} threads (the fake "
        "server's throughput)",
        "raw-threads",
    )
    secure = _https_series(ctx)
    if secure is not None:
        https = f"{calls} over HTTPS (as the real API)"
        row(
            secure,
            SEQUENTIAL,
            f"{https}, sequential",
            "ours",
            "numerapi",
        )
        row(
            secure,
            CONCURRENT,
            f"{https}, {in_flight}",
            "ours-async",
            "numerapi",
            "numerapi (sequential)",
        )
    canned = _canned_series(ctx)
    fixed = f"{calls} from a canned-answer server (no GraphQL work)"
    row(canned, SEQUENTIAL, f"{fixed}, sequential", "ours", "numerapi")
    row(
        canned,
        CONCURRENT,
        f"{fixed}, {in_flight}",
        "ours-async",
        "numerapi",
        "numerapi (sequential)",
    )
    row(
        canned,
        CONCURRENT,
        f"floor: {fixed}, raw POSTs from {concurrency} threads",
        "raw-threads",
    )
    with_rtt = f"{calls} with {latency:g} ms simulated round trip"
    row(
        delayed,
        CONCURRENT,
        f"{with_rtt}, {in_flight}",
        "ours-async",
        "numerapi",
        "numerapi (sequential)",
    )
    row(
        delayed,
        CONCURRENT,
        f"{with_rtt}, {in_flight}",
        "ours-async",
        "numerapi-threads",
        threads,
    )

    if plain.wall:
        busy = ", ".join(
            f"{k} {statistics.median(c) / statistics.median(plain.wall[k]):.2f}"
            for k, c in plain.server.items()
        )
        ctx.notes.append(
            f"Small queries, median wall time per call: {plain.per_call(plain.wall, n)}"
            f"; client CPU time per call: {plain.per_call(plain.cpu, n)}; fake "
            f"server CPU time per call: {plain.per_call(plain.server, n)}. Server CPU "
            f"time / client wall time (1.0 = the server was busy all along): {busy}."
        )
