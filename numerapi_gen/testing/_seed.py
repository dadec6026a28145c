"""Seeding: a factory that builds a populated :class:`~._world.World`.

One ``random.Random`` per seed drives everything, so equal seeds give equal
worlds: the account with five models, a dozen other users, 60 rounds per
tournament, submissions, scores, payouts, diagnostics, leaderboards, the
wallet and the dataset files (generated on first download).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from decimal import Decimal
from typing import Any

from ._datasets import dataset_factories, predictions_csv
from ._entities import (
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
    hex_digest,
    stable_uuid,
)
from ._records import (
    SCORE_DAYS,
    SCORE_NAMES,
    TARGETS,
    diagnostics_metrics,
    fill,
    floor_hour,
    leaderboard_entries,
    score_record,
    word_name,
)
from ._world import World

__all__ = ["seed_world"]

_ROUND_BASE = {CLASSIC: 1100, SIGNALS: 1000, CRYPTO: 900}


_N_ROUNDS = 60


_N_SUBMITTED_ROUNDS = 12


def _make_rounds(world: World, rng: random.Random) -> None:
    current_open = floor_hour(world.now) - dt.timedelta(hours=1)
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
                    target=TARGETS[tournament],
                    payout_factor=Decimal(rng.randint(5500, 9999)) / 10000,
                    stake_threshold=float(rng.choice((0, 0.01, 0.02))),
                    data_datestamp=int(open_time.strftime("%Y%m%d")),
                )
            )


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
            leaderboard_entries(
                world.seed, world.now, board, 40, start_rank=len(entries) + 1
            )
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
        days = min(SCORE_DAYS, elapsed)
        for name in SCORE_NAMES[model.tournament]:
            for day in range(1, days + 1):
                scores.append(
                    score_record(rng, world.now, rnd, submission_id, name, day, model)
                )
    world.submission_scores[model.id] = scores


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


def seed_world(
    seed: int = 0,
    *,
    now: dt.datetime | None = None,
    public_id: str = "FAKEPUBLICID",
    username: str | None = None,
) -> World:
    """A populated world, identical for equal ``seed``/``now``/``public_id``.

    ``now`` is the world's clock at creation (default: the current time);
    ``username`` names the account (default: derived from the seed).
    """
    rng = random.Random(f"seed-{seed}")
    moment = (now or dt.datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    name = (username or word_name(rng)).lower()
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
        model = world.add_model(model_name, tournament, username=name)
        model.stake = stake
    others: list[str] = []
    while len(others) < 12:
        candidate = word_name(rng)
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
                world.add_model(model_name, tournament, username=other)

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
