"""Case 5: downloading and uploading a large file (1 GiB by default).

Downloads: curl (one stream), numerapi-gen with one stream and with its
default segments, numerapi's ``download_dataset``. Uploads: each client's
``upload_predictions``. Resume: the server drops the first download
connection after 1/8 of the file. Every downloaded file is checked against
the source's SHA-256 (outside the timing) and deleted; every upload's digest
is checked on the server.
"""

from __future__ import annotations

import functools
import hashlib
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._context import Context
from ._proc import run
from ._report import Row, Target, Unit

CASE = "5. transfers"
DATASET = "bench/blob.bin"
_BLOCK = 2**20


def write_random(path: Path, size: int) -> str:
    """``size`` random bytes (fresh per MiB, so misplaced ranges show); SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        remaining = size
        while remaining:
            block = os.urandom(min(_BLOCK, remaining))
            handle.write(block)
            digest.update(block)
            remaining -= len(block)
    return digest.hexdigest()


def write_predictions(path: Path, size: int) -> str:
    """A predictions CSV (``id,prediction``, unique ids, whole rows) of about
    ``size`` bytes, as the upload checks require; its SHA-256."""
    rng = random.Random(0)
    template = "".join(
        f"id_BLOCK{rng.getrandbits(40):010x},{rng.uniform(0.01, 0.99):.6f}\n"
        for _ in range(40_000)
    ).encode()
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        chunk, block = b"id,prediction\n", 0
        written, last = 0, False
        while True:
            handle.write(chunk)
            digest.update(chunk)
            written += len(chunk)
            if last or written >= size:
                break
            chunk = template.replace(b"BLOCK", b"%05x" % block)
            block += 1
            if written + len(chunk) >= size:  # whole rows up to about ``size``
                cut = chunk.rfind(b"\n", 0, size - written) + 1
                chunk, last = chunk[: cut or len(chunk)], True
    return digest.hexdigest()


def digest_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(8 * _BLOCK):
            digest.update(block)
    return digest.hexdigest()


def clean(dest: Path) -> None:
    for leftover in dest.parent.glob(dest.name + "*"):
        leftover.unlink()


class _Transfers:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.size = ctx.settings.size
        self.source = ctx.work_dir / "source.bin"
        ctx.say(f"  writing a {self.size / 2**20:.0f} MiB file")
        self.sha256 = write_random(self.source, self.size)
        self.url = str(
            ctx.server.command("add_dataset", name=DATASET, path=str(self.source))[
                "url"
            ]
        )
        self.downloads = ctx.work_dir / "downloads"
        self.downloads.mkdir()
        self.exact: dict[str, list[bool]] = {}

    def check(self, key: str, dest: Path) -> bool:
        """Whether ``dest`` is the source, byte for byte; then delete it."""
        exact = (
            dest.is_file()
            and dest.stat().st_size == self.size
            and digest_of(dest) == self.sha256
        )
        self.exact.setdefault(key, []).append(exact)
        clean(dest)
        return exact

    def curl(self, key: str) -> tuple[float, float, float] | None:
        """curl's time, the time until its file is also on disk, and peak RSS.

        numerapi-gen fsyncs a download before renaming it into place; curl and
        numerapi leave it in the page cache. The second figure (curl, then an
        fsync of its file) compares like with like.
        """
        dest = self.downloads / f"{key}.bin"
        argv = ["curl", "-s", "-S", "-o", str(dest), "-w", "%{time_total}", self.url]
        done = self.ctx.attempt(key, lambda: run(argv, cwd=self.ctx.work_dir))
        if done is None:
            return None
        seconds = float(done.stdout.strip().replace(",", "."))
        started = time.perf_counter()
        fd = os.open(dest, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        durable = seconds + time.perf_counter() - started
        self.check(key, dest)
        return seconds, durable, done.peak_rss_mib

    def disk(self) -> float:
        """Seconds to write ``size`` bytes from memory in 1 MiB pieces and fsync
        them: what any durable download pays on this machine, network aside.
        """
        dest = self.downloads / "disk-floor.bin"
        piece = bytes(2**20)
        started = time.perf_counter()
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for _ in range(self.size // len(piece)):
                os.write(fd, piece)
            os.write(fd, piece[: self.size % len(piece)])
            os.fsync(fd)
        finally:
            os.close(fd)
        seconds = time.perf_counter() - started
        clean(dest)
        return seconds

    def client(
        self, key: str, task: str, **params: Any
    ) -> tuple[dict[str, Any], float] | None:
        dest = self.downloads / f"{key}.bin"
        done = self.ctx.attempt(
            key,
            lambda: self.ctx.task(task, filename=DATASET, dest=str(dest), **params),
        )
        if done is None:
            clean(dest)
            return None
        self.check(key, dest)
        return done[0], done[1].peak_rss_mib


def _downloads(ctx: Context, t: _Transfers) -> None:
    seconds: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}

    def keep(key: str, value: tuple[float, float] | None) -> None:
        if value is not None:
            seconds.setdefault(key, []).append(value[0])
            rss.setdefault(key, []).append(value[1])

    def client(key: str, **params: Any) -> Callable[[], None]:
        def run_one() -> None:
            done = t.client(key, "download", **params)
            keep(key, None if done is None else (done[0]["seconds"], done[1]))

        return run_one

    def curl() -> None:
        done = t.curl("curl")
        if done is not None:
            keep("curl", (done[0], done[2]))
            keep("curl+fsync", (done[1], done[2]))

    def disk() -> None:
        seconds.setdefault("disk", []).append(t.disk())

    runs: list[Callable[[], None]] = [
        curl,
        disk,
        client("ours-1", client="ours", connections=1),
        client("ours", client="ours"),
        client("numerapi", client="numerapi"),
    ]
    for rep in range(ctx.settings.repeat):
        ctx.say(f"  downloads: repetition {rep + 1}/{ctx.settings.repeat}")
        # Rotate the order: whatever runs right after a 1 GiB write to the page
        # cache pays for its writeback, so no client may always go first.
        # Each run starts with nothing dirty in the page cache (untimed sync).
        shift = rep % len(runs)
        for run_one in runs[shift:] + runs[:shift]:
            os.sync()
            run_one()

    mib = f"{t.size / 2**20:,.0f} MiB"
    # Loopback rows are information, not targets (the link-bound rows with
    # targets are in case_network). curl with the same durability (fsync'd
    # file) is the fair comparison; rows against plain curl are shown too.
    one, segmented = "one stream (connections=1)", "segmented (default connections)"
    # (measurement, ours, compared with, target, unit)
    specs: list[tuple[str, str, str, Target | None, Unit]] = [
        (f"download {mib}, {one}", "ours-1", "curl+fsync", None, "s"),
        (f"download {mib}, {segmented}", "ours", "curl+fsync", None, "s"),
        (f"download {mib}, {one}", "ours-1", "curl", None, "s"),
        (f"download {mib}, {segmented}", "ours", "curl", None, "s"),
        (f"download {mib}, {one}", "ours-1", "numerapi", None, "s"),
        (f"download {mib}, {segmented}", "ours", "numerapi", None, "s"),
        (
            f"download {mib}, one stream: peak RSS",
            "ours-1",
            "numerapi",
            None,
            "MiB",
        ),
        (f"download {mib}, segmented: peak RSS", "ours", "numerapi", None, "MiB"),
        (f"download {mib}: peak RSS of curl", "curl", "", None, "MiB"),
    ]
    if seconds.get("disk"):
        ctx.rows.append(
            Row(
                CASE,
                f"floor: write {mib} from memory + fsync, no network (this disk "
                "and page cache)",
                "s",
                seconds["disk"],
                "",
                [],
                None,
                t.size,
                subject="os.write",
            )
        )
    for label, key, other, target, unit in specs:
        table = seconds if unit == "s" else rss
        if table.get(key) and (not other or table.get(other)):
            ctx.rows.append(
                Row(
                    CASE,
                    label,
                    unit,
                    table[key],
                    other,
                    table.get(other, []),
                    target,
                    t.size if unit == "s" else None,
                    subject="curl" if key == "curl" else "numerapi-gen",
                )
            )


def _uploads(ctx: Context, t: _Transfers) -> None:
    source = ctx.work_dir / "predictions.csv"
    ctx.say(f"  writing a {t.size / 2**20:.0f} MiB CSV")
    sha256 = write_predictions(source, t.size)
    model_id = ctx.server.info["upload_model_id"]
    seconds: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}
    for rep in range(ctx.settings.repeat):
        ctx.say(f"  uploads: repetition {rep + 1}/{ctx.settings.repeat}")
        for client in ("ours", "numerapi"):
            done = ctx.attempt(
                f"upload ({client})",
                functools.partial(
                    ctx.task,
                    "upload",
                    client=client,
                    path=str(source),
                    model_id=model_id,
                ),
            )
            received = ctx.server.command("last_upload")
            ctx.server.command("drop_blobs")
            if done is None:
                continue
            if received["sha256"] != sha256:
                ctx.notes.append(
                    f"**upload ({client}) stored {received['length']} bytes that "
                    "differ from the file**"
                )
            seconds.setdefault(client, []).append(done[0]["seconds"])
            rss.setdefault(client, []).append(done[1].peak_rss_mib)
    source.unlink()
    if seconds.get("ours") and seconds.get("numerapi"):
        mib = f"{t.size / 2**20:,.0f} MiB"
        ctx.rows.append(
            Row(
                CASE,
                f"upload {mib} (`upload_predictions`)",
                "s",
                seconds["ours"],
                "numerapi",
                seconds["numerapi"],
                size_bytes=t.size,
            )
        )
        ctx.rows.append(
            Row(
                CASE,
                f"upload {mib}: peak RSS",
                "MiB",
                rss["ours"],
                "numerapi",
                rss["numerapi"],
            )
        )


def _resume(ctx: Context, t: _Transfers) -> None:
    drop = t.size // 8
    seconds: dict[str, list[float]] = {}
    attempts: dict[str, list[str]] = {}
    # (key, child parameters, whether the resumed request's Range is ignored)
    repeated: list[tuple[str, dict[str, Any], bool]] = [
        ("ours-1", {"client": "ours", "connections": 1}, False),
        ("ours", {"client": "ours"}, False),
        ("numerapi", {"client": "numerapi"}, False),
    ]
    # Once, as a behaviour check: the resumed request's Range is ignored (some
    # proxies and CDNs answer 200 with the whole file).
    once: list[tuple[str, dict[str, Any], bool]] = [
        ("ours-1, Range ignored", {"client": "ours", "connections": 1}, True),
        ("numerapi, Range ignored", {"client": "numerapi"}, True),
    ]
    if ctx.settings.quick:  # a smoke run: each client once
        repeated, once = [repeated[0], repeated[2]], []
    runs = [s for _ in range(ctx.settings.repeat) for s in repeated] + once
    for key, params, ignore_range in runs:
        ctx.server.command("clear_faults")
        ctx.server.command(
            "fault", path="/files/", method="GET", drop_after=drop, times=1
        )
        if ignore_range:
            ctx.server.command(
                "fault", path="/files/", method="GET", ignore_range=True, times=2
            )
        dest = t.downloads / "resume.bin"
        ctx.say(f"  resume: {key}")
        done = ctx.attempt(
            f"resume ({key})",
            functools.partial(
                ctx.task, "resume", filename=DATASET, dest=str(dest), **params
            ),
        )
        exact = t.check(f"resume {key}", dest)
        if done is not None:
            seconds.setdefault(key, []).append(done[0]["seconds"])
            attempts.setdefault(key, []).append(
                " then ".join(done[0]["attempts"])
                + ("" if exact else " (NOT byte-exact)")
            )
    ctx.server.command("clear_faults")
    mib = f"{t.size / 2**20:,.0f} MiB"
    for key, label in (("ours-1", "one stream"), ("ours", "segmented")):
        if seconds.get(key) and seconds.get("numerapi"):
            ctx.rows.append(
                Row(
                    CASE,
                    f"download {mib}, connection dropped after 1/8, {label}: "
                    "time to a complete file",
                    "s",
                    seconds[key],
                    "numerapi (fails; re-run by hand)",
                    seconds["numerapi"],
                    size_bytes=t.size,
                )
            )
    summary = "; ".join(
        f"{key}: {', '.join(sorted(set(found)))}" for key, found in attempts.items()
    )
    verdicts = "; ".join(
        f"{key[len('resume ') :]}: {sum(flags)}/{len(flags)} byte-exact"
        for key, flags in t.exact.items()
        if key.startswith("resume ")
    )
    ctx.notes.append(
        f"Resume after a drop (the server closes the first download connection "
        f"after {drop:,} bytes): {summary}. Results: {verdicts}. numerapi-gen resumes "
        "inside the call; numerapi raises, and a second call (what a user would "
        "do) continues its `.temp` file with a `Range` request without checking "
        "that the server honoured it."
    )


def run_case(ctx: Context) -> None:
    t = _Transfers(ctx)
    try:
        _downloads(ctx, t)
        _resume(ctx, t)
        _uploads(ctx, t)
    finally:
        t.source.unlink(missing_ok=True)
    broken = [
        key
        for key, flags in t.exact.items()
        if not key.startswith("resume ") and not all(flags)
    ]
    if broken:
        ctx.notes.append(
            "**Downloads that were not byte-exact: " + ", ".join(broken) + "**"
        )
