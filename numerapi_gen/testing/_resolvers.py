"""Root resolvers of the fake API and the views they return.

Root resolvers apply arguments (filters, limit/offset, auth) and return dicts
keyed by GraphQL field names; graphql-core's default resolver does the rest.
Nested fields that take arguments or are costly are callables in those dicts,
which the default resolver calls only when the field is selected.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema

from ._blobs import Upload
from ._entities import (
    CLASSIC,
    CRYPTO,
    SIGNALS,
    TOURNAMENTS,
    UTC,
    ComputePickleUpload,
    Diagnostics,
    Model,
    Round,
    StakeRequest,
    Submission,
    User,
    WorldError,
    hex_digest,
    parse_amount,
    stable_uuid,
)
from ._world import World

__all__ = ["AUTH_REQUIRED_MESSAGE", "INVALID_TOKEN_MESSAGE", "attach_resolvers"]

AUTH_REQUIRED_MESSAGE = "You must be authenticated to perform this action"
INVALID_TOKEN_MESSAGE = "Invalid API token: the public id or secret key is wrong"

Resolver = Callable[..., Any]
F = TypeVar("F", bound=Resolver)

_QUERIES: dict[str, Resolver] = {}
_MUTATIONS: dict[str, Resolver] = {}


def _register(table: dict[str, Resolver], name: str, *, auth: bool) -> Callable[[F], F]:
    """Register a root resolver; check auth and map ``WorldError`` to GraphQL."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
            if auth:
                _require_auth(info)
            try:
                return func(info, **args)
            except WorldError as exc:
                raise GraphQLError(
                    str(exc), extensions={"code": "BAD_REQUEST"}
                ) from exc

        table[name] = wrapper
        return func

    return decorate


def query(name: str, *, auth: bool = False) -> Callable[[F], F]:
    return _register(_QUERIES, name, auth=auth)


def mutation(name: str) -> Callable[[F], F]:
    return _register(_MUTATIONS, name, auth=True)


def attach_resolvers(schema: GraphQLSchema) -> None:
    """Install the root resolvers on the (process-wide) schema."""
    for root_type, table in (
        (schema.query_type, _QUERIES),
        (schema.mutation_type, _MUTATIONS),
    ):
        assert isinstance(root_type, GraphQLObjectType)
        for name, resolver in table.items():
            root_type.fields[name].resolve = resolver


def _require_auth(info: GraphQLResolveInfo) -> None:
    status = info.context.auth_status
    if status == "ok":
        return
    message = INVALID_TOKEN_MESSAGE if status == "invalid" else AUTH_REQUIRED_MESSAGE
    code = "INVALID_TOKEN" if status == "invalid" else "UNAUTHENTICATED"
    raise GraphQLError(message, extensions={"code": code})


def _world(info: GraphQLResolveInfo) -> World:
    world: World = info.context.world
    return world


def _base_url(info: GraphQLResolveInfo) -> str:
    base: str = info.context.base_url
    return base


def _page(items: list[Any], limit: int | None, offset: int | None) -> list[Any]:
    start = max(offset or 0, 0)
    if limit is None:
        return items[start:]
    return items[start : start + max(limit, 0)]


def _wei(amount: Decimal) -> str:
    return str(int(amount * 10**18))


def _epoch(moment: dt.datetime) -> str:
    return str(int(moment.timestamp()))


# -- views ------------------------------------------------------------------


#: Each tournament's scores: (name, version, display name, multiplier range,
#: default multiplier, canonical), like the live ``roundScoreConfigs``.
_SCORE_CONFIGS: dict[
    int, tuple[tuple[str, str, str, float, float, float, bool], ...]
] = {
    CLASSIC: (
        ("correlation", "2", "v2_corr20", 0.5, 2.0, 0.5, True),
        ("meta_model_contribution", "1", "mmc", 0.0, 3.0, 2.0, False),
    ),
    SIGNALS: (
        ("alpha", "1", "alpha", 0.0, 2.0, 1.0, True),
        ("meta_portfolio_contribution", "1", "mpc", 0.0, 3.0, 2.0, False),
    ),
    CRYPTO: (
        ("correlation", "1", "corr20", 0.5, 2.0, 0.5, True),
        ("meta_model_contribution", "1", "mmc", 0.0, 3.0, 1.0, False),
    ),
}
_SCORE_DAYS, _LAG_DAYS = 20, 2


def round_score_configs(rnd: Round) -> list[dict[str, Any]]:
    """The round's score configurations (``Round.roundScoreConfigs``)."""
    start = rnd.score_time.date()
    return [
        {
            "id": f"{rnd.id}-{name}-{version}",
            "scoreConfigId": f"{TOURNAMENTS[rnd.tournament]}-{name}-{version}",
            "roundNumberStart": max(1, rnd.number - rnd.number % 100),
            "roundNumberEnd": None,
            "name": name,
            "version": version,
            "displayName": display,
            "totalScoreDays": _SCORE_DAYS,
            "returnsLagDays": _LAG_DAYS,
            "dataDelayDays": _LAG_DAYS,
            "universe": f"{TOURNAMENTS[rnd.tournament]}-v5",
            "isCanonScore": canon,
            "isPayout": True,
            "scoringStart": start,
            "scoringEnd": start + dt.timedelta(days=_SCORE_DAYS),
            "minMultiplier": low,
            "maxMultiplier": high,
            "defaultMultiplier": default,
            "clipThreshold": 0.05,
            "stakeThreshold": 100.0,
            "payoutFactor": float(rnd.payout_factor),
        }
        for name, version, display, low, high, default, canon in _SCORE_CONFIGS[
            rnd.tournament
        ]
    ]


def payout_multipliers(rnd: Round) -> list[dict[str, Any]]:
    """The multipliers a round paid with (``payoutMultipliers``)."""
    return [
        {
            "id": config["id"],
            "scoreConfigId": config["scoreConfigId"],
            "name": config["name"],
            "version": config["version"],
            "displayName": config["displayName"],
            "multiplier": config["defaultMultiplier"],
        }
        for config in round_score_configs(rnd)
        if config["isPayout"]
    ]


def round_view(rnd: Round, world: World) -> dict[str, Any]:
    now = world.clock()
    resolved = rnd.resolved(now)
    return {
        "id": rnd.id,
        "tournament": rnd.tournament,
        "number": rnd.number,
        "target": rnd.target,
        "openTime": rnd.open_time,
        "closeTime": rnd.close_time,
        "closeStakingTime": rnd.close_staking_time,
        "scoreTime": rnd.score_time,
        "resolveTime": rnd.resolve_time,
        "resolvedGeneral": resolved,
        "resolvedStaking": resolved,
        "payoutFactor": str(rnd.payout_factor),
        "stakeThreshold": rnd.stake_threshold,
        "dataDatestamp": rnd.data_datestamp,
        "isDaily": True,
        "minCorrMultiplier": 0.5,
        "maxCorrMultiplier": 2.0,
        "defaultCorrMultiplier": 0.5,
        "minMmcMultiplier": 0.0,
        "maxMmcMultiplier": 3.0,
        "defaultMmcMultiplier": 2.0,
        "minTcMultiplier": 0.0,
        "maxTcMultiplier": 3.0,
        "defaultTcMultiplier": 0.0,
        "roundScoreConfigs": round_score_configs(rnd),
        "numTickers": 5000 if rnd.tournament != CLASSIC else None,
        "numValidationEras": 48,
        "numValidationTickers": 4800 if rnd.tournament != CLASSIC else None,
    }


def stake_request_view(request: StakeRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "type": request.type,
        "status": request.status,
        "requestedAmount": format(request.requested_amount.normalize(), "f"),
        "dueDate": request.due_date,
        "drain": request.drain,
    }


def stake_view(model: Model) -> dict[str, Any]:
    pending = model.pending_stake_request
    return {
        "status": model.stake_status,
        "txHash": model.stake_tx_hash,
        "stakeValue": model.stake,
        "latestValue": model.stake,
        "latestValueSettled": model.stake,
        "tournamentNumber": model.tournament,
        "pendingV2ChangeStakeRequest": stake_request_view(pending) if pending else None,
    }


def submission_view(submission: Submission, world: World) -> dict[str, Any]:
    rnd = world.round_by_id(submission.round_id)
    return {
        "id": submission.id,
        "filename": submission.filename,
        "insertedAt": submission.inserted_at,
        "selected": submission.selected,
        "round": round_view(rnd, world) if rnd else None,
        "triggerId": submission.trigger_id,
        "dataDatestamp": submission.data_datestamp,
        "sourcePlatform": submission.source,
        "sourceIp": "127.0.0.1",
        "notes": None,
        "tickersAcceptedCount": 5000 if submission.tournament != CLASSIC else None,
        "tickersSubmittedCount": 5000 if submission.tournament != CLASSIC else None,
    }


def pickle_view(record: ComputePickleUpload, world: World) -> dict[str, Any]:
    versions = {v["id"]: v["name"] for v in world.compute_data_versions}
    images = {i["id"]: i for i in world.compute_docker_images}
    image = images.get(record.docker_image_id or "")
    return {
        "id": record.id,
        "filename": record.filename,
        "modelId": record.model_id,
        "insertedAt": record.inserted_at,
        "updatedAt": record.inserted_at,
        "dataVersionId": record.data_version_id,
        "dataVersion": versions.get(record.data_version_id or ""),
        "dockerImageId": record.docker_image_id,
        "dockerImage": f"{image['image']}:{image['tag']}" if image else None,
        "dockerImageName": image["name"] if image else None,
        "validationStatus": record.validation_status,
        "triggerStatus": record.trigger_status or "not_triggered",
        "diagnosticsId": stable_uuid("pickle-diagnostics", record.id),
        "diagnosticsStatus": record.validation_status,
        "diagnosticsStatusDescription": f"Validation {record.validation_status}",
        "label": record.label,
        "assignedModelSlots": [record.model_id] if record.model_id else [],
        "version": 1,
        "runtime": "python",
        "triggers": [
            {key: value for key, value in trigger.items() if not key.startswith("_")}
            for trigger in record.triggers
        ],
    }


def model_view(model: Model, world: World) -> dict[str, Any]:
    def submissions(info: GraphQLResolveInfo, **_: Any) -> list[dict[str, Any]]:
        return [submission_view(s, world) for s in world.submissions_of(model.id)]

    def latest(
        info: GraphQLResolveInfo, latestNRounds: int = 20
    ) -> list[dict[str, Any]]:
        selected = [s for s in world.submissions_of(model.id) if s.selected]
        rows = []
        for sub in reversed(selected[-latestNRounds:] if latestNRounds else selected):
            rnd = world.round_by_id(sub.round_id)
            rows.append(
                {
                    "id": sub.id,
                    "filename": sub.filename,
                    "timestamp": sub.inserted_at,
                    "status": "validated",
                    "roundNumber": rnd.number if rnd else None,
                    "roundOpen": rnd.open_time.date() if rnd else None,
                    "roundClose": rnd.close_time.date() if rnd else None,
                    "roundCloseStaking": rnd.close_staking_time.date() if rnd else None,
                }
            )
        return rows

    def compute_pickle(info: GraphQLResolveInfo) -> dict[str, Any] | None:
        record = world.compute_pickle_uploads.get(model.compute_pickle_upload_id or "")
        return pickle_view(record, world) if record else None

    stake = stake_view(model)
    return {
        "id": model.id,
        "name": model.name,
        "tournament": model.tournament,
        "username": model.username,
        "insertedAt": model.inserted_at,
        "archived": model.archived,
        "archivedAt": None,
        "hidden": False,
        "computeEnabled": model.compute_enabled,
        "computeLiteEnabled": model.compute_enabled,
        "isComputeWeekdayEnabled": True,
        "description": model.bio,
        "submissionWebhook": model.submission_webhook,
        "profileUrl": f"https://numer.ai/{model.name}",
        "submissions": submissions,
        "signalsSubmissions": submissions,
        "latestSubmissions": latest,
        "v2Stake": stake,
        "signalsStake": stake if model.tournament != CLASSIC else None,
        "computePickleUpload": compute_pickle,
    }


def account_view(world: World) -> dict[str, Any]:
    account = world.account

    def models(
        info: GraphQLResolveInfo, showArchived: bool = False
    ) -> list[dict[str, Any]]:
        return [
            model_view(m, world)
            for m in world.own_models()
            if showArchived or not m.archived
        ]

    def wallet_txns(
        info: GraphQLResolveInfo, limit: int | None = None, offset: int | None = None
    ) -> list[dict[str, Any]]:
        return _page(account.wallet_txns, limit, offset)

    return {
        "id": account.id,
        "username": account.username,
        "displayName": account.display_name,
        "email": account.email,
        "status": account.status,
        "mfaEnabled": account.mfa_enabled,
        "insertedAt": account.inserted_at,
        "updatedAt": account.inserted_at,
        # The real API formats balances with thousands separators.
        "availableNmr": f"{account.available_nmr:,.18f}",
        "availableStakeCredit": Decimal(0),
        "walletAddress": account.wallet_address,
        "bio": account.bio,
        "location": account.location,
        "acceptedTos": True,
        "isBeta": False,
        "isTestPilot": False,
        "defaultCurrency": "USD",
        "defaultCurrencySymbol": "$",
        "profileUrl": f"https://numer.ai/~{account.username}",
        "apiTokens": [
            {"name": t.name, "publicId": t.public_id, "scopes": list(t.scopes)}
            for t in account.api_tokens
        ],
        "models": models,
        "walletTxns": wallet_txns,
        "pendingTxns": [],
    }


def _user_for_model(world: World, model: Model) -> User | None:
    return world.users.get(model.username)


def model_profile_view(model: Model, world: World) -> dict[str, Any]:
    user = _user_for_model(world, model)
    return {
        **model.reps,
        "id": model.id,
        "displayName": model.name,
        "username": model.username,
        "accountId": user.id if user else None,
        "tournament": model.tournament,
        "stake": model.stake,
        "startDate": model.inserted_at,
        "profileUrl": f"https://numer.ai/{model.name}",
    }


def user_profile_view(model: Model, world: World) -> dict[str, Any]:
    reps = model.reps

    def latest_scores(info: GraphQLResolveInfo) -> list[dict[str, Any]]:
        return _final_scores(world.iter_scores(model.id))[-10:]

    return {
        "id": model.id,
        "username": model.name,
        "accountName": model.username,
        "tournament": model.tournament,
        "bio": model.bio,
        "linkText": model.link_text,
        "linkUrl": model.link_url,
        "startDate": model.inserted_at,
        "nmrStaked": model.stake,
        "stakeValue": model.stake,
        "isActive": True,
        "team": False,
        "computeEnabled": model.compute_enabled,
        "computeLiteEnabled": model.compute_enabled,
        "control": reps.get("corrRep"),
        "profileUrl": f"https://numer.ai/{model.name}",
        "dailyModelPerformances": model.daily_performances,
        "latestSubmissionScores": latest_scores,
        "stakeValues": [
            {"time": p["date"], "value": model.stake, "delta": Decimal(0)}
            for p in model.daily_performances[-7:]
        ],
        "latestReps": {
            "corr": reps.get("corrRep"),
            "mmc": reps.get("mmcRep"),
            "tc": reps.get("tcRep"),
            "corr60": reps.get("corr60Rep"),
            "mmc60": reps.get("mmc60Rep"),
            "fncV4": reps.get("fncV4Rep"),
            "icV2": reps.get("icV2Rep"),
            "ric": reps.get("ricRep"),
            "corrV4": reps.get("corrV4Rep"),
        },
        "latestReturns": {
            "oneDay": 0.001,
            "threeMonths": reps.get("return1y"),
            "oneYear": reps.get("return1y"),
            "allTime": reps.get("return1y"),
        },
    }


def diagnostics_view(record: Diagnostics) -> dict[str, Any]:
    base = {
        "id": record.id,
        "filename": record.filename,
        "tournament": record.tournament,
        "insertedAt": record.inserted_at,
        "updatedAt": record.inserted_at,
        "message": record.message,
        "erasMissing": [],
    }
    if record.pending_reads > 0:
        record.pending_reads -= 1
        return {**base, "status": "pending"}
    return {
        **record.metrics,
        **base,
        "status": record.status,
        "message": record.message or "Diagnostics complete",
        "perEraDiagnostics": record.per_era,
    }


def _upload_auth_view(upload: Upload, info: GraphQLResolveInfo) -> dict[str, Any]:
    url = f"{_base_url(info)}uploads/{quote(upload.key)}?signature={upload.signature}"
    return {
        "filename": upload.filename,
        "url": url,
        "accelerated": False,
        "countryCode": "US",
    }


# -- score helpers -------------------------------------------------------------


def _final_scores(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last day's score per (round, metric), oldest round first."""
    best: dict[tuple[int, str], dict[str, Any]] = {}
    for record in records:
        key = (record["roundNumber"], record["displayName"])
        current = best.get(key)
        if current is None or record["day"] > current["day"]:
            best[key] = record
    return [best[k] for k in sorted(best)]


def _model_or_error(world: World, model_id: str) -> Model:
    model = world.models.get(model_id)
    if model is None:
        raise WorldError(f"Model not found: {model_id}")
    return model


# -- queries -------------------------------------------------------------------


@query("account", auth=True)
def resolve_account(info: GraphQLResolveInfo) -> dict[str, Any]:
    return account_view(_world(info))


@query("apiTokenInfo", auth=True)
def resolve_api_token_info(info: GraphQLResolveInfo) -> dict[str, Any] | None:
    world = _world(info)
    for token in world.account.api_tokens:
        if token.public_id == info.context.public_id:
            return {
                "accountUsername": world.account.username,
                "name": token.name,
                "publicId": token.public_id,
                "scopes": list(token.scopes),
            }
    return None


@query("model", auth=True)
def resolve_model(
    info: GraphQLResolveInfo, modelId: str | None = None
) -> dict[str, Any]:
    world = _world(info)
    return model_view(world.own_model(modelId), world)


@query("modelNameAvailable")
def resolve_model_name_available(
    info: GraphQLResolveInfo, name: str, tournament: int
) -> bool:
    return _world(info).find_model_by_name(name, tournament) is None


@query("accountNameAvailable")
def resolve_account_name_available(info: GraphQLResolveInfo, name: str) -> bool:
    return name.lower() not in _world(info).users


@query("rounds")
def resolve_rounds(
    info: GraphQLResolveInfo,
    tournament: int | None = None,
    number: int | None = None,
    status: str | None = None,
    target: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    world = _world(info)
    tournament = CLASSIC if tournament is None else tournament
    if number == 0:
        current = world.current_round(tournament)
        if current is None:
            raise WorldError("Current round not open for submissions")
        return [round_view(current, world)]
    now = world.clock()
    rounds = [
        r
        for r in world.rounds_of(tournament)
        if (number is None or r.number == number)
        and (status is None or r.status(now) == status)
        and (target is None or r.target == target)
    ]
    return [round_view(r, world) for r in _page(rounds, limit, None)]


@query("tournaments")
def resolve_tournaments(info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    world = _world(info)
    return [
        {
            "id": str(number),
            "tournament": number,
            "name": name,
            "active": True,
            "rounds": [round_view(r, world) for r in world.rounds_of(number)],
        }
        for number, name in TOURNAMENTS.items()
    ]


@query("listDatasets")
def resolve_list_datasets(
    info: GraphQLResolveInfo, round: int | None = None, tournament: int | None = None
) -> list[str]:
    world = _world(info)
    return sorted(
        name
        for name, entry in world.datasets.items()
        if tournament is None or entry.tournament == tournament
    )


@query("dataset")
def resolve_dataset(
    info: GraphQLResolveInfo,
    filename: str,
    round: int | None = None,
    tournament: int | None = None,
) -> str:
    world = _world(info)
    entry = world.datasets.get(filename)
    if entry is None:
        raise WorldError(f"Dataset not found: {filename}")
    if round is not None and round != 0:
        rnd = world.round_by_number(tournament or entry.tournament, round)
        if rnd is None:
            raise WorldError(f"Round {round} not found")
    return f"{_base_url(info)}files/{quote(entry.blob_key)}"


@query("v2Leaderboard")
def resolve_v2_leaderboard(
    info: GraphQLResolveInfo,
    limit: int | None = None,
    offset: int | None = None,
    **_: Any,
) -> list[dict[str, Any]]:
    return _page(_world(info).leaderboards["classic"], limit, offset)


@query("signalsLeaderboard")
def resolve_signals_leaderboard(
    info: GraphQLResolveInfo,
    limit: int | None = None,
    offset: int | None = None,
    **_: Any,
) -> list[dict[str, Any]]:
    return _page(_world(info).leaderboards["signals"], limit, offset)


@query("cryptosignalsLeaderboard")
def resolve_crypto_leaderboard(
    info: GraphQLResolveInfo,
    limit: int | None = None,
    offset: int | None = None,
    **_: Any,
) -> list[dict[str, Any]]:
    return _page(_world(info).leaderboards["crypto"], limit, offset)


@query("accountLeaderboard")
def resolve_account_leaderboard(
    info: GraphQLResolveInfo,
    limit: int | None = 500,
    offset: int | None = None,
    tournament: int | None = CLASSIC,
    **_: Any,
) -> list[dict[str, Any]]:
    rows = _world(info).account_leaderboards.get(tournament or CLASSIC, [])
    return _page(rows, limit, offset)


@query("accountProfile")
def resolve_account_profile(
    info: GraphQLResolveInfo, username: str, tournament: int | None = CLASSIC
) -> dict[str, Any]:
    world = _world(info)
    user = world.users.get(username.lower())
    if user is None:
        raise WorldError(f"Account not found: {username}")
    tournament = CLASSIC if tournament is None else tournament
    models = [
        m
        for m in world.models.values()
        if m.username == user.username and m.tournament == tournament and not m.archived
    ]
    models.sort(key=lambda m: m.name)
    return {
        "id": user.id,
        "username": user.username,
        "displayName": user.display_name,
        "bio": user.bio,
        "location": user.location,
        "startDate": user.inserted_at,
        "tournament": tournament,
        "team": False,
        "isActive": True,
        "acceptedTos": True,
        "profileUrl": f"https://numer.ai/~{user.username}",
        "totalStake": sum((m.stake for m in models), Decimal(0)),
        "models": [model_profile_view(m, world) for m in models],
    }


def _profile(
    info: GraphQLResolveInfo, model_name: str, tournament: int
) -> dict[str, Any]:
    world = _world(info)
    model = world.find_model_by_name(model_name, tournament)
    if model is None:
        raise WorldError(f"Model not found: {model_name}")
    return user_profile_view(model, world)


@query("v3UserProfile")
def resolve_v3_user_profile(
    info: GraphQLResolveInfo, modelName: str, tournament: int | None = CLASSIC
) -> dict[str, Any]:
    return _profile(info, modelName, CLASSIC if tournament is None else tournament)


@query("v2SignalsProfile")
def resolve_v2_signals_profile(
    info: GraphQLResolveInfo, modelName: str, tournament: int | None = SIGNALS
) -> dict[str, Any]:
    return _profile(info, modelName, SIGNALS if tournament is None else tournament)


@query("submissions", auth=True)
def resolve_submissions(
    info: GraphQLResolveInfo, id: str | None = None, modelId: str | None = None
) -> list[dict[str, Any]]:
    world = _world(info)
    own = {m.id for m in world.own_models()}
    if modelId:
        world.own_model(modelId)
    rows = [
        s
        for s in sorted(world.submissions.values(), key=lambda s: (s.inserted_at, s.id))
        if s.model_id in own
        and (id is None or s.id == id)
        and (not modelId or s.model_id == modelId)
    ]
    return [submission_view(s, world) for s in rows]


@query("submissionScores")
def resolve_submission_scores(
    info: GraphQLResolveInfo,
    modelId: str,
    displayName: str | None = None,
    version: str | None = None,
    day: int | None = None,
    resolved: bool | None = None,
    tournament: int | None = None,
    lastNRounds: int | None = None,
    distinctOnRound: bool | None = None,
) -> list[dict[str, Any]]:
    world = _world(info)
    _model_or_error(world, modelId)
    records = [
        r
        for r in world.iter_scores(modelId)
        if (displayName is None or r["displayName"] == displayName)
        and (version is None or r["version"] == version)
        and (day is None or r["day"] == day)
        and (resolved is None or r["resolved"] == resolved)
        and (tournament is None or r["_tournament"] == tournament)
    ]
    if lastNRounds is not None:
        keep = set(
            sorted({r["roundNumber"] for r in records}, reverse=True)[:lastNRounds]
        )
        records = [r for r in records if r["roundNumber"] in keep]
    if distinctOnRound:
        return _final_scores(records)
    return sorted(records, key=lambda r: (r["roundNumber"], r["displayName"], r["day"]))


@query("v2RoundModelPerformances")
def resolve_round_model_performances(
    info: GraphQLResolveInfo,
    modelId: str,
    tournament: int | None = CLASSIC,
    lastNRounds: int | None = None,
    limit: int | None = None,
    offset: int | None = None,
    roundNumberEq: int | None = None,
    roundNumberGte: int | None = None,
    roundNumberLte: int | None = None,
    resolvedOnly: bool | None = None,
    **_: Any,
) -> list[dict[str, Any]]:
    world = _world(info)
    model = _model_or_error(world, modelId)
    now = world.clock()
    by_round: dict[str, list[dict[str, Any]]] = {}
    for record in world.iter_scores(model.id):
        by_round.setdefault(record["roundId"], []).append(record)
    selected = {s.round_id: s for s in world.submissions_of(model.id) if s.selected}
    rounds = [
        r
        for r in world.rounds_of(model.tournament)
        if (r.id in selected or r.id in by_round)
        and (tournament is None or r.tournament == tournament)
        and (roundNumberEq is None or r.number == roundNumberEq)
        and (roundNumberGte is None or r.number >= roundNumberGte)
        and (roundNumberLte is None or r.number <= roundNumberLte)
        and (not resolvedOnly or r.resolved(now))
    ]
    if lastNRounds is not None:
        rounds = rounds[:lastNRounds]
    rows = []
    for rnd in _page(rounds, limit, offset):
        scores = sorted(
            by_round.get(rnd.id, []), key=lambda r: (r["day"], r["displayName"])
        )
        submission = selected.get(rnd.id)
        rows.append(
            {
                "roundId": rnd.id,
                "roundNumber": rnd.number,
                "roundOpenTime": rnd.open_time,
                "roundCloseStakingTime": rnd.close_staking_time,
                "roundScoreTime": rnd.score_time,
                "roundResolveTime": rnd.resolve_time,
                "roundResolved": rnd.resolved(now),
                "roundTarget": rnd.target,
                "roundPayoutFactor": str(rnd.payout_factor),
                "roundDataDatestamp": rnd.data_datestamp,
                "atRisk": model.stake,
                "corrMultiplier": 0.5,
                "mmcMultiplier": 2.0,
                "tcMultiplier": 0.0,
                "payoutMultipliers": payout_multipliers(rnd),
                "submissionId": submission.id if submission else None,
                "submissionScores": _final_scores(scores),
                "intraRoundSubmissionScores": scores,
                "allSubmissionScores": scores,
                "churnThreshold": 0.15,
                "turnoverThreshold": 0.15,
                "prevWeekChurnMax": 0.08,
                "prevWeekTurnoverMax": 0.08,
                "tickersAcceptedCount": 5000 if rnd.tournament != CLASSIC else None,
                "tickersSubmittedCount": 5000 if rnd.tournament != CLASSIC else None,
            }
        )
    return rows


@query("pendingModelPayouts", auth=True)
def resolve_pending_model_payouts(
    info: GraphQLResolveInfo, tournament: int
) -> dict[str, Any]:
    world = _world(info)
    actual: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    for model in world.own_models(tournament):
        for row in world.payouts.get(model.id, []):
            (actual if row["_resolved"] else pending).append(row)
    return {"actual": actual, "pending": pending}


@query("diagnostics", auth=True)
def resolve_diagnostics(
    info: GraphQLResolveInfo, id: str | None = None, modelId: str | None = None
) -> list[dict[str, Any]]:
    world = _world(info)
    own = {m.id for m in world.own_models()}
    if modelId:
        world.own_model(modelId)
    rows = sorted(
        world.diagnostics.values(), key=lambda d: (d.inserted_at, d.id), reverse=True
    )
    if id is not None:
        record = world.diagnostics.get(id)
        if record is None or (
            record.model_id is not None and record.model_id not in own
        ):
            raise WorldError(f"Diagnostics not found: {id}")
        rows = [record]
    return [
        diagnostics_view(d)
        for d in rows
        if (d.model_id is None or d.model_id in own)
        and (not modelId or d.model_id == modelId)
    ]


@query("submissionUploadAuth", auth=True)
def resolve_submission_upload_auth(
    info: GraphQLResolveInfo, filename: str, tournament: int, modelId: str | None = None
) -> dict[str, Any]:
    world = _world(info)
    model = world.own_model(modelId, tournament)
    upload = world.create_upload(
        "submissions", filename, model_id=model.id, tournament=tournament
    )
    return _upload_auth_view(upload, info)


@query("submissionUploadSignalsAuth", auth=True)
def resolve_signals_upload_auth(
    info: GraphQLResolveInfo,
    filename: str,
    tournament: int | None = SIGNALS,
    modelId: str | None = None,
) -> dict[str, Any]:
    world = _world(info)
    tournament = SIGNALS if tournament is None else tournament
    model = world.own_model(modelId, tournament)
    upload = world.create_upload(
        "submissions", filename, model_id=model.id, tournament=tournament
    )
    return _upload_auth_view(upload, info)


@query("diagnosticsUploadAuth", auth=True)
def resolve_diagnostics_upload_auth(
    info: GraphQLResolveInfo, filename: str, tournament: int, modelId: str | None = None
) -> dict[str, Any]:
    world = _world(info)
    model_id = world.own_model(modelId, tournament).id if modelId else None
    upload = world.create_upload(
        "diagnostics", filename, model_id=model_id, tournament=tournament
    )
    return _upload_auth_view(upload, info)


@query("computePickleUploadAuth", auth=True)
def resolve_compute_pickle_upload_auth(
    info: GraphQLResolveInfo,
    filename: str | None = "model.pkl",
    modelId: str | None = None,
) -> dict[str, Any]:
    world = _world(info)
    model = world.own_model(modelId)
    upload = world.create_upload(
        "models",
        filename or "model.pkl",
        model_id=model.id,
        tournament=model.tournament,
    )
    return _upload_auth_view(upload, info)


@query("submissionDownloadAuth", auth=True)
def resolve_submission_download_auth(
    info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    world = _world(info)
    submission = world.submissions.get(id)
    own = {m.id for m in world.own_models()}
    if submission is None or submission.model_id not in own:
        raise WorldError(f"Submission not found: {id}")
    return {
        "filename": submission.filename,
        "url": f"{_base_url(info)}files/{quote(submission.blob_key)}",
        "accelerated": False,
        "countryCode": "US",
    }


@query("computePickleDataVersions", auth=True)
def resolve_data_versions(
    info: GraphQLResolveInfo, deprecated: bool = False
) -> list[dict[str, Any]]:
    return [
        v
        for v in _world(info).compute_data_versions
        if deprecated or not v["deprecated"]
    ]


@query("computePickleDockerImages", auth=True)
def resolve_docker_images(
    info: GraphQLResolveInfo, deprecated: bool | None = False
) -> list[dict[str, Any]]:
    return [
        i
        for i in _world(info).compute_docker_images
        if deprecated or not i["deprecated"]
    ]


@query("computePickles", auth=True)
def resolve_compute_pickles(
    info: GraphQLResolveInfo,
    id: str | None = None,
    modelId: str | None = None,
    unassigned: bool = False,
) -> list[dict[str, Any]]:
    world = _world(info)
    own = {m.id for m in world.own_models()}
    return [
        pickle_view(p, world)
        for p in world.compute_pickle_uploads.values()
        if (p.model_id in own or p.model_id is None)
        and (not unassigned or p.model_id is None)
        and (id is None or p.id == id)
        and (modelId is None or p.model_id == modelId)
    ]


@query("pipelineStatus")
def resolve_pipeline_status(
    info: GraphQLResolveInfo,
    date: str | None = None,
    tournament: str | None = "classic",
) -> dict[str, Any]:
    world = _world(info)
    if date:
        try:
            day = dt.date.fromisoformat(date[:10])
        except ValueError:
            raise WorldError(f"Invalid date: {date!r}, expected YYYY-MM-DD") from None
    else:
        day = world.clock().date()
    name = (tournament or "classic").lower()
    if name not in TOURNAMENTS.values():
        raise WorldError(f"Invalid tournament: {tournament!r}")
    start = dt.datetime(day.year, day.month, day.day, 13, 0, tzinfo=UTC)
    return {
        # The schema types this as Time but the real API sends the name.
        "tournament": name,
        "isScoringDay": day.weekday() in (1, 2, 3, 4, 5),
        "dataReadyAt": start,
        "startedAt": start + dt.timedelta(minutes=5),
        "scoredAt": start + dt.timedelta(hours=2, minutes=30),
        "resolvedAt": start + dt.timedelta(hours=3),
        "dataP90Eta": start,
        "dataP99Eta": start + dt.timedelta(minutes=20),
        "startP90Eta": start + dt.timedelta(minutes=10),
        "scoreP90Eta": start + dt.timedelta(hours=2, minutes=45),
        "scoreP99Eta": start + dt.timedelta(hours=3, minutes=30),
        "resolveP90Eta": start + dt.timedelta(hours=3, minutes=15),
        "resolveP99Eta": start + dt.timedelta(hours=4),
        "nextStartP90Eta": start + dt.timedelta(days=1, minutes=10),
    }


@query("v3StakeConfig")
def resolve_v3_stake_config(info: GraphQLResolveInfo) -> dict[str, Any]:
    return dict(_world(info).v3_stake_config)


def _v3_round(world: World, round_id: str) -> Round:
    rnd = world.round_by_id(round_id)
    if rnd is None and round_id.isdigit():
        for tournament in TOURNAMENTS:
            rnd = world.round_by_number(tournament, int(round_id))
            if rnd is not None:
                break
    if rnd is None:
        raise WorldError(f"Round not found: {round_id}")
    return rnd


@query("v3StakeRound")
def resolve_v3_stake_round(info: GraphQLResolveInfo, roundId: str) -> dict[str, Any]:
    world = _world(info)
    rnd = _v3_round(world, roundId)
    now = world.clock()
    staked = sum(
        (m.stake for m in world.models.values() if m.tournament == rnd.tournament),
        Decimal(0),
    )
    resolved = rnd.resolved(now)
    payout = (staked * Decimal("0.012")).quantize(Decimal(1))
    return {
        "roundId": rnd.id,
        "tournamentId": str(rnd.tournament),
        "state": rnd.status(now),
        "openTime": _epoch(rnd.open_time),
        "closeTime": _epoch(rnd.close_staking_time),
        "resolveTime": _epoch(rnd.resolve_time),
        "resolved": resolved,
        "merkleRoot": hex_digest("merkle", rnd.id) if resolved else "0x" + "0" * 64,
        "payoutFactor": str(rnd.payout_factor),
        "stakeCap": _wei(Decimal(100_000)),
        "stakeThreshold": _wei(Decimal(str(rnd.stake_threshold))),
        "totalStaked": _wei(staked),
        "totalPayout": _wei(payout),
        "remainingPayout": _wei(Decimal(0) if resolved else payout),
        "remainingBurn": "0",
    }


@query("v3StakeAuth", auth=True)
def resolve_v3_stake_auth(
    info: GraphQLResolveInfo, submissionId: str, staker: str, maxAmount: str
) -> dict[str, Any]:
    world = _world(info)
    submission = world.submissions.get(submissionId)
    own = {m.id for m in world.own_models()}
    if submission is None or submission.model_id not in own:
        raise WorldError(f"Submission not found: {submissionId}")
    amount = parse_amount(maxAmount, "maxAmount")
    if amount <= 0:
        raise WorldError("maxAmount must be positive")
    config = world.v3_stake_config
    nonce = len(world.stake_requests) + 1
    deadline = world.clock() + dt.timedelta(hours=1)
    return {
        "authorizationSigner": config["authorizationSigner"],
        "authorizationDigest": hex_digest(
            "digest", submissionId, staker, maxAmount, nonce
        ),
        "chainId": "1",
        "deadline": _epoch(deadline),
        "maxAmount": maxAmount,
        "modelId": hex_digest("onchain-model", submission.model_id),
        "nmrAddress": config["nmrAddress"],
        "nonce": str(nonce),
        "roundId": submission.round_id,
        "signature": hex_digest("signature", submissionId, staker, nonce, length=130),
        "staker": staker,
        "stakingAddress": config["address"],
        "submissionId": submission.id,
        "submissionHash": hex_digest("submission", submission.id),
        "tournamentId": str(submission.tournament),
    }


@query("v3StakeClaim", auth=True)
def resolve_v3_stake_claim(
    info: GraphQLResolveInfo, roundId: str, modelId: str, staker: str
) -> dict[str, Any]:
    world = _world(info)
    rnd = _v3_round(world, roundId)
    model = _model_or_error(world, modelId)
    if not rnd.resolved(world.clock()):
        raise WorldError(f"Round {rnd.number} is not resolved yet; no claim available")
    submission = next(
        (
            s
            for s in world.submissions_of(model.id)
            if s.round_id == rnd.id and s.selected
        ),
        None,
    )
    payout = next(
        (p for p in world.payouts.get(model.id, []) if p["roundId"] == rnd.id), None
    )
    nmr = payout["payoutNmr"] if payout else Decimal(0)
    return {
        "apiModelId": model.id,
        "modelId": hex_digest("onchain-model", model.id),
        "roundId": rnd.id,
        "tournamentId": str(rnd.tournament),
        "staker": staker,
        "submissionId": submission.id if submission else None,
        "merkleRoot": hex_digest("merkle", rnd.id),
        "payoutAmountWei": _wei(max(nmr, Decimal(0)) + model.stake),
        "burnAmountWei": _wei(max(-nmr, Decimal(0))),
        "proof": [hex_digest("proof", rnd.id, model.id, i) for i in range(4)],
    }


@query("latestNmrPrice")
def resolve_latest_nmr_price(info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"priceUsd": "8.42", "lastUpdated": serialize_now(_world(info))}


def serialize_now(world: World) -> str:
    return world.clock().strftime("%Y-%m-%dT%H:%M:%SZ")


# -- mutations -------------------------------------------------------------------


@mutation("createSubmission")
def resolve_create_submission(
    info: GraphQLResolveInfo,
    filename: str,
    tournament: int,
    modelId: str | None = None,
    triggerId: str | None = None,
    source: str | None = None,
    dataDatestamp: int | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    world = _world(info)
    submission = world.create_submission(
        filename=filename,
        tournament=tournament,
        model_id=modelId,
        trigger_id=triggerId,
        source=source,
        data_datestamp=dataDatestamp,
    )
    return submission_view(submission, world)


@mutation("createSignalsSubmission")
def resolve_create_signals_submission(
    info: GraphQLResolveInfo,
    filename: str,
    modelId: str | None = None,
    triggerId: str | None = None,
    source: str | None = None,
    dataDatestamp: int | None = None,
    tournament: int | None = SIGNALS,
    version: int | None = None,
) -> dict[str, Any]:
    world = _world(info)
    submission = world.create_submission(
        filename=filename,
        tournament=SIGNALS if tournament is None else tournament,
        model_id=modelId,
        trigger_id=triggerId,
        source=source,
        data_datestamp=dataDatestamp,
    )
    return submission_view(submission, world)


@mutation("v2ChangeStake")
def resolve_change_stake(
    info: GraphQLResolveInfo,
    value: str,
    type: str,
    tournamentNumber: int,
    modelId: str | None = None,
) -> dict[str, Any]:
    request = _world(info).change_stake(
        model_id=modelId, tournament=tournamentNumber, kind=type, value=value
    )
    return stake_request_view(request)


@mutation("releaseStake")
def resolve_release_stake(
    info: GraphQLResolveInfo, modelId: str, amount: str, drain: bool | None = False
) -> dict[str, Any]:
    request = _world(info).release_stake(
        model_id=modelId, amount=amount, drain=bool(drain)
    )
    return stake_request_view(request)


@mutation("increaseStake")
def resolve_increase_stake(
    info: GraphQLResolveInfo, modelId: str, amount: str
) -> dict[str, Any]:
    return stake_request_view(
        _world(info).increase_stake(model_id=modelId, amount=amount)
    )


@mutation("setUserBio")
def resolve_set_user_bio(
    info: GraphQLResolveInfo, value: str, modelId: str | None = None
) -> bool:
    _world(info).set_bio(modelId, value)
    return True


@mutation("setUserLink")
def resolve_set_user_link(
    info: GraphQLResolveInfo,
    linkUrl: str,
    linkText: str | None = None,
    modelId: str | None = None,
) -> bool:
    _world(info).set_link(modelId, linkUrl, linkText)
    return True


@mutation("setSubmissionWebhook")
def resolve_set_submission_webhook(
    info: GraphQLResolveInfo,
    modelId: str | None = None,
    newSubmissionWebhook: str | None = None,
) -> str:
    _world(info).set_submission_webhook(modelId, newSubmissionWebhook)
    return "true"


@mutation("createDiagnostics")
def resolve_create_diagnostics(
    info: GraphQLResolveInfo, filename: str, tournament: int, modelId: str | None = None
) -> dict[str, Any]:
    record = _world(info).create_diagnostics(
        filename=filename, tournament=tournament, model_id=modelId
    )
    return {"id": record.id, "status": "pending", "filename": record.filename}


@mutation("createComputePickleUpload")
def resolve_create_compute_pickle_upload(
    info: GraphQLResolveInfo,
    filename: str,
    tournament: int,
    modelId: str | None = None,
    dataVersionId: str | None = None,
    dockerImageId: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    world = _world(info)
    record = world.create_compute_pickle_upload(
        filename=filename,
        tournament=tournament,
        model_id=modelId,
        data_version_id=dataVersionId,
        docker_image_id=dockerImageId,
    )
    return pickle_view(record, world)


@mutation("addModel")
def resolve_add_model(
    info: GraphQLResolveInfo, name: str, tournament: int
) -> dict[str, Any]:
    world = _world(info)
    with world.lock:
        model = world.add_model(name, tournament)
        # A model created through the API starts without a stake.
        model.stake = Decimal(0)
    return model_view(model, world)
