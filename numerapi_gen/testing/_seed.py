"""Deterministic seed content for :class:`~._world.World`.

One ``random.Random`` per seed drives everything, so equal seeds give equal
worlds. Record dicts are filled from the packaged schema (every scalar field
of the GraphQL type gets a plausible value by its type and name) and then the
fields that carry meaning are overridden, so any selection a client makes is
answered with non-null data.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from decimal import Decimal
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    is_list_type,
)

from ._datasets import dataset_factories, predictions_csv
from ._world import (
    CLASSIC,
    CRYPTO,
    SIGNALS,
    UTC,
    ApiToken,
    DatasetFile,
    Diagnostics,
    Model,
    Round,
    Submission,
    User,
    World,
    hex_digest,
    stable_uuid,
)

__all__ = ["populate"]

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
_SCORE_NAMES = {
    CLASSIC: ("v2_corr20", "mmc", "bmc"),
    SIGNALS: ("corr20", "mmc", "ic"),
    CRYPTO: ("corr", "mmc"),
}
_TARGETS = {CLASSIC: "target_cyrusd_20", SIGNALS: "target_20d", CRYPTO: "target"}
_ROUND_BASE = {CLASSIC: 1100, SIGNALS: 1000, CRYPTO: 900}
_N_ROUNDS = 60
_N_SUBMITTED_ROUNDS = 12
_SCORE_DAYS = 20


def _word_name(rng: random.Random) -> str:
    return f"{rng.choice(_WORDS_A)}{rng.choice(_WORDS_B)}"


def _fields(type_name: str) -> dict[str, Any]:
    from ._graphql import get_schema

    gql_type = get_schema().type_map[type_name]
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
            return f"https://numer.ai/{_word_name(rng)}"
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


def _floor_hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _make_rounds(world: World, rng: random.Random) -> None:
    current_open = _floor_hour(world.now) - dt.timedelta(hours=1)
    for tournament in (CLASSIC, SIGNALS, CRYPTO):
        top = _ROUND_BASE[tournament] + rng.randint(0, 60)
        for back in range(_N_ROUNDS):
            open_time = current_open - dt.timedelta(days=back)
            close = open_time + dt.timedelta(hours=23)
            world.rounds.append(
                Round(
                    id=stable_uuid("round", world.seed, tournament, top - back),
                    tournament=tournament,
                    number=top - back,
                    open_time=open_time,
                    close_staking_time=close,
                    close_time=close,
                    score_time=close + dt.timedelta(days=2),
                    resolve_time=open_time + dt.timedelta(days=32),
                    target=_TARGETS[tournament],
                    payout_factor=Decimal(rng.randint(5500, 9999)) / 10000,
                    stake_threshold=float(rng.choice((0, 0.01, 0.02))),
                    data_datestamp=int(open_time.strftime("%Y%m%d")),
                )
            )


def new_model(world: World, name: str, tournament: int, username: str) -> Model:
    """Create and register a model with reps and 30 days of performances."""
    rng = random.Random(f"model-{world.seed}-{tournament}-{name}")
    if username not in world.users:
        world.users[username] = _new_user(world, rng, username)
    model = Model(
        id=stable_uuid("model", world.seed, tournament, name),
        name=name,
        tournament=tournament,
        username=username,
        inserted_at=world.now - dt.timedelta(days=rng.randint(60, 1500)),
        stake=Decimal(rng.randint(0, 200_000)) / 100,
        stake_status="confirmed",
        bio=f"{name}: gradient boosted trees on the {_TARGETS[tournament]} target",
        link_text=f"{name} on GitHub",
        link_url=f"https://github.com/{username}/{name}",
    )
    model.stake_tx_hash = hex_digest("stake", model.id)
    model.reps = fill(rng, "ModelProfile", world.now)
    model.daily_performances = [
        fill(
            rng,
            "DailyModelPerformance",
            world.now,
            date=_floor_hour(world.now).replace(hour=0) - dt.timedelta(days=day),
        )
        for day in range(30, 0, -1)
    ]
    world.models[model.id] = model
    return model


def _new_user(world: World, rng: random.Random, username: str) -> User:
    return User(
        id=stable_uuid("user", world.seed, username),
        username=username,
        inserted_at=world.now - dt.timedelta(days=rng.randint(90, 2500)),
        display_name=username,
        bio=f"{username} builds models for fun",
        location=rng.choice(("Berlin", "Tokyo", "New York", "Lagos", "Lima", None)),
        wallet_address=hex_digest("wallet", world.seed, username, length=40),
    )


def leaderboard_entries(
    world: World, board: str, count: int, *, start_rank: int
) -> list[dict[str, Any]]:
    """``count`` synthetic leaderboard rows ranked from ``start_rank``."""
    type_name = {
        "classic": "V2LeaderboardEntry",
        "signals": "SignalsLeaderboardEntry",
        "crypto": "CryptosignalsLeaderboardEntry",
        "account": "AccountLeaderboardEntry",
    }[board]
    rng = random.Random(f"board-{world.seed}-{board}-{start_rank}")
    entries = []
    for offset in range(count):
        rank = start_rank + offset
        username = f"{_word_name(rng)}_{rank}"
        entries.append(
            fill(
                rng,
                type_name,
                world.now,
                username=username,
                displayName=username,
                rank=rank,
                id=stable_uuid(board, world.seed, rank),
                profileUrl=f"https://numer.ai/{username}",
                team=False,
            )
        )
    return entries


def _model_entry(
    world: World, model: Model, type_name: str, rank: int
) -> dict[str, Any]:
    rng = random.Random(f"entry-{model.id}")
    return fill(
        rng,
        type_name,
        world.now,
        username=model.name,
        id=model.id,
        rank=rank,
        nmrStaked=model.stake,
        profileUrl=f"https://numer.ai/{model.name}",
        team=False,
        isActive=True,
        **{k: v for k, v in model.reps.items() if k.endswith("Rep")},
    )


def _make_leaderboards(world: World) -> None:
    for board, tournament, type_name in (
        ("classic", CLASSIC, "V2LeaderboardEntry"),
        ("signals", SIGNALS, "SignalsLeaderboardEntry"),
        ("crypto", CRYPTO, "CryptosignalsLeaderboardEntry"),
    ):
        models = sorted(
            (m for m in world.models.values() if m.tournament == tournament),
            key=lambda m: (-m.stake, m.name),
        )
        entries = [
            _model_entry(world, m, type_name, rank) for rank, m in enumerate(models, 1)
        ]
        world.leaderboards[board] = entries
        world.leaderboards[board].extend(
            leaderboard_entries(world, board, 40, start_rank=len(entries) + 1)
        )
    for tournament in (CLASSIC, SIGNALS, CRYPTO):
        rng = random.Random(f"accounts-{world.seed}-{tournament}")
        users = sorted(world.users.values(), key=lambda u: u.username)
        rows = []
        for user in users:
            staked = sum(
                (
                    m.stake
                    for m in world.models.values()
                    if m.username == user.username and m.tournament == tournament
                ),
                Decimal(0),
            )
            rows.append(
                fill(
                    rng,
                    "AccountLeaderboardEntry",
                    world.now,
                    username=user.username,
                    displayName=user.display_name,
                    id=user.id,
                    nmrStaked=staked,
                    team=False,
                    bio=user.bio,
                    profileUrl=f"https://numer.ai/~{user.username}",
                )
            )
        rows.sort(key=lambda r: (-r["nmrStaked"], r["username"]))
        for rank, row in enumerate(rows, 1):
            row["rank"] = rank
        # The real API formats big amounts with thousands separators.
        if rows:
            rows[0]["nmrStaked"] = "12,345.678900000000000000"
        world.account_leaderboards[tournament] = rows


def _score_record(
    rng: random.Random,
    world: World,
    rnd: Round,
    submission_id: str | None,
    name: str,
    day: int,
    model: Model,
) -> dict[str, Any]:
    when = rnd.close_staking_time + dt.timedelta(days=day)
    resolved = rnd.resolved(world.now)
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


def _make_submissions_and_scores(world: World, model: Model) -> None:
    rng = random.Random(f"subs-{model.id}")
    recent = world.rounds_of(model.tournament)
    # Every recent round, then a sparser history that includes resolved rounds.
    rounds = recent[1 : _N_SUBMITTED_ROUNDS + 1] + recent[_N_SUBMITTED_ROUNDS + 2 :: 4]
    kind = {CLASSIC: "classic", SIGNALS: "signals", CRYPTO: "crypto"}[model.tournament]
    scores: list[dict[str, Any]] = []
    for rnd in reversed(rounds):
        attempts = 2 if rng.random() < 0.25 else 1
        submission_id = ""
        for attempt in range(attempts):
            submission_id = stable_uuid("seed-submission", model.id, rnd.id, attempt)
            filename = f"{model.name}_r{rnd.number}_{attempt}.csv"
            blob_key = f"submissions/{submission_id}/{filename}"
            world.blobs.add_lazy(
                blob_key,
                functools.partial(predictions_csv, submission_id, kind),
            )
            world.submissions[submission_id] = Submission(
                id=submission_id,
                model_id=model.id,
                tournament=model.tournament,
                round_id=rnd.id,
                filename=filename,
                blob_key=blob_key,
                inserted_at=rnd.open_time + dt.timedelta(minutes=20 + 15 * attempt),
                selected=attempt == attempts - 1,
                source="numerapi",
                data_datestamp=rnd.data_datestamp,
            )
        elapsed = (world.now - rnd.close_staking_time).days
        days = min(_SCORE_DAYS, elapsed)
        for name in _SCORE_NAMES[model.tournament]:
            for day in range(1, days + 1):
                scores.append(
                    _score_record(rng, world, rnd, submission_id, name, day, model)
                )
    world.submission_scores[model.id] = scores


def extra_submission_scores(
    world: World, model: Model, count: int
) -> list[dict[str, Any]]:
    """``count`` more daily score records spread over the model's rounds."""
    rng = random.Random(
        f"extra-scores-{model.id}-{len(world.submission_scores.get(model.id, ()))}"
    )
    rounds = world.rounds_of(model.tournament)[1:] or world.rounds_of(model.tournament)
    names = _SCORE_NAMES[model.tournament]
    records = []
    for index in range(count):
        rnd = rounds[index % len(rounds)]
        name = names[(index // len(rounds)) % len(names)]
        day = 1 + (index // (len(rounds) * len(names))) % _SCORE_DAYS
        records.append(_score_record(rng, world, rnd, None, name, day, model))
    return records


def _make_payouts(world: World, model: Model) -> None:
    rng = random.Random(f"payouts-{model.id}")
    rows = []
    submitted = {
        s.round_id for s in world.submissions.values() if s.model_id == model.id
    }
    for rnd in world.rounds_of(model.tournament):
        if rnd.id not in submitted:
            continue
        nmr = (model.stake * Decimal(str(round(rng.uniform(-0.05, 0.08), 4)))).quantize(
            Decimal("0.000001")
        )
        rows.append(
            {
                "roundId": rnd.id,
                "roundNumber": rnd.number,
                "roundResolveTime": rnd.resolve_time.date(),
                "modelId": model.id,
                "modelName": model.name,
                "modelDisplayName": model.name,
                "payoutNmr": nmr,
                "payoutValue": (nmr * Decimal("8.42")).quantize(Decimal("0.01")),
                "currencySymbol": "$",
                "_tournament": rnd.tournament,
                "_resolved": rnd.resolved(world.now),
            }
        )
    world.payouts[model.id] = rows


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


def _make_diagnostics(world: World, model: Model) -> None:
    rng = random.Random(f"diagnostics-{model.id}")
    for index in range(2):
        diag_id = stable_uuid("seed-diagnostics", model.id, index)
        metrics, per_era = diagnostics_metrics(rng)
        world.diagnostics[diag_id] = Diagnostics(
            id=diag_id,
            model_id=model.id,
            tournament=model.tournament,
            filename=f"{model.name}_validation_{index}.csv",
            inserted_at=world.now - dt.timedelta(days=10 * (index + 1)),
            status="done",
            message=None,
            metrics=metrics,
            per_era=per_era,
        )


def _make_wallet(world: World, rng: random.Random) -> None:
    account = world.account
    kinds = ("deposit", "withdrawal", "payout", "stake", "release")
    rows: list[dict[str, Any]] = []
    for index in range(10):
        kind = kinds[index % len(kinds)]
        outgoing = kind in ("withdrawal", "stake")
        other = hex_digest("counterparty", world.seed, index, length=40)
        rows.append(
            {
                "amount": Decimal(rng.randint(100, 20_000)) / 100,
                "from": account.wallet_address if outgoing else other,
                "to": other if outgoing else account.wallet_address,
                "status": "confirmed",
                "time": world.now
                - dt.timedelta(days=7 * index + 1, hours=rng.randint(0, 23)),
                "tournament": CLASSIC if index % 3 else SIGNALS,
                "txHash": hex_digest("tx", world.seed, index),
                "type": kind,
            }
        )
    # The real API formats big amounts with thousands separators.
    rows[0]["amount"] = "1,234.500000000000000000"
    account.wallet_txns = rows


def populate(
    *, seed: int, now: dt.datetime | None, public_id: str, username: str | None
) -> World:
    """Build the seed world (see the module docstring)."""
    rng = random.Random(f"seed-{seed}")
    moment = (now or dt.datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    name = (username or _word_name(rng)).lower()
    account = User(
        id=stable_uuid("account", seed, name),
        username=name,
        inserted_at=moment - dt.timedelta(days=900),
        email=f"{name}@example.com",
        display_name=name,
        bio="Fake account served by numerapi_gen.testing",
        available_nmr=Decimal("1234.5"),
        wallet_address=hex_digest("wallet", seed, name, length=40),
        api_tokens=[
            ApiToken(
                name="fake-numerai",
                public_id=public_id,
                scopes=[
                    "upload_submission",
                    "stake",
                    "read_submission_info",
                    "read_user_info",
                ],
            )
        ],
    )
    world = World(seed=seed, now=moment, account=account)
    _make_rounds(world, rng)

    own = [
        (name, CLASSIC, Decimal("12.5")),
        (f"{name}_2", CLASSIC, Decimal("1500.25")),
        (f"{name}_lgbm", CLASSIC, Decimal(0)),
        (f"{name}_signals", SIGNALS, Decimal("30")),
        (f"{name}_crypto", CRYPTO, Decimal("5")),
    ]
    for model_name, tournament, stake in own:
        model = new_model(world, model_name, tournament, name)
        model.stake = stake
    others: list[str] = []
    while len(others) < 12:
        candidate = _word_name(rng)
        if candidate != name and candidate not in others:
            others.append(candidate)
    for other in others:
        tournaments = [
            CLASSIC,
            *rng.sample([CLASSIC, SIGNALS, CRYPTO], rng.randint(0, 2)),
        ]
        for index, tournament in enumerate(tournaments):
            model_name = other if index == 0 else f"{other}_{index + 1}"
            if world.find_model_by_name(model_name, tournament) is None:
                new_model(world, model_name, tournament, other)

    for model in world.own_models():
        _make_submissions_and_scores(world, model)
        _make_payouts(world, model)
        if model.tournament == CLASSIC:
            _make_diagnostics(world, model)
    _make_leaderboards(world)
    _make_wallet(world, rng)

    for file_name, (tournament, factory) in dataset_factories(seed).items():
        key = f"datasets/{file_name}"
        world.blobs.add_lazy(key, factory)
        world.datasets[file_name] = DatasetFile(file_name, tournament, key)

    world.compute_data_versions = [
        {
            "id": stable_uuid("data-version", version),
            "name": version,
            "version": version.lstrip("v"),
            "type": "classic",
            "default": version == "v5.0",
            "deprecated": version == "v4.3",
            "experimental": False,
        }
        for version in ("v5.0", "v4.3")
    ]
    world.compute_docker_images = [
        {
            "id": stable_uuid("docker-image", tag),
            "name": f"Python {tag}",
            "image": "numerai/numerai_predict_py",
            "tag": tag,
            "default": tag == "3.12",
            "deprecated": False,
            "experimental": False,
            "insertedAt": moment - dt.timedelta(days=200),
        }
        for tag in ("3.12", "3.11", "3.10")
    ]
    world.v3_stake_config = {
        "address": hex_digest("staking-contract", length=40),
        "authorizationSigner": hex_digest("signer", length=40),
        "nmrAddress": "0x1776e1F26f98b1A5dF9cD347953a26dd3Cb46671",
        "owner": hex_digest("owner", length=40),
        "paused": False,
        "pendingOwner": hex_digest("pending-owner", length=40),
        "serviceWallet": hex_digest("service-wallet", length=40),
    }
    return world
