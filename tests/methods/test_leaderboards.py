"""get_account_leaderboard (every tournament) and each tournament's get_leaderboard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from _read_support import (
    MODES,
    assert_authorization,
    assert_no_requests,
    assert_twins,
    keys,
    make_api,
    nmr,
    numerapi_keys,
)
from numerai_graphql import (
    GetAccountLeaderboardAccountLeaderboard,
    GetClassicLeaderboardV2Leaderboard,
    GetCryptoLeaderboardCryptosignalsLeaderboard,
    GetSignalsLeaderboardSignalsLeaderboard,
)

from numerapi_gen import NumeraiValidationError, Records
from numerapi_gen.testing import FakeNumerai

KINDS = ["classic", "signals", "crypto"]
MODEL_TYPES: dict[str, type[Any]] = {
    "classic": GetClassicLeaderboardV2Leaderboard,
    "signals": GetSignalsLeaderboardSignalsLeaderboard,
    "crypto": GetCryptoLeaderboardCryptosignalsLeaderboard,
}
#: numerapi's keys -> the schema's field names the fake world stores.
SCHEMA_NAMES = {
    "return_1_day": "return1Day",
    "return_52_weeks": "return52Weeks",
    "return_13_weeks": "return13Weeks",
}


@pytest.mark.parametrize("kind", KINDS)
def test_signatures_match_numerapi_and_async_twin(kind: str) -> None:
    assert_twins(kind, ["get_account_leaderboard", "get_leaderboard"])


def _assert_rows_match(entries: list[Any], rows: list[dict[str, Any]]) -> None:
    assert len(entries) == len(rows)
    for entry, row in zip(entries, rows, strict=True):
        dumped = entry.model_dump(by_alias=True)
        for key, value in dumped.items():
            expected = row[SCHEMA_NAMES.get(key, key)]
            if key == "nmrStaked" or key.endswith("Nmr"):
                assert isinstance(value, Decimal), key
                assert value == nmr(expected), key
            else:
                assert value == expected, key


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_account_leaderboard(server: FakeNumerai, mode: str, kind: str) -> None:
    for api in make_api(server, kind, mode):
        first = api.get_account_leaderboard()
        page = api.get_account_leaderboard(limit=3, offset=2)
        rows = server.world.account_leaderboards[api.tournament]
    assert isinstance(first, Records)
    assert all(isinstance(e, GetAccountLeaderboardAccountLeaderboard) for e in first)
    _assert_rows_match(first, rows[:50])
    _assert_rows_match(page, rows[2:5])
    assert keys(first[0]) == numerapi_keys(kind, "get_account_leaderboard")
    # The top row's amount is sent with thousands separators, as the real API does.
    assert first[0].nmr_staked == nmr(rows[0]["nmrStaked"])
    assert_authorization(server, sent=False)
    variables = [r.variables for r in server.requests.graphql()]
    assert variables[-1] == {"limit": 3, "offset": 2, "tournament": api.tournament}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_model_leaderboard(server: FakeNumerai, mode: str, kind: str) -> None:
    rows = server.world.leaderboards[kind]
    for api in make_api(server, kind, mode):
        first = api.get_leaderboard()
        page = api.get_leaderboard(5, 10)
    assert isinstance(first, Records)
    assert all(isinstance(e, MODEL_TYPES[kind]) for e in first)
    _assert_rows_match(first, rows[:50])
    _assert_rows_match(page, rows[10:15])
    # numerapi's keys, including the snake_case return_* ones of Classic/Crypto.
    assert keys(first[0]) == numerapi_keys(kind, "get_leaderboard")
    assert_authorization(server, sent=False)


@pytest.mark.parametrize("kind", KINDS)
def test_leaderboard_dataframes(server: FakeNumerai, kind: str) -> None:
    for api in make_api(server, kind, "sync"):
        frame = api.get_leaderboard(limit=20).to_dataframe()
        accounts = api.get_account_leaderboard(limit=20).to_dataframe()
        exact = api.get_leaderboard(limit=3).to_dataframe(decimals="object")
    assert len(frame) == 20
    assert set(frame.columns) == numerapi_keys(kind, "get_leaderboard")
    assert frame["username"].dtype == "string"
    assert frame["rank"].dtype == "Int64"
    assert frame["nmrStaked"].dtype == "float64"
    if kind != "signals":
        assert frame["return_1_day"].dtype == "float64"
    assert all(isinstance(v, Decimal) for v in exact["nmrStaked"])
    assert accounts["nmrStaked"].dtype == "float64"
    assert accounts["return1yNmr"].dtype == "float64"
    assert accounts["rank"].dtype == "Int64"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["get_leaderboard", "get_account_leaderboard"])
@pytest.mark.parametrize(
    "arguments",
    [
        {"limit": -1},
        {"offset": -5},
        {"limit": "50"},
        {"offset": 1.5},
        {"limit": True},
        {"limit": None},
    ],
)
def test_bad_pages_fail_before_any_request(
    server: FakeNumerai, mode: str, name: str, arguments: dict[str, Any]
) -> None:
    for api in make_api(server, "classic", mode):
        with pytest.raises(NumeraiValidationError):
            getattr(api, name)(**arguments)
    assert_no_requests(server)


@pytest.mark.parametrize("mode", MODES)
def test_empty_page(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode):
        assert api.get_leaderboard(limit=0) == []
        assert api.get_leaderboard(offset=10**6) == []
