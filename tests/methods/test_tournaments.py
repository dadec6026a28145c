"""Tournament-only reads: NumerAPI.get_competitions, SignalsAPI.ticker_universe.

(The tournaments' get_leaderboard and daily_model_performances are tested with
the other leaderboards and performances.)
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from _read_support import (
    MODES,
    assert_authorization,
    assert_no_requests,
    assert_twins,
    keys,
    make_api,
    numerapi_keys,
)

from numerapi_gen import NotFoundError, NumeraiValidationError, Records
from numerapi_gen._methods.rounds import Round
from numerapi_gen._methods.signals import LIVE_UNIVERSE, live_universe_file
from numerapi_gen.testing import FakeNumerai


def test_signatures_match_numerapi_and_async_twins() -> None:
    assert_twins("classic", ["get_competitions"])
    assert_twins("signals", ["ticker_universe"])


# --- get_competitions -------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tournament", [None, 8, 11])
def test_get_competitions(server: FakeNumerai, mode: str, tournament: Any) -> None:
    for api in make_api(server, "classic", mode):
        rounds = (
            api.get_competitions()
            if tournament is None
            else (api.get_competitions(tournament))
        )
    world = server.world.rounds_of(tournament or 8)
    assert isinstance(rounds, Records)
    assert [r.number for r in rounds] == [r.number for r in world]
    now = server.world.clock()
    for ours, theirs in zip(rounds, world, strict=True):
        assert isinstance(ours, Round)
        assert isinstance(ours.open_time, datetime.datetime)
        assert ours.open_time == theirs.open_time
        assert ours.resolve_time == theirs.resolve_time
        assert ours.resolved_general == theirs.resolved(now)
    # One Round type for every operation: numerapi's keys and more.
    assert keys(rounds[0]) >= numerapi_keys("classic", "get_competitions")
    assert_authorization(server, sent=False)


def test_get_competitions_dataframe(server: FakeNumerai) -> None:
    for api in make_api(server, "classic", "sync"):
        frame = api.get_competitions().to_dataframe()
    assert list(frame.columns[:2]) == ["number", "openTime"]
    assert {"resolveTime", "resolvedGeneral", "resolvedStaking"} <= set(frame.columns)
    assert frame["number"].dtype == "Int64"
    assert isinstance(frame["openTime"].dtype, pd.DatetimeTZDtype)
    assert str(frame["openTime"].dt.tz) == "UTC"
    assert frame["resolvedGeneral"].dtype == "boolean"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tournament", ["8", 0, -8, None, 8.0])
def test_get_competitions_rejects_bad_tournaments(
    server: FakeNumerai, mode: str, tournament: Any
) -> None:
    for api in make_api(server, "classic", mode):
        with pytest.raises(NumeraiValidationError):
            api.get_competitions(tournament)
    assert_no_requests(server)


# --- ticker_universe ----------------------------------------------------------------


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _dataset_requested(server: FakeNumerai) -> Any:
    (request,) = server.requests.graphql("GetDatasetUrl")
    assert request.variables is not None
    return request.variables["filename"]


def _world_tickers(server: FakeNumerai, name: str) -> list[str]:
    blob = server.world.blobs.get(server.world.datasets[name].blob_key)
    assert blob is not None
    path = blob.path
    return [str(t) for t in pd.read_parquet(path)["numerai_ticker"]]


@pytest.mark.parametrize("mode", MODES)
def test_ticker_universe_reads_numerapis_live_file(
    server: FakeNumerai, mode: str
) -> None:
    tickers = ["AAPL US", "MSFT US", "7203 JP"]
    server.world.add_dataset(
        LIVE_UNIVERSE,
        _parquet(pd.DataFrame({"numerai_ticker": tickers, "signal": [0.1] * 3})),
    )
    for api in make_api(server, "signals", mode):
        assert api.ticker_universe() == tickers
    assert Path(LIVE_UNIVERSE).is_file()  # where numerapi puts it: the data dir
    assert server.requests.operations() == ["ListDatasets", "GetDatasetUrl"]
    assert _dataset_requested(server) == LIVE_UNIVERSE
    assert_authorization(server, sent=False)
    downloads = [r for r in server.requests if r.path.startswith("/files/")]
    assert downloads
    assert all(r.authorization is None for r in downloads)


@pytest.mark.parametrize("mode", MODES)
def test_ticker_universe_of_the_seed_world(server: FakeNumerai, mode: str) -> None:
    assert LIVE_UNIVERSE in server.world.datasets
    for api in make_api(server, "signals", mode):
        tickers = api.ticker_universe()
    assert tickers == _world_tickers(server, LIVE_UNIVERSE)
    assert tickers


@pytest.mark.parametrize("mode", MODES)
def test_ticker_universe_uses_the_newest_live_file_without_v1(
    server: FakeNumerai, mode: str
) -> None:
    del server.world.datasets[LIVE_UNIVERSE]
    newest = live_universe_file(sorted(server.world.datasets))
    assert newest.startswith("signals/v")
    assert newest != LIVE_UNIVERSE
    for api in make_api(server, "signals", mode):
        tickers = api.ticker_universe()
    assert tickers == _world_tickers(server, newest)
    assert tickers
    assert _dataset_requested(server) == newest


def test_live_universe_file_choice() -> None:
    assert (
        live_universe_file(["signals/v2.0/live.parquet", LIVE_UNIVERSE])
        == LIVE_UNIVERSE
    )
    assert live_universe_file(
        ["signals/v2.0/live.parquet", "signals/v10.1/live.parquet", "v5.0/live.parquet"]
    ) == ("signals/v10.1/live.parquet")
    with pytest.raises(NotFoundError):
        live_universe_file(["v5.0/live.parquet", "signals/v2.0/train.parquet"])


@pytest.mark.parametrize("mode", MODES)
def test_ticker_universe_without_a_ticker_column(
    server: FakeNumerai, mode: str
) -> None:
    server.world.add_dataset(
        LIVE_UNIVERSE, _parquet(pd.DataFrame({"ticker": ["AAPL US"]}))
    )
    for api in make_api(server, "signals", mode):
        with pytest.raises(NotFoundError, match="numerai_ticker"):
            api.ticker_universe()


@pytest.mark.parametrize("mode", MODES)
def test_ticker_universe_without_a_live_file(server: FakeNumerai, mode: str) -> None:
    for name in [n for n in server.world.datasets if n.startswith("signals/")]:
        del server.world.datasets[name]
    for api in make_api(server, "signals", mode):
        with pytest.raises(NotFoundError, match="live"):
            api.ticker_universe()
    assert server.requests.operations() == ["ListDatasets"]
