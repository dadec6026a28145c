"""Fake-server support for the participant operations beyond numerapi's.

API tokens, Compute pickles and their run logs, round details, overviews,
prices, seasons, the stake history and the model, stake and account
mutations. Derived figures (histories, overviews, round details) are computed
from the seeded world with a random generator seeded by the world's seed and
the record's id, so equal worlds answer equally and a reset world starts over.
Importing this module registers its resolvers.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from ._entities import (
    CLASSIC,
    CRYPTO,
    SIGNALS,
    ApiToken,
    ComputePickleUpload,
    Model,
    Round,
    StakeRequest,
    WorldError,
    hex_digest,
    stable_uuid,
)
from ._records import fill
from ._resolvers import (
    _base_url,
    _model_or_error,
    _world,
    mutation,
    pickle_view,
    query,
    round_view,
    stake_request_view,
)
from ._world import World

__all__ = [
    "ACCOUNT_PASSWORD",
    "API_TOKEN_SCOPES",
    "NMR_PRICE_USD",
    "add_pickle",
    "run_pickle",
]

#: The account password ``createApiToken`` expects (any other is refused).
ACCOUNT_PASSWORD = "fake-account-password"
#: The NMR price every price query agrees on.
NMR_PRICE_USD = Decimal("8.42")
#: Prices in USD of the symbols ``latestCurrencyPrice`` knows.
_USD_PRICES = {
    "NMR": NMR_PRICE_USD,
    "USD": Decimal(1),
    "USDC": Decimal("0.9998"),
    "ETH": Decimal("3120.55"),
    "BTC": Decimal("97250.10"),
}
API_TOKEN_SCOPES = {
    "upload_submission": "Upload predictions and diagnostics, and models",
    "stake": "Change stakes and payout choices",
    "read_submission_info": "Read submissions, scores and diagnostics",
    "read_user_info": "Read the account, its models and wallet",
    "compute": "Manage Numerai Compute pickles and runs",
}
_OVERVIEW_DAYS = 30
_SEASON_TIERS = ("Grandmaster", "Master", "Expert")
_MEDALS = ("gold", "silver", "bronze")


def _rng(world: World, *parts: object) -> random.Random:
    return random.Random("-".join(str(p) for p in ("participant", world.seed, *parts)))


def _price_text(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.000001")).normalize(), "f")


def _updated(world: World) -> str:
    return world.clock().strftime("%Y-%m-%dT%H:%M:%SZ")


def _own_pickle(world: World, pickle_id: str) -> ComputePickleUpload:
    record = world.compute_pickle_uploads.get(pickle_id)
    own = {m.id for m in world.own_models()}
    if record is None or (record.model_id is not None and record.model_id not in own):
        raise WorldError(f"Pickle not found: {pickle_id}")
    return record


def add_pickle(
    world: World, model_id: str | None, filename: str = "model.pkl"
) -> ComputePickleUpload:
    """Register a validated pickle (as if uploaded earlier), assigned or not.

    For tests of Compute pickle handling without an upload first: ``model_id``
    None leaves the pickle unassigned (``compute_pickles(unassigned=True)``).
    """
    with world.lock:
        model = world.own_model(model_id) if model_id else None
        number = len(world.compute_pickle_uploads)
        key = f"models/{stable_uuid('pickle-blob', world.seed, number)}/{filename}"
        world.blobs.add_bytes(key, b"\x80\x05fake pickle " + key.encode())
        record = ComputePickleUpload(
            id=stable_uuid("pickle", world.seed, number, filename),
            model_id=model.id if model else None,
            tournament=model.tournament if model else CLASSIC,
            filename=filename,
            inserted_at=world.clock(),
            upload_key=key,
            data_version_id=world.compute_data_versions[0]["id"],
            docker_image_id=world.compute_docker_images[0]["id"],
            validation_status="validated",
        )
        world.compute_pickle_uploads[record.id] = record
        if model is not None:
            model.compute_pickle_upload_id = record.id
            model.compute_enabled = True
        return record


def run_pickle(
    world: World, record: ComputePickleUpload, model: Model, validation: bool
) -> dict[str, Any]:
    """A finished Compute run of ``record``, with its log lines."""
    now = world.clock()
    trigger_id = stable_uuid("trigger", record.id, len(record.triggers))
    kind = "validation" if validation else "submission"
    start = int(now.timestamp())
    logs = [
        {"timestamp": start, "message": f"Starting {kind} run of {record.filename}"},
        {"timestamp": start + 4, "message": "Loaded live features"},
        {"timestamp": start + 9, "message": f"Predictions made for model {model.name}"},
        {"timestamp": start + 11, "message": "Run finished"},
    ]
    rnd = world.current_round(model.tournament)
    trigger = {
        "id": trigger_id,
        "computePickleUploadId": record.id,
        "type": kind,
        "status": "succeeded",
        "roundId": rnd.id if rnd else None,
        "submissionId": None
        if validation
        else stable_uuid("compute-submission", record.id, len(record.triggers)),
        "insertedAt": now,
        "updatedAt": now,
        "statuses": [],
        "_logs": logs,
    }
    record.triggers.append(trigger)
    record.trigger_status = "succeeded"
    if validation:
        record.validation_status = "validated"
    return trigger


# -- API tokens --------


@query("apiTokenScopes")
def resolve_api_token_scopes(info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return [
        {"name": name, "description": text} for name, text in API_TOKEN_SCOPES.items()
    ]


@mutation("createApiToken")
def resolve_create_api_token(
    info: GraphQLResolveInfo,
    name: str,
    password: str,
    scopes: list[str | None],
    code: str | None = None,
) -> dict[str, Any]:
    world = _world(info)
    if password != ACCOUNT_PASSWORD:
        raise WorldError("Invalid password")
    if world.account.mfa_enabled and not code:
        raise WorldError("An MFA code is required")
    unknown = [s for s in scopes if s not in API_TOKEN_SCOPES]
    if unknown or not scopes:
        raise WorldError(f"Invalid scopes: {unknown or scopes}")
    with world.lock:
        number = len(world.account.api_tokens)
        public_id = hex_digest("token", world.seed, number, name, length=32).upper()
        token = ApiToken(
            name=name, public_id=public_id, scopes=[str(s) for s in scopes]
        )
        world.account.api_tokens.append(token)
    secret = hex_digest("token-secret", world.seed, public_id, length=64).upper()
    return {
        "name": token.name,
        "publicId": token.public_id,
        "scopes": list(token.scopes),
        "secretKey": secret,
    }


@mutation("revokeApiToken")
def resolve_revoke_api_token(info: GraphQLResolveInfo, publicId: str) -> dict[str, Any]:
    world = _world(info)
    with world.lock:
        tokens = world.account.api_tokens
        token = next((t for t in tokens if t.public_id == publicId), None)
        if token is None:
            raise WorldError(f"API token not found: {publicId}")
        tokens.remove(token)
    return {"name": token.name, "publicId": token.public_id, "scopes": token.scopes}


# -- Compute pickles --------


@query("computePickleDownloadAuth", auth=True)
def resolve_compute_pickle_download_auth(
    info: GraphQLResolveInfo, modelId: str, pickleId: str | None = None
) -> dict[str, Any]:
    world = _world(info)
    model = world.own_model(modelId)
    chosen = pickleId or model.compute_pickle_upload_id
    if chosen is None:
        raise WorldError(f"Model {model.name} has no pickle")
    record = _own_pickle(world, chosen)
    if record.upload_key is None or record.upload_key not in world.blobs:
        raise WorldError(f"Pickle {record.id} has no file")
    return {
        "filename": record.filename,
        "url": f"{_base_url(info)}files/{record.upload_key}",
        "accelerated": False,
        "countryCode": "US",
    }


def _logs(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"timestamp": r["timestamp"], "message": r["message"]} for r in records]


@query("triggerLogs", auth=True)
def resolve_trigger_logs(
    info: GraphQLResolveInfo, triggerId: str
) -> list[dict[str, Any]]:
    world = _world(info)
    own = {m.id for m in world.own_models()}
    for record in world.compute_pickle_uploads.values():
        if record.model_id is not None and record.model_id not in own:
            continue
        for trigger in record.triggers:
            if trigger["id"] == triggerId:
                return _logs(trigger["_logs"])
    raise WorldError(f"Trigger not found: {triggerId}")


@query("diagnosticsTriggerLogs", auth=True)
def resolve_diagnostics_trigger_logs(
    info: GraphQLResolveInfo, pickleId: str
) -> list[dict[str, Any]]:
    record = _own_pickle(_world(info), pickleId)
    rows: list[dict[str, Any]] = []
    for trigger in record.triggers:
        if trigger["type"] == "validation":
            rows.extend(_logs(trigger["_logs"]))
    return rows


@mutation("assignPickleToModel")
def resolve_assign_pickle_to_model(
    info: GraphQLResolveInfo, modelId: str | None = None, pickleId: str | None = None
) -> str:
    world = _world(info)
    if not modelId or not pickleId:
        raise WorldError("modelId and pickleId are required")
    with world.lock:
        model = world.own_model(modelId)
        record = _own_pickle(world, pickleId)
        record.model_id = model.id
        record.tournament = model.tournament
        model.compute_pickle_upload_id = record.id
        model.compute_enabled = True
    return "true"


@mutation("triggerComputePickleUpload")
def resolve_trigger_compute_pickle_upload(
    info: GraphQLResolveInfo,
    modelId: str | None = None,
    pickleId: str | None = None,
    triggerValidation: bool | None = False,
) -> dict[str, Any]:
    world = _world(info)
    with world.lock:
        model = world.own_model(modelId)
        record = _own_pickle(world, pickleId or model.compute_pickle_upload_id or "")
        run_pickle(world, record, model, bool(triggerValidation))
        return pickle_view(record, world)


@mutation("updatePickleLabel")
def resolve_update_pickle_label(
    info: GraphQLResolveInfo, pickleId: str, label: str | None = None
) -> dict[str, Any]:
    world = _world(info)
    with world.lock:
        record = _own_pickle(world, pickleId)
        record.label = label
        return pickle_view(record, world)


# -- rounds, tournaments, overviews --------


def _round_models(world: World, rnd: Round) -> list[dict[str, Any]]:
    rng = _rng(world, "round-models", rnd.id)
    rows = []
    for model in sorted(world.models.values(), key=lambda m: m.name):
        if model.tournament != rnd.tournament or model.archived:
            continue
        rows.append(
            fill(
                rng,
                "ModelData",
                world.now,
                id=model.id,
                roundId=rnd.id,
                modelName=model.name,
                profileUrl=f"https://numer.ai/{model.name}",
                team=False,
                computeEnabled=model.compute_enabled,
                selectedStakeValue=model.stake,
                payoutPending=Decimal(0),
                payoutSettled=(model.stake * Decimal("0.012")).quantize(
                    Decimal("0.01")
                ),
                corrMedal=rng.choice(_MEDALS),
                mmcMedal=rng.choice(_MEDALS),
                tcMedal=rng.choice(_MEDALS),
            )
        )
    return rows


def _histogram(rng: random.Random) -> dict[str, Any]:
    bins = [round(-0.1 + 0.02 * i, 2) for i in range(11)]
    return {"bins": bins, "counts": [rng.randint(5, 400) for _ in bins[:-1]]}


@query("roundDetails")
def resolve_round_details(
    info: GraphQLResolveInfo, roundNumber: int, tournament: int
) -> dict[str, Any] | None:
    world = _world(info)
    rnd = world.round_by_number(tournament, roundNumber)
    if rnd is None:
        return None
    now = world.clock()
    rng = _rng(world, "round-details", rnd.id)
    models = _round_models(world, rnd)
    at_stake = sum((m["selectedStakeValue"] for m in models), Decimal(0))
    view = round_view(rnd, world)
    payout = float(at_stake * Decimal("0.012"))
    return {
        "roundId": rnd.id,
        "roundNumber": rnd.number,
        "tournament": rnd.tournament,
        "roundTarget": rnd.target,
        "status": rnd.status(now).lower(),
        "isDaily": True,
        "openTime": rnd.open_time,
        "closeStakingTime": rnd.close_staking_time,
        "closeTime": rnd.close_time,
        "scoreTime": rnd.score_time,
        "scoresUpdatedTime": min(now, rnd.resolve_time),
        "roundResolveTime": rnd.resolve_time,
        "roundResolved": rnd.resolved(now),
        "payoutFactor": view["payoutFactor"],
        "totalAtStake": float(at_stake),
        "totalStakes": sum(1 for m in models if m["selectedStakeValue"] > 0),
        "totalSubmitted": len(models),
        "totalPayout": payout,
        "totalEarned": round(payout * 1.4, 2),
        "totalBurned": round(payout * 0.4, 2),
        "payoutMultipliers": [
            {"displayName": "corr", "multiplier": view["defaultCorrMultiplier"]},
            {"displayName": "mmc", "multiplier": view["defaultMmcMultiplier"]},
        ],
        "stakedHistogramData": _histogram(rng),
        "allHistogramData": _histogram(rng),
        "models": models,
    }


def _returns(rng: random.Random, with_day: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for span, low, high in (
        ("oneDay", -0.02, 0.02),
        ("threeMonths", -0.1, 0.2),
        ("oneYear", -0.2, 0.6),
        ("allTime", -0.1, 2.0),
    ):
        if span == "oneDay" and not with_day:
            continue
        ratio = round(rng.uniform(low, high), 6)
        values[span] = ratio
        values[f"{span}Nmr"] = Decimal(str(round(ratio * 50_000, 2)))
    return values


def _overview(world: World, tournament: int) -> dict[str, Any]:
    rng = _rng(world, "overview", tournament)
    models = [
        m for m in world.models.values() if m.tournament == tournament and m.stake > 0
    ]
    at_stake = sum((m.stake for m in models), Decimal(0))
    accounts = {m.username for m in models}
    today = world.now.date()
    days = [today - dt.timedelta(days=back) for back in range(_OVERVIEW_DAYS, 0, -1)]
    values = []
    previous = at_stake * Decimal("0.9")
    for index, day in enumerate(days):
        value = previous + (at_stake - previous) * (index + 1) / len(days)
        value = value.quantize(Decimal("0.01"))
        values.append(
            {
                "time": dt.datetime(
                    day.year, day.month, day.day, tzinfo=dt.timezone.utc
                ),
                "value": value,
                "delta": (value - previous).quantize(Decimal("0.01")),
            }
        )
        previous = value
    return {
        "tournament": tournament,
        "totalAccounts": len(world.users),
        "totalStakes": len(models),
        "totalAtStake": at_stake,
        "totalAtRisk": (at_stake * Decimal("0.05")).quantize(Decimal("0.01")),
        "stakedAccountsLtm": len(accounts),
        "returns": _returns(rng, with_day=True),
        "returnsValues": [
            {"date": day, **_returns(rng, with_day=False)} for day in days
        ],
        "stakedAccounts": [
            {"date": day, "count": max(len(accounts) - rng.randint(0, 2), 0)}
            for day in days
        ],
        "stakedModels": [
            {"date": day, "count": max(len(models) - rng.randint(0, 3), 0)}
            for day in days
        ],
        "totalAtStakeValues": values,
        # deprecated fields, answered as the real API does
        "stakedSubmissions": len(models),
        "totalNetEarnings": None,
    }


@query("tournamentOverview")
def resolve_tournament_overview(info: GraphQLResolveInfo) -> dict[str, Any]:
    return _overview(_world(info), CLASSIC)


@query("signalsLeaderboardOverview")
def resolve_signals_overview(info: GraphQLResolveInfo) -> dict[str, Any]:
    return _overview(_world(info), SIGNALS)


@query("cryptosignalsLeaderboardOverview")
def resolve_crypto_overview(info: GraphQLResolveInfo) -> dict[str, Any]:
    return _overview(_world(info), CRYPTO)


@query("v2TournamentOverview")
def resolve_v2_tournament_overview(
    info: GraphQLResolveInfo, tournament: int
) -> dict[str, Any] | None:
    if tournament not in (CLASSIC, SIGNALS, CRYPTO):
        return None
    return _overview(_world(info), tournament)


@query("latestCurrencyPrice")
def resolve_latest_currency_price(
    info: GraphQLResolveInfo, baseSymbol: str, targetSymbol: str
) -> dict[str, Any] | None:
    base = _USD_PRICES.get(baseSymbol.upper())
    target = _USD_PRICES.get(targetSymbol.upper())
    if base is None or target is None:
        return None
    return {
        "baseSymbol": baseSymbol.upper(),
        "targetSymbol": targetSymbol.upper(),
        "price": _price_text(base / target),
        "lastUpdated": _updated(_world(info)),
    }


@query("userScores")
def resolve_user_scores(info: GraphQLResolveInfo, modelId: str) -> list[dict[str, Any]]:
    world = _world(info)
    model = _model_or_error(world, modelId)
    rows = []
    for day in model.daily_performances:
        for name, rep, rank in (
            ("corr20", "corrRep", "corrRank"),
            ("mmc", "mmcRep", "mmcRank"),
        ):
            rows.append(
                {
                    "date": day["date"],
                    "displayName": name,
                    "reputation": day.get(rep),
                    "rank": day.get(rank),
                    "stakedRank": day.get(rank),
                }
            )
    return rows


# -- seasons --------


def _season_years(world: World) -> list[int]:
    year = world.now.year
    return [year - 1, year]


@query("seasonLeaderboard")
def resolve_season_leaderboard(
    info: GraphQLResolveInfo,
    seasonYear: int,
    tournament: int,
    tierNumberLte: int | None = None,
) -> list[dict[str, Any]]:
    world = _world(info)
    if seasonYear not in _season_years(world):
        return []
    rng = _rng(world, "season", seasonYear, tournament)
    users = sorted(world.users.values(), key=lambda u: u.username)
    scored = sorted(
        ((round(rng.uniform(0, 100), 3), u) for u in users),
        key=lambda pair: (-pair[0], pair[1].username),
    )
    per_tier = max(len(scored) // len(_SEASON_TIERS), 1)

    def title(board: int) -> str:
        """The tier's title on this season's board, an earlier one elsewhere."""
        return name if board == tournament else rng.choice(_SEASON_TIERS)

    tiers = []
    for index, name in enumerate(_SEASON_TIERS, 1):
        if tierNumberLte is not None and index > tierNumberLte:
            break
        members = scored[(index - 1) * per_tier : index * per_tier]
        if index == len(_SEASON_TIERS):
            members = scored[(index - 1) * per_tier :]
        tiers.append(
            {
                "tierNumber": index,
                "tierName": name,
                "tierDescription": f"{name} tier of the {seasonYear} season",
                "leaderboard": [
                    {
                        "accountUsername": user.username,
                        "accountDisplayName": user.display_name,
                        "profileUrl": f"https://numer.ai/~{user.username}",
                        "accountSeasonScore": score,
                        "accountSeasonScoreRank": float(rank),
                        "accountCorr": round(rng.uniform(-0.02, 0.05), 6),
                        "accountCorrRank": rng.randint(1, len(users)),
                        "accountTc": round(rng.uniform(-0.02, 0.05), 6),
                        "accountTcRank": rng.randint(1, len(users)),
                        "numeraiTitle": title(CLASSIC),
                        "signalsTitle": title(SIGNALS),
                        "cryptosignalsTitle": title(CRYPTO),
                        "excludeFromSeason": False,
                        "accountTitle": name,
                    }
                    for rank, (score, user) in enumerate(
                        members, (index - 1) * per_tier + 1
                    )
                ],
            }
        )
    return [{"seasonYear": seasonYear, "tiers": tiers}]


@query("seasonAccountSummary", auth=True)
def resolve_season_account_summary(
    info: GraphQLResolveInfo, tournament: int
) -> list[dict[str, Any]]:
    world = _world(info)
    rounds = world.rounds_of(tournament)
    numbers = [r.number for r in rounds] or [0]
    submitted = len(
        {
            s.round_id
            for model in world.own_models(tournament)
            for s in world.submissions_of(model.id)
        }
    )
    staked = any(m.stake >= 1 for m in world.own_models(tournament))
    rows = []
    for year in _season_years(world):
        current = year == world.now.year
        rng = _rng(world, "season-summary", year, tournament)
        rows.append(
            {
                "id": stable_uuid("season", world.seed, year, tournament),
                "year": year,
                "tournament": tournament,
                "status": "open" if current else "resolved",
                "openDate": dt.date(year, 1, 1),
                "closeStakingEnd": dt.date(year, 12, 31),
                "resolveDate": dt.date(year + 1, 2, 1),
                "firstScoreDate": dt.date(year, 1, 3),
                "maxScoreDate": world.now.date() if current else dt.date(year, 12, 31),
                "roundNumberStart": min(numbers),
                "roundNumberEnd": max(numbers),
                "roundsLeft": max((dt.date(year, 12, 31) - world.now.date()).days, 0)
                if current
                else 0,
                "daysUntilNextSeasonOpen": (
                    dt.date(year + 1, 1, 1) - world.now.date()
                ).days
                if current
                else 0,
                "participants": len(world.users),
                "hasScores": submitted > 0,
                "hasStakedOneNmr": staked,
                "minQualifyingSubmissions": 20,
                "numQualifyingSubmissions": submitted if current else 20,
                "seasonAccountPerformance": [
                    {"scoreName": "corr", "rank": rng.randint(1, 4000)},
                    {"scoreName": "mmc", "rank": rng.randint(1, 4000)},
                ],
                "titleInfo": {
                    "title": _SEASON_TIERS[rng.randint(0, 2)],
                    "titleDescription": "Title earned by season score",
                },
            }
        )
    return rows


# -- staking --------


def _round_at(world: World, tournament: int, moment: dt.datetime) -> int | None:
    """The number of the last round of ``tournament`` opened by ``moment``."""
    opened = [r.number for r in world.rounds_of(tournament) if r.open_time <= moment]
    return max(opened) if opened else None


def _request_row(world: World, request: StakeRequest) -> dict[str, Any]:
    model = world.models[request.model_id]
    amount = request.requested_amount
    kind = "stake increase" if request.type == "increase" else "stake release"
    return {
        "timestamp": request.inserted_at,
        "type": "stake" if request.type == "increase" else "release",
        "amount": amount if request.type == "increase" else -amount,
        "value": amount,
        "model": model.name,
        "modelId": model.id,
        "round": _round_at(world, model.tournament, request.inserted_at),
        "tournament": model.tournament,
        "note": "drain" if request.drain else kind,
        "nmrPrice": None,
        "nmrPriceLastUpdated": None,
    }


def _history(world: World, model: Model) -> list[dict[str, Any]]:
    """A staked model's earlier stake and weekly payouts, ending at its stake."""
    rng = _rng(world, "stake-history", model.id)
    rounds = [r for r in world.rounds_of(model.tournament) if r.resolved(world.clock())]
    rounds = rounds or world.rounds_of(model.tournament)
    payouts = []
    for week in range(6):
        rnd = rounds[min(week * 4, len(rounds) - 1)]
        amount = (model.stake * Decimal(rng.randint(-30, 50)) / 1000).quantize(
            Decimal("0.0001")
        )
        payouts.append((rnd, amount, world.now - dt.timedelta(days=7 * week + 1)))
    start = model.stake - sum((a for _, a, _ in payouts), Decimal(0))
    rows = [
        {
            "timestamp": model.inserted_at,
            "type": "stake",
            "amount": start,
            "value": start,
            "round": _round_at(world, model.tournament, model.inserted_at)
            or rounds[-1].number,
            "note": "first stake",
        }
    ]
    running = start
    for rnd, amount, when in reversed(payouts):
        running += amount
        rows.append(
            {
                "timestamp": when,
                "type": "payout" if amount >= 0 else "burn",
                "amount": amount,
                "value": running,
                "round": rnd.number,
                "note": f"round {rnd.number} resolved",
            }
        )
    for row in rows:
        row.update(
            model=model.name,
            modelId=model.id,
            tournament=model.tournament,
            nmrPrice=None,
            nmrPriceLastUpdated=None,
        )
    return rows


@query("stakeTransactions", auth=True)
def resolve_stake_transactions(
    info: GraphQLResolveInfo,
    limit: int | None = None,
    offset: int | None = None,
    modelId: str | None = None,
    modelIds: list[str | None] | None = None,
    type: str | None = None,
) -> list[dict[str, Any]]:
    world = _world(info)
    wanted = {m for m in (modelIds or []) if m}
    if modelId:
        wanted.add(modelId)
    own = world.own_models()
    if wanted - {m.id for m in own}:
        raise WorldError(f"Model not found: {sorted(wanted - {m.id for m in own})[0]}")
    rows: list[dict[str, Any]] = []
    for model in own:
        if wanted and model.id not in wanted:
            continue
        if model.stake > 0:
            rows.extend(_history(world, model))
    rows.extend(
        _request_row(world, r)
        for r in world.stake_requests
        if not wanted or r.model_id in wanted
    )
    rows = [r for r in rows if type is None or r["type"] == type]
    rows.sort(key=lambda r: (r["timestamp"], r["modelId"]), reverse=True)
    start = max(offset or 0, 0)
    end = None if limit is None else start + max(limit, 0)
    return rows[start:end]


@query("v3StakeServiceWallet", auth=True)
def resolve_v3_stake_service_wallet(info: GraphQLResolveInfo) -> dict[str, Any]:
    world = _world(info)
    config = world.v3_stake_config
    return {
        "serviceWallet": config["serviceWallet"],
        "walletBalance": format(world.account.available_nmr.normalize(), "f"),
        "nmrAddress": config["nmrAddress"],
        "stakingAddress": config["address"],
        "stakingAllowance": "1000",
    }


@mutation("cancelPendingStakeRelease")
def resolve_cancel_pending_stake_release(
    info: GraphQLResolveInfo, modelId: str
) -> dict[str, Any]:
    world = _world(info)
    with world.lock:
        model = world.own_model(modelId)
        request = model.pending_stake_request
        if request is None or request.status != "pending":
            raise WorldError(f"Model {model.name} has no pending stake release")
        model.stake += request.requested_amount
        request.status = "cancelled"
        model.pending_stake_request = None
        return stake_request_view(request)


@mutation("v3ChangePayoutSelection")
def resolve_v3_change_payout_selection(
    info: GraphQLResolveInfo, modelId: str, takeProfit: bool, tournamentNumber: int
) -> str:
    world = _world(info)
    with world.lock:
        model = world.own_model(modelId, tournamentNumber)
        if model.tournament != tournamentNumber:
            raise WorldError(
                f"Model {model.name} is not a model of tournament {tournamentNumber}"
            )
        model.take_profit = takeProfit
    return "true"


# -- models, webhooks, account --------


def _managed_model_view(model: Model) -> dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "tournament": model.tournament,
        "username": model.username,
        "archived": model.archived,
        "insertedAt": model.inserted_at,
        "computeEnabled": model.compute_enabled,
        "profileUrl": f"https://numer.ai/{model.name}",
    }


@mutation("renameModel")
def resolve_rename_model(
    info: GraphQLResolveInfo, modelId: str, name: str
) -> dict[str, Any]:
    world = _world(info)
    with world.lock:
        model = world.own_model(modelId)
        lowered = name.lower()
        other = world.find_model_by_name(lowered, model.tournament)
        if other is not None and other.id != model.id:
            raise WorldError(f"Model name {lowered!r} is already taken")
        model.name = lowered
        return _managed_model_view(model)


def _set_archived(info: GraphQLResolveInfo, model_id: str, archived: bool) -> Any:
    world = _world(info)
    with world.lock:
        model = world.own_model(model_id)
        if archived and model.stake > 0:
            raise WorldError(
                f"Model {model.name} has {model.stake} NMR staked; release it first"
            )
        model.archived = archived
        return _managed_model_view(model)


@mutation("archiveModel")
def resolve_archive_model(info: GraphQLResolveInfo, modelId: str) -> dict[str, Any]:
    result: dict[str, Any] = _set_archived(info, modelId, True)
    return result


@mutation("unarchiveModel")
def resolve_unarchive_model(info: GraphQLResolveInfo, modelId: str) -> dict[str, Any]:
    result: dict[str, Any] = _set_archived(info, modelId, False)
    return result


@mutation("triggerModelWebhook")
def resolve_trigger_model_webhook(info: GraphQLResolveInfo, modelId: str) -> str:
    model = _world(info).own_model(modelId)
    if not model.submission_webhook:
        raise WorldError(f"Model {model.name} has no submission webhook")
    return "true"


@mutation("testSubmissionWebhook")
def resolve_test_submission_webhook(info: GraphQLResolveInfo) -> str:
    hooks = [m for m in _world(info).own_models() if m.submission_webhook]
    if not hooks:
        raise WorldError("None of your models has a submission webhook")
    return "true"


@mutation("setAccountMeta")
def resolve_set_account_meta(info: GraphQLResolveInfo, **fields: str | None) -> bool:
    world = _world(info)
    with world.lock:
        account = world.account
        for name, value in fields.items():
            if value is None:
                continue
            if name == "displayName":
                account.display_name = value
            elif name in ("bio", "location"):
                setattr(account, name, value)
            else:
                account.profile[name] = value
    return True


@mutation("deleteDiagnostics")
def resolve_delete_diagnostics(
    info: GraphQLResolveInfo, v2DiagnosticsIds: list[str | None]
) -> str:
    world = _world(info)
    own = {m.id for m in world.own_models()}
    with world.lock:
        records = []
        for diag_id in v2DiagnosticsIds:
            record = world.diagnostics.get(diag_id or "")
            if record is None or (
                record.model_id is not None and record.model_id not in own
            ):
                raise WorldError(f"Diagnostics not found: {diag_id}")
            records.append(record)
        for record in records:
            world.diagnostics.pop(record.id, None)
    return "true"
