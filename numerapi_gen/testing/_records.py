"""Generated record content for a fake world: names, reps, scores, entries.

Record dicts are filled from the packaged schema (every scalar field of the
GraphQL type gets a plausible value by its type and name) and then the fields
that carry meaning are overridden, so any selection a client makes is
answered with non-null data. Each function takes its own ``random.Random``
or derives one from its arguments, so equal inputs give equal records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Container, Sequence
from decimal import Decimal
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    is_list_type,
)

from ._entities import (
    CLASSIC,
    CRYPTO,
    SIGNALS,
    UTC,
    Model,
    Round,
    User,
    hex_digest,
    stable_uuid,
)
from ._schema import load_schema

__all__ = [
    "SCORE_DAYS",
    "SCORE_NAMES",
    "TARGETS",
    "diagnostics_metrics",
    "extra_submission_scores",
    "fill",
    "floor_hour",
    "leaderboard_entries",
    "new_model",
    "score_record",
    "word_name",
]

_WORDS_A = (
    "quiet",
    "silver",
    "brave",
    "lucky",
    "swift",
    "hidden",
    "amber",
    "crimson",
    "gentle",
    "lunar",
    "rapid",
    "solar",
    "tidal",
    "velvet",
    "wild",
    "zen",
    "cobalt",
    "misty",
)


_WORDS_B = (
    "lion",
    "falcon",
    "otter",
    "quant",
    "walrus",
    "badger",
    "heron",
    "lynx",
    "orca",
    "panda",
    "raven",
    "tiger",
    "yak",
    "koala",
    "mantis",
    "bison",
    "gecko",
    "ibis",
)


_TITLES = ("Grandmaster", "Master", "Expert", "Rookie", None)


SCORE_NAMES = {
    CLASSIC: ("v2_corr20", "mmc", "bmc"),
    SIGNALS: ("corr20", "mmc", "ic"),
    CRYPTO: ("corr", "mmc"),
}


TARGETS = {CLASSIC: "target_cyrusd_20", SIGNALS: "target_20d", CRYPTO: "target"}


SCORE_DAYS = 20


def word_name(rng: random.Random) -> str:
    return f"{rng.choice(_WORDS_A)}{rng.choice(_WORDS_B)}"


def _fields(type_name: str) -> dict[str, Any]:
    gql_type = load_schema().type_map[type_name]
    assert isinstance(gql_type, GraphQLObjectType)
    return dict(gql_type.fields)


_FIELD_CACHE: dict[str, list[tuple[str, str, bool]]] = {}


def _scalar_fields(type_name: str) -> list[tuple[str, str, bool]]:
    """(field name, named type name, is list) of every scalar/enum field."""
    cached = _FIELD_CACHE.get(type_name)
    if cached is None:
        cached = []
        for name, gql_field in _fields(type_name).items():
            named = get_named_type(gql_field.type)
            if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
                cached.append((name, named.name, is_list_type(gql_field.type)))
        _FIELD_CACHE[type_name] = cached
    return cached


def _float(rng: random.Random, name: str) -> float:
    key = name.lower()
    if "percentile" in key or "rating" in key:
        value = rng.uniform(0.0, 1.0)
    elif key.startswith("return") or "return" in key:
        value = rng.uniform(-0.4, 1.2)
    elif "sharpe" in key:
        value = rng.uniform(-0.5, 2.5)
    elif "drawdown" in key:
        value = -rng.uniform(0.0, 0.2)
    elif "std" in key:
        value = rng.uniform(0.005, 0.05)
    elif key == "apy":
        value = rng.uniform(-20.0, 80.0)
    elif "multiplier" in key:
        value = rng.choice((0.0, 0.5, 1.0, 2.0, 3.0))
    else:
        value = rng.uniform(-0.03, 0.06)
    return round(value, 6)


def _int(rng: random.Random, name: str) -> int:
    key = name.lower()
    if "rankchange" in key:
        return rng.randint(-200, 200)
    if key.endswith("rank") or key.startswith("rank") or "rank" in key:
        return rng.randint(1, 4000)
    if "count" in key:
        return rng.randint(1, 500)
    return rng.randint(0, 100)


def _scalar(rng: random.Random, name: str, type_name: str, now: dt.datetime) -> Any:
    if type_name == "Float":
        return _float(rng, name)
    if type_name == "Int":
        return _int(rng, name)
    if type_name == "Boolean":
        return name.lower() not in ("team", "hidden", "archived") and rng.random() < 0.7
    if type_name == "ID":
        return str(_uuid(rng))
    if type_name in ("Nmr", "Usd"):
        return Decimal(rng.randint(0, 50_000)) / 100
    if type_name == "Time":
        return now - dt.timedelta(seconds=rng.randint(0, 365 * 86400))
    if type_name == "Date":
        return (now - dt.timedelta(days=rng.randint(0, 365))).date()
    if type_name == "String":
        lowered = name.lower()
        if "title" in lowered:
            return rng.choice(_TITLES) or "Rookie"
        if lowered.endswith("url"):
            return f"https://numer.ai/{word_name(rng)}"
        return f"{name}-{rng.randint(100, 999)}"
    return None


def _uuid(rng: random.Random) -> str:
    return stable_uuid(rng.getrandbits(64), rng.getrandbits(64))


def fill(
    rng: random.Random, type_name: str, now: dt.datetime, **overrides: Any
) -> dict[str, Any]:
    """A record for GraphQL type ``type_name``: every scalar field, then overrides."""
    record: dict[str, Any] = {}
    for name, scalar, is_list in _scalar_fields(type_name):
        if name in overrides or is_list:
            continue
        record[name] = _scalar(rng, name, scalar, now)
    record.update(overrides)
    return record


def floor_hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def diagnostics_metrics(
    rng: random.Random,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The floats of a finished diagnostics run and its per-era rows."""
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    metrics = {
        name: value
        for name, value in fill(rng, "V2Diagnostics", now).items()
        if name.startswith("validation")
        or name.endswith("Mean")
        or name.endswith("Count")
    }
    metrics["trainedOnVal"] = False
    metrics["erasAcceptedCount"] = 48
    per_era = [
        fill(rng, "V2DiagnosticsEras", now, era=f"{1100 + 4 * index:04d}")
        for index in range(48)
    ]
    return metrics, per_era


def new_model(
    seed: int,
    now: dt.datetime,
    name: str,
    tournament: int,
    username: str,
    known_users: Container[str],
) -> tuple[Model, User | None]:
    """A model with reps and 30 days of performances, and its owner's
    :class:`User` when ``username`` is not among ``known_users``."""
    rng = random.Random(f"model-{seed}-{tournament}-{name}")
    owner = None
    if username not in known_users:
        owner = _new_user(seed, now, rng, username)
    model = Model(
        id=stable_uuid("model", seed, tournament, name),
        name=name,
        tournament=tournament,
        username=username,
        inserted_at=now - dt.timedelta(days=rng.randint(60, 1500)),
        stake=Decimal(rng.randint(0, 200_000)) / 100,
        stake_status="confirmed",
        bio=f"{name}: gradient boosted trees on the {TARGETS[tournament]} target",
        link_text=f"{name} on GitHub",
        link_url=f"https://github.com/{username}/{name}",
    )
    model.stake_tx_hash = hex_digest("stake", model.id)
    model.reps = fill(rng, "ModelProfile", now)
    model.daily_performances = [
        fill(
            rng,
            "DailyModelPerformance",
            now,
            date=floor_hour(now).replace(hour=0) - dt.timedelta(days=day),
        )
        for day in range(30, 0, -1)
    ]
    return model, owner


def _new_user(seed: int, now: dt.datetime, rng: random.Random, username: str) -> User:
    return User(
        id=stable_uuid("user", seed, username),
        username=username,
        inserted_at=now - dt.timedelta(days=rng.randint(90, 2500)),
        display_name=username,
        bio=f"{username} builds models for fun",
        location=rng.choice(("Berlin", "Tokyo", "New York", "Lagos", "Lima", None)),
        wallet_address=hex_digest("wallet", seed, username, length=40),
    )


def leaderboard_entries(
    seed: int, now: dt.datetime, board: str, count: int, *, start_rank: int
) -> list[dict[str, Any]]:
    """``count`` synthetic leaderboard rows ranked from ``start_rank``."""
    type_name = {
        "classic": "V2LeaderboardEntry",
        "signals": "SignalsLeaderboardEntry",
        "crypto": "CryptosignalsLeaderboardEntry",
        "account": "AccountLeaderboardEntry",
    }[board]
    rng = random.Random(f"board-{seed}-{board}-{start_rank}")
    entries = []
    for offset in range(count):
        rank = start_rank + offset
        username = f"{word_name(rng)}_{rank}"
        entries.append(
            fill(
                rng,
                type_name,
                now,
                username=username,
                displayName=username,
                rank=rank,
                id=stable_uuid(board, seed, rank),
                profileUrl=f"https://numer.ai/{username}",
                team=False,
            )
        )
    return entries


def score_record(
    rng: random.Random,
    now: dt.datetime,
    rnd: Round,
    submission_id: str | None,
    name: str,
    day: int,
    model: Model,
) -> dict[str, Any]:
    """One daily score of ``model`` in ``rnd`` (a ``RoundSubmissionPerformance``)."""
    when = rnd.close_staking_time + dt.timedelta(days=day)
    resolved = rnd.resolved(now)
    value = round(rng.uniform(-0.04, 0.06), 6)
    settled = resolved and model.stake > 0
    payout = (model.stake * Decimal(str(value)) * rnd.payout_factor).quantize(
        Decimal("0.000001")
    )
    return {
        "roundId": rnd.id,
        "roundNumber": rnd.number,
        "roundResolveTime": rnd.resolve_time,
        "roundScoreTime": rnd.score_time,
        "roundCloseStakingTime": rnd.close_staking_time,
        "submissionId": submission_id,
        "displayName": name,
        "version": "v2" if name.startswith("v2") else "v1",
        "value": value,
        "percentile": round(rng.uniform(0, 1), 6),
        "date": when,
        "day": day,
        "resolveDate": rnd.resolve_time,
        "resolved": resolved,
        "payoutPending": Decimal(0) if settled else payout,
        "payoutSettled": payout if settled else Decimal(0),
        "_tournament": rnd.tournament,
    }


def extra_submission_scores(
    model: Model, rounds: Sequence[Round], now: dt.datetime, existing: int, count: int
) -> list[dict[str, Any]]:
    """``count`` more daily score records spread over ``rounds`` (newest
    first; the open one is skipped), after ``existing`` records."""
    rng = random.Random(f"extra-scores-{model.id}-{existing}")
    rounds = rounds[1:] or rounds
    names = SCORE_NAMES[model.tournament]
    records = []
    for index in range(count):
        rnd = rounds[index % len(rounds)]
        name = names[(index // len(rounds)) % len(names)]
        day = 1 + (index // (len(rounds) * len(names))) % SCORE_DAYS
        records.append(score_record(rng, now, rnd, None, name, day, model))
    return records
