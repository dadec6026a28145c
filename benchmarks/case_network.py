"""Case N: what users feel, over a shaped link (the rows with targets).

The fake server serves HTTPS (a self-signed certificate) behind the shaping
proxy (:mod:`benchmarks.shaper`): a delay line per direction, one extra
round trip per new connection, a shared bandwidth cap and an optional
per-connection window. Every URL the server hands out (dataset downloads,
upload targets) names the proxy, so every byte crosses the shaped link.
numerapi 3.1.1 runs in the same session; each scenario runs its clients in
turn, in a rotating order, ``repeat`` times (interleaved repeats), each
measurement in a fresh process. Downloaded files are checked byte for byte.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._context import Context
from ._link import MB, LinkShape, ShapedLink, check_link
from ._report import Row, Target, Unit
from ._server import FakeServer
from .case_transfers import clean, digest_of, write_predictions, write_random

LINK = "N0. the link itself"
QUERIES = "N1. small queries"
CONCURRENT = "N2. concurrent queries"
DOWNLOADS = "N3. downloads"
WORKFLOW = "N4. weekly workflow"
MEMORY = "N5. memory"
#: Peak RSS target of a client process moving a 1 GiB file: 100 MB.
RSS_TARGET = Target(100e6 / 2**20, on="value", strict=True, label="< 100 MB")
WINDOW = 2**20
#: Runs of the 1 GiB memory rows (the slowest; peak RSS hardly varies).
MEMORY_REPEATS = 2
SHARED_RATE = 200 * MB
WORKFLOW_RATE = 100 * MB
#: Dataset names on the fake server.
NET_FILE, WEEK_FILE, BIG_FILE = "bench/net.bin", "bench/week.bin", "bench/big.bin"


@dataclass
class Client:
    """One client of a scenario: a child task and its parameters."""

    key: str
    task: str
    params: dict[str, Any]
    #: A file the task writes (checked against ``expect``, then deleted).
    dest: Path | None = None
    #: The served file's size and SHA-256 (set when the inputs are written).
    expect: tuple[int, str] | None = None


@dataclass
class Scenario:
    name: str
    shape: LinkShape
    clients: list[Client]
    seconds: dict[str, list[float]] = field(default_factory=dict)
    rss: dict[str, list[float]] = field(default_factory=dict)
    connections: dict[str, list[int]] = field(default_factory=dict)
    exact: dict[str, list[bool]] = field(default_factory=dict)


class _Network:
    def __init__(self, ctx: Context, server: FakeServer, link: ShapedLink) -> None:
        self.ctx, self.server, self.link = ctx, server, link
        self.downloads = ctx.work_dir / "net-downloads"
        self.downloads.mkdir(exist_ok=True)

    def run(self, scenario: Scenario, rep: int) -> None:
        clients = scenario.clients
        shift = rep % len(clients)
        for client in clients[shift:] + clients[:shift]:
            self.link.shape(scenario.shape)
            self.link.stats()  # forget what came before
            label = f"{scenario.name} ({client.key})"
            done = self.ctx.attempt(label, self._task(client))
            taken = self.link.stats()
            if client.dest is not None and client.expect is not None:
                scenario.exact.setdefault(client.key, []).append(
                    _exact(client.dest, *client.expect)
                )
            if done is None:
                continue
            result, measured = done
            scenario.seconds.setdefault(client.key, []).append(result["seconds"])
            scenario.rss.setdefault(client.key, []).append(measured.peak_rss_mib)
            scenario.connections.setdefault(client.key, []).append(taken["connections"])

    def _task(self, client: Client) -> Callable[[], Any]:
        def run() -> Any:
            try:
                return self.ctx.task(client.task, **client.params)
            finally:
                self.server.command("drop_blobs")  # received upload bodies

        return run


def _size(size: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} B"


def _exact(dest: Path, size: int, sha256: str) -> bool:
    """Whether ``dest`` holds exactly the source's bytes; then delete it."""
    try:
        return (
            dest.is_file() and dest.stat().st_size == size and digest_of(dest) == sha256
        )
    finally:
        clean(dest)


def _link_rows(ctx: Context) -> None:
    settings = ctx.settings
    size = 4 * 2**20 if settings.quick else 64 * 2**20
    ctx.say("  checking the shaping proxy")
    for check in check_link(ctx.work_dir, rtt_ms=settings.rtts[0], size=size):
        scale = 1000 if check.unit == "ms" else 1 / MB
        ctx.rows.append(
            Row(
                LINK,
                check.what,
                check.unit,
                [check.measured * scale],
                "nominal",
                [check.expected * scale],
                subject="proxy",
            )
        )


def run_case(ctx: Context) -> None:
    if shutil.which("openssl") is None:
        ctx.notes.append("Network rows skipped: no openssl CLI for a certificate.")
        return
    from numerapi_gen.testing import self_signed_certificate

    if not ctx.settings.scenarios:
        _link_rows(ctx)
    certificate = self_signed_certificate(ctx.work_dir)
    with FakeServer(ctx.work_dir, leaderboard=0, scores=0, tls=certificate) as server:
        port = urlsplit(server.url).port
        assert port is not None
        with ShapedLink(ctx.work_dir, port) as link:
            url = f"https://127.0.0.1:{link.port}/"
            server.command("public_url", url=url)
            _scenarios(ctx, _Network(ctx, server, link), url, str(certificate[0]))


def _write_inputs(
    ctx: Context, server: FakeServer, scenarios: list[Scenario], sizes: dict[str, int]
) -> list[Path]:
    """Write the files the scenarios use, and no other: the served datasets
    (each client that downloads one learns its size and SHA-256) and the
    predictions files they upload (``sizes``: path -> size). Returns the
    predictions files written, for removal."""
    clients = [client for scenario in scenarios for client in scenario.clients]
    datasets = {c.params["filename"] for c in clients if "filename" in c.params}
    served = {}
    for name in sorted(datasets):
        size = sizes[name]
        path = ctx.work_dir / name.replace("/", "-")
        ctx.say(f"  writing a {_size(size)} file")
        served[name] = (size, write_random(path, size))
        server.command("add_dataset", name=name, path=str(path))
    for client in clients:
        if client.dest is not None and "filename" in client.params:
            client.expect = served[client.params["filename"]]
    uploads = sorted({Path(c.params["path"]) for c in clients if "path" in c.params})
    for path in uploads:
        write_predictions(path, sizes[str(path)])
    return uploads


def _scenarios(ctx: Context, net: _Network, url: str, ca_file: str) -> None:
    settings = ctx.settings
    base = {"url": url, "ca_file": ca_file}
    model_id = net.server.info["upload_model_id"]
    predictions = ctx.work_dir / "predictions.csv"
    big_predictions = ctx.work_dir / "big-predictions.csv"
    first = settings.rtts[0]

    def queries(
        key: str, client: str, n: int, concurrency: int, *, warm: bool = False
    ) -> Client:
        params = dict(base, client=client, n=n, concurrency=concurrency, warm=warm)
        return Client(key, "queries", params)

    def download(key: str, client: str, name: str, **extra: Any) -> Client:
        dest = net.downloads / f"{key}.bin"
        params = dict(base, client=client, filename=name, dest=str(dest), **extra)
        return Client(key, "download", params, dest)

    scenarios: list[Scenario] = []
    sequential: dict[float, Scenario] = {}
    concurrent: dict[float, Scenario] = {}
    calls, in_flight = settings.network_calls, settings.concurrency
    for rtt in settings.rtts:
        n = settings.network_queries if rtt == first else settings.network_queries // 4
        sequential[rtt] = Scenario(
            f"{max(n, 1)} sequential queries, {rtt:g} ms",
            LinkShape(rtt),
            [
                queries("ours", "ours", max(n, 1), 1),
                queries("numerapi", "numerapi", max(n, 1), 1),
            ],
        )
        concurrent[rtt] = Scenario(
            f"{calls} queries, {in_flight} in flight, {rtt:g} ms",
            LinkShape(rtt),
            [
                queries("ours-async", "ours-async", calls, in_flight, warm=True),
                queries("ours-async-cold", "ours-async", calls, in_flight),
                queries(
                    "numerapi-threads", "numerapi-threads", calls, in_flight, warm=True
                ),
            ],
        )
        scenarios += [sequential[rtt], concurrent[rtt]]

    def downloads(name: str, shape: LinkShape) -> Scenario:
        """numerapi-gen (default, and one stream) and numerapi, one file."""
        clients = [
            download("ours", "ours", NET_FILE),
            download("ours-1", "ours", NET_FILE, connections=1),
            download("numerapi", "numerapi", NET_FILE),
        ]
        return Scenario(name, shape, clients)

    windowed = downloads(
        "download, per-connection window", LinkShape(first, window=WINDOW)
    )
    shared = downloads("download, shared cap", LinkShape(first, rate=SHARED_RATE))
    week_dest = net.downloads / "week.bin"
    week_params = dict(
        base,
        filename=WEEK_FILE,
        dest=str(week_dest),
        path=str(predictions),
        model_id=model_id,
    )
    workflow = Scenario(
        "weekly workflow",
        LinkShape(first, rate=WORKFLOW_RATE),
        [
            Client(
                client,
                "workflow",
                dict(week_params, client=client),
                week_dest,
            )
            for client in ("ours", "numerapi")
        ],
    )
    memory = Scenario(
        f"{_size(settings.rss_size)} transfers",
        LinkShape(first),
        [
            download("download", "ours", BIG_FILE),
            Client(
                "upload",
                "upload",
                dict(base, client="ours", path=str(big_predictions), model_id=model_id),
            ),
        ],
    )
    scenarios += [windowed, shared, workflow, memory]
    if settings.scenarios:
        scenarios = [
            s for s in scenarios if any(part in s.name for part in settings.scenarios)
        ]
    if settings.quick:  # a smoke run: numerapi-gen only, but one workflow each
        for scenario in scenarios:
            if scenario is not workflow:
                scenario.clients = scenario.clients[:1]
    sizes = {
        NET_FILE: settings.network_size,
        WEEK_FILE: settings.workflow_size,
        BIG_FILE: settings.rss_size,
        str(predictions): settings.predictions_size,
        str(big_predictions): settings.rss_size,
    }
    written = _write_inputs(ctx, net.server, scenarios, sizes)
    try:
        for rep in range(settings.repeat):
            for scenario in scenarios:
                if scenario is memory and rep >= MEMORY_REPEATS:
                    continue  # a peak, not a time: it hardly varies
                ctx.say(f"  {scenario.name}: repetition {rep + 1}/{settings.repeat}")
                net.run(scenario, rep)
    finally:
        for leftover in written:
            leftover.unlink(missing_ok=True)
    _rows(ctx, sequential, concurrent, windowed, shared, workflow, memory)


def _row(
    ctx: Context,
    case: str,
    label: str,
    scenario: Scenario,
    key: str,
    other: str,
    target: Target | None = None,
    *,
    unit: Unit = "s",
    size: int | None = None,
) -> None:
    table = scenario.seconds if unit == "s" else scenario.rss
    ours = table.get(key)
    theirs = table.get(other, []) if other else []
    if not ours or (other and not theirs and not ctx.settings.quick):
        return
    ctx.rows.append(Row(case, label, unit, ours, other, theirs, target, size))


def _rows(
    ctx: Context,
    sequential: dict[float, Scenario],
    concurrent: dict[float, Scenario],
    windowed: Scenario,
    shared: Scenario,
    workflow: Scenario,
    memory: Scenario,
) -> None:
    settings = ctx.settings
    first = settings.rtts[0]
    calls, in_flight = settings.network_calls, settings.concurrency
    for rtt, scenario in sequential.items():
        n = scenario.clients[0].params["n"]
        _row(
            ctx,
            QUERIES,
            f"{n} x `get_current_round`, sequential, HTTPS, {rtt:g} ms RTT",
            scenario,
            "ours",
            "numerapi",
            Target(0.36) if rtt == first else None,
        )
    for rtt, scenario in concurrent.items():
        rounds = -(-calls // in_flight)
        for key, pool, setup in (
            ("ours-async", "warm pool", 0),
            ("ours-async-cold", "cold", 2),
        ):
            label = (
                f"{calls} x `get_current_round`, `AsyncNumerAPI` {in_flight} in flight "
                f"({pool}), HTTPS, {rtt:g} ms RTT"
            )
            targeted = rtt == first and key == "ours-async"
            _row(
                ctx,
                CONCURRENT,
                label,
                scenario,
                key,
                "numerapi-threads",
                Target(0.35) if targeted else None,
            )
            # the first wave of a cold pool also connects and shakes hands: 2 RTT
            floor = (rounds + setup) * rtt / 1000
            if scenario.seconds.get(key):
                ctx.rows.append(
                    Row(
                        CONCURRENT,
                        label,
                        "s",
                        scenario.seconds[key],
                        f"the {rounds + setup}-RTT floor",
                        [floor],
                        Target(1.5) if targeted else None,
                    )
                )
    size = settings.network_size
    mib = _size(size)
    window = f"{WINDOW / 2**20:g} MiB per-connection window"
    for label, scenario, other, target in (
        (f"download {mib}, {first:g} ms, {window}", windowed, "numerapi", 0.35),
        (
            f"download {mib}, {first:g} ms, {SHARED_RATE / MB:g} MB/s shared, "
            "no window",
            shared,
            "ours-1",
            1.02,
        ),
    ):
        _row(ctx, DOWNLOADS, label, scenario, "ours", other, Target(target), size=size)
        for key, versus in (("ours-1", "numerapi"), ("ours", "numerapi")):
            if (key, versus) != ("ours", other):
                _row(
                    ctx,
                    DOWNLOADS,
                    f"{label}{', one stream' if key == 'ours-1' else ''}",
                    scenario,
                    key,
                    versus,
                    size=size,
                )
    _row(
        ctx,
        WORKFLOW,
        f"round, models, datasets, {_size(settings.workflow_size)} "
        f"download, {_size(settings.predictions_size)} upload, "
        f"submissions; {first:g} ms, {WORKFLOW_RATE / MB:g} MB/s",
        workflow,
        "ours",
        "numerapi",
        Target(0.9),
    )
    big = _size(settings.rss_size)
    for key, label in (("download", "download"), ("upload", "upload")):
        _row(
            ctx,
            MEMORY,
            f"{label} {big} (segmented download), peak RSS"
            if key == "download"
            else f"{label} {big} (`upload_predictions`), peak RSS",
            memory,
            key,
            "",
            RSS_TARGET,
            unit="MiB",
        )
    _notes(
        ctx,
        [*sequential.values(), *concurrent.values()],
        windowed,
        shared,
        workflow,
        memory,
    )


def _notes(
    ctx: Context,
    queries: list[Scenario],
    windowed: Scenario,
    shared: Scenario,
    workflow: Scenario,
    memory: Scenario,
) -> None:
    opened = []
    for scenario in [*queries, windowed, shared, workflow]:
        counts = ", ".join(
            f"{key} {max(found)}" for key, found in scenario.connections.items()
        )
        opened.append(f"{scenario.name}: {counts}")
    ctx.notes.append(
        "TCP connections accepted by the proxy per run (most seen): "
        + "; ".join(opened)
        + "."
    )
    broken = [
        f"{scenario.name} ({key})"
        for scenario in (windowed, shared, workflow, memory)
        for key, flags in scenario.exact.items()
        if not all(flags)
    ]
    checked = sum(
        len(flags)
        for scenario in (windowed, shared, workflow, memory)
        for flags in scenario.exact.values()
    )
    ctx.notes.append(
        f"Downloaded files checked byte for byte (SHA-256): {checked}; "
        + (f"**not exact: {', '.join(broken)}**" if broken else "all exact.")
    )
