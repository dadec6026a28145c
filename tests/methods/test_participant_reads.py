"""The participant read methods beyond numerapi's, against the shared fake server.

Tokens, tournaments and round details, overviews, prices, seasons, Compute
pickles and their logs, the stake history and the staking service wallet;
each body runs on the sync client and on its async twin.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _read_support import CLIENTS, MODES, Api, assert_no_requests, make_api

from numerapi_gen import (
    GraphQLError,
    MissingCredentialsError,
    NotFoundError,
    NumeraiValidationError,
)
from numerapi_gen._methods.tournament_info import LeaderboardOverview
from numerapi_gen.testing import FakeNumerai, add_pickle
from numerapi_gen.testing._participant import API_TOKEN_SCOPES

READS = [
    "api_token_info",
    "api_token_scopes",
    "tournaments",
    "round_details",
    "tournament_overview",
    "leaderboard_overview",
    "nmr_price",
    "currency_price",
    "user_scores",
    "season_leaderboard",
    "season_account_summary",
    "compute_pickles",
    "compute_pickle_download_url",
    "download_compute_pickle",
    "trigger_logs",
    "diagnostics_trigger_logs",
    "stake_transactions",
    "v3_stake_service_wallet",
    "model_name_available",
]
TOURNAMENTS = {"classic": 8, "signals": 11, "crypto": 12}


@pytest.fixture
def fresh(
    fake_numerai: FakeNumerai, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> FakeNumerai:
    """The session's server, reset, with a pickle on the first Classic model."""
    for name in ("NUMERAI_PUBLIC_ID", "NUMERAI_SECRET_KEY", "NUMERAI_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    world = fake_numerai.world
    pickle = add_pickle(world, world.own_models(8)[0].id)
    fake_numerai.pickle_id = pickle.id  # type: ignore[attr-defined]
    return fake_numerai


def api_for(
    server: FakeNumerai, kind: str, mode: str, *, keys: bool = True
) -> Iterator[Api]:
    return make_api(server, kind, mode, keys=keys)


def test_every_read_has_an_async_twin() -> None:
    for sync_class, async_class in CLIENTS.values():
        for name in READS:
            sync_method = getattr(sync_class, name)
            async_method = getattr(async_class, name)
            assert inspect.iscoroutinefunction(async_method), name
            assert inspect.signature(sync_method) == inspect.signature(async_method)
            assert "Returns:" in (sync_method.__doc__ or ""), name
            assert "Example:" in (async_method.__doc__ or ""), name


@pytest.mark.parametrize("mode", MODES)
def test_tokens_tournaments_prices(fresh: FakeNumerai, mode: str) -> None:
    world = fresh.world
    for api in api_for(fresh, "classic", mode):
        token = api.api_token_info()
        scopes = api.api_token_scopes()
        tournaments = api.tournaments()
        price = api.nmr_price()
        pair = api.currency_price("nmr", "usd")
        inverse = api.currency_price("USD", "NMR")
        with pytest.raises(NotFoundError):
            api.currency_price("NMR", "DOGE")
    assert token.public_id == fresh.public_id
    assert token.account_username == world.account.username
    assert token.scopes == world.account.api_tokens[0].scopes
    assert {s.name: s.description for s in scopes} == API_TOKEN_SCOPES
    assert {t.tournament: t.name for t in tournaments} == {
        8: "classic",
        11: "signals",
        12: "crypto",
    }
    assert price.price_usd == Decimal("8.42")
    assert isinstance(price.last_updated, str)
    assert (pair.base_symbol, pair.target_symbol, pair.price) == (
        "NMR",
        "USD",
        Decimal("8.42"),
    )
    assert inverse.price == Decimal("0.118765")


@pytest.mark.parametrize("mode", ["sync"])
@pytest.mark.parametrize("kind", ["classic", "signals"])
def test_round_details_and_overviews(fresh: FakeNumerai, mode: str, kind: str) -> None:
    world = fresh.world
    tournament = TOURNAMENTS[kind]
    rnd = world.rounds_of(tournament)[3]
    for api in api_for(fresh, kind, mode, keys=False):
        details = api.round_details(rnd.number)
        with pytest.raises(NotFoundError, match="no round 1 in tournament"):
            api.round_details(1)
        overview = api.tournament_overview()
        history = api.leaderboard_overview()
    models = [
        m
        for m in world.models.values()
        if m.tournament == tournament and not m.archived
    ]
    staked = [m for m in models if m.stake > 0]
    assert (details.round_id, details.round_number, details.tournament) == (
        rnd.id,
        rnd.number,
        tournament,
    )
    assert details.open_time == rnd.open_time
    assert details.round_resolve_time == rnd.resolve_time
    assert {m.model_name for m in details.models or []} == {m.name for m in models}
    assert details.total_submitted == len(models)
    assert details.total_at_stake == pytest.approx(float(sum(m.stake for m in models)))
    assert overview.tournament == tournament
    assert overview.total_at_stake == sum(m.stake for m in staked)
    assert overview.total_stakes == len(staked)
    assert type(history) is LeaderboardOverview
    assert history.total_at_stake == overview.total_at_stake
    values = history.total_at_stake_values or []
    assert len(values) == 30
    assert values[-1] is not None and values[-1].value == overview.total_at_stake
    assert all(
        isinstance(v.date, datetime.date) for v in history.returns_values or [] if v
    )
    assert [r.operation for r in fresh.requests.graphql()] == [
        "GetRoundDetails",
        "GetRoundDetails",
        "GetV2TournamentOverview",
        "GetTournamentOverview"
        if kind == "classic"
        else "GetSignalsLeaderboardOverview",
    ]


@pytest.mark.parametrize("mode", ["sync"])
def test_scores_seasons_wallet(fresh: FakeNumerai, mode: str) -> None:
    world = fresh.world
    model = world.own_models(8)[1]
    year = world.now.year
    for api in api_for(fresh, "classic", mode):
        scores = api.user_scores(model.id)
        seasons = api.season_leaderboard(year)
        top = api.season_leaderboard(year, tier_number_lte=1)
        none = api.season_leaderboard(1999)
        summary = api.season_account_summary()
        wallet = api.v3_stake_service_wallet()
        free = api.model_name_available("never_used_name")
        taken = api.model_name_available(model.name)
    assert len(scores) == 2 * len(model.daily_performances)
    first = scores[0]
    assert first.date is not None
    assert first.reputation == model.daily_performances[0]["corrRep"]
    (season,) = seasons
    listed = [
        e.account_username
        for t in season.tiers or []
        if t
        for e in t.leaderboard or []
        if e
    ]
    assert sorted(listed) == sorted(world.users)
    assert [t.tier_number for t in top[0].tiers or [] if t] == [1]
    assert none == []
    assert [s.year for s in summary] == [year - 1, year]
    assert wallet.service_wallet == world.v3_stake_config["serviceWallet"]
    assert Decimal(wallet.wallet_balance or "") == world.account.available_nmr
    assert (free, taken) == (True, False)


@pytest.mark.parametrize("mode", ["sync"])
def test_compute_pickles_download_and_logs(fresh: FakeNumerai, mode: str) -> None:
    world = fresh.world
    model = world.own_models(8)[0]
    pickle_id: str = fresh.pickle_id  # type: ignore[attr-defined]
    record = world.compute_pickle_uploads[pickle_id]
    for api in api_for(fresh, "classic", mode):
        listed = api.compute_pickles(model_id=model.id)
        unassigned = api.compute_pickles(unassigned=True)
        url = api.compute_pickle_download_url(model.id)
        path = api.download_compute_pickle(model.id, "mine.pkl", pickle_id=pickle_id)
        validation_logs = api.diagnostics_trigger_logs(pickle_id)
    assert [p.id for p in listed] == [pickle_id]
    assert listed[0].model_id == model.id
    assert listed[0].assigned_model_slots == [model.id]
    assert unassigned == []
    assert url.startswith(fresh.url) and record.filename in url
    assert record.upload_key is not None
    assert (
        Path(path).read_bytes() == b"\x80\x05fake pickle " + record.upload_key.encode()
    )
    assert validation_logs == []


@pytest.mark.parametrize("mode", ["sync"])
def test_stake_transactions_page(fresh: FakeNumerai, mode: str) -> None:
    world = fresh.world
    staked = [m for m in world.own_models() if m.stake > 0]
    for api in api_for(fresh, "classic", mode):
        everything = api.stake_transactions(limit=1000)
        page = api.stake_transactions(limit=3, offset=2)
        one_model = api.stake_transactions(model_id=staked[0].id, limit=1000)
        payouts = api.stake_transactions(type_="payout", limit=1000)
        with pytest.raises(GraphQLError, match="Model not found"):
            api.stake_transactions(model_id="00000000-0000-4000-8000-000000000000")
    assert len(everything) == 7 * len(staked)
    times = [t.timestamp for t in everything]
    assert times == sorted(times, reverse=True)
    assert [t.model_dump() for t in page] == [t.model_dump() for t in everything[2:5]]
    assert {t.model_id for t in one_model} == {staked[0].id}
    # the history ends at the model's stake
    assert one_model[0].value == staked[0].stake
    assert sum(t.amount or 0 for t in one_model) == staked[0].stake
    assert payouts and {t.type_ for t in payouts} == {"payout"}


BAD_CALLS = [
    ("round_details", (0,), "round_num"),
    ("currency_price", ("", "USD"), "base_symbol"),
    ("user_scores", ("my_model",), "model_id"),
    ("season_leaderboard", (2026, -1), "tier_number_lte"),
    ("compute_pickles", (None, "nope"), "pickle_id"),
    ("compute_pickle_download_url", ("x",), "model_id"),
    (
        "download_compute_pickle",
        ("00000000-0000-4000-8000-000000000000", ""),
        "dest_path",
    ),
    ("trigger_logs", ("nope",), "trigger_id"),
    ("diagnostics_trigger_logs", (42,), "pickle_id"),
    ("stake_transactions", (None, None, -1), "limit"),
    ("model_name_available", ("bad name!",), "name"),
]


@pytest.mark.parametrize(("name", "args", "argument"), BAD_CALLS)
def test_bad_arguments_fail_before_any_request(
    fresh: FakeNumerai, name: str, args: tuple[Any, ...], argument: str
) -> None:
    for api in api_for(fresh, "classic", "sync"):
        with pytest.raises(NumeraiValidationError) as caught:
            getattr(api, name)(*args)
    assert caught.value.argument == argument
    assert_no_requests(fresh)


def test_account_reads_need_keys(fresh: FakeNumerai) -> None:
    for api in api_for(fresh, "classic", "sync", keys=False):
        for name in ("api_token_info", "season_account_summary", "stake_transactions"):
            with pytest.raises(MissingCredentialsError):
                getattr(api, name)()
    assert_no_requests(fresh)
