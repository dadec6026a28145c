"""Case 4: a large result to a typed one: a 20,000-entry leaderboard and
5,000 submission scores (one call each, after a small warm-up call, in a
fresh process per run)."""

from __future__ import annotations

import functools
import statistics
from typing import Any

from ._context import Context
from ._report import Row

CASE = "4. large results"


def _series(ctx: Context, task: str, what: str, **params: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {"ours": [], "numerapi": [], "raw": []}
    for rep in range(ctx.settings.repeat):
        ctx.say(f"  {task}: repetition {rep + 1}/{ctx.settings.repeat}")
        for client in found:
            done = ctx.attempt(
                f"{what} ({client})",
                functools.partial(ctx.task, task, client=client, **params),
            )
            if done is not None:
                found[client].append(done)
    return found


def _rows(ctx: Context, what: str, found: dict[str, list[Any]]) -> None:
    ours, theirs, raw = found["ours"], found["numerapi"], found["raw"]
    if ours and theirs:
        ctx.rows.append(
            Row(
                CASE,
                f"{what} → typed result: time",
                "s",
                [r["seconds"] for r, _ in ours],
                "numerapi",
                [r["seconds"] for r, _ in theirs],
            )
        )
        ctx.rows.append(
            Row(
                CASE,
                f"{what}: client CPU time (no server share)",
                "s",
                [r["cpu"] for r, _ in ours],
                "numerapi",
                [r["cpu"] for r, _ in theirs],
            )
        )
        full = [r["full_collections"] for r, _ in ours + theirs]
        ctx.rows.append(
            Row(
                CASE,
                f"{what}: garbage collection inside the call "
                f"(full passes per call: ours {_spread(full[: len(ours)])}, "
                f"numerapi {_spread(full[len(ours) :])})",
                "s",
                [r["gc"] for r, _ in ours],
                "numerapi",
                [r["gc"] for r, _ in theirs],
            )
        )
        ctx.rows.append(
            Row(
                CASE,
                f"{what}: peak RSS of the process",
                "MiB",
                [m.peak_rss_mib for _, m in ours],
                "numerapi",
                [m.peak_rss_mib for _, m in theirs],
            )
        )
    if raw:
        size = statistics.median(r["bytes"] for r, _ in raw)
        ctx.rows.append(
            Row(
                CASE,
                f"floor: {what}, raw POST, body read, not parsed "
                f"({size / 2**20:.1f} MiB of JSON)",
                "s",
                [r["seconds"] for r, _ in raw],
                subject="http.client",
            )
        )


def _spread(counts: list[int]) -> str:
    low, high = min(counts, default=0), max(counts, default=0)
    return str(low) if low == high else f"{low}-{high}"


def run_case(ctx: Context) -> None:
    limit, count = ctx.settings.leaderboard, ctx.settings.scores
    board = f"leaderboard of {limit:,} (`get_leaderboard`)"
    _rows(ctx, board, _series(ctx, "leaderboard", board, limit=limit))
    scores = f"{count:,} submission scores (`submission_scores`)"
    model_id = ctx.server.info["scores_model_id"]
    found = _series(ctx, "scores", scores, model_id=model_id, count=count)
    _rows(ctx, scores, found)
