"""The custom scalars parse the API's real formats into exact Python values."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from numerai_graphql import GetAccountAccount, GetClassicLeaderboardV2Leaderboard
from numerai_graphql.scalars import (
    parse_date,
    parse_decimal,
    parse_time,
    serialize_date,
    serialize_decimal,
    serialize_time,
)
from pydantic import ValidationError

UTC = datetime.timezone.utc


def test_amounts_with_thousands_separators_are_exact_decimals() -> None:
    assert parse_decimal("1,234.500000000000000000") == Decimal("1234.5")
    assert parse_decimal("0.000000000000000001") == Decimal("1E-18")
    assert parse_decimal(3) == Decimal(3)
    assert parse_decimal(None) is None
    with pytest.raises(ValueError, match="invalid decimal"):
        parse_decimal("12 NMR")
    with pytest.raises(ValueError, match="invalid decimal"):
        parse_decimal("NaN")


def test_times_are_timezone_aware() -> None:
    assert parse_time("2026-11-27T13:00:00Z") == datetime.datetime(
        2026, 11, 27, 13, tzinfo=UTC
    )
    assert parse_time("2026-11-27T13:00:00.123456Z").microsecond == 123456
    assert parse_time("2026-11-27T13:00:00") == datetime.datetime(
        2026, 11, 27, 13, tzinfo=UTC
    )
    offset = parse_time("2026-11-27T14:00:00+01:00")
    assert offset == datetime.datetime(2026, 11, 27, 13, tzinfo=UTC)
    assert parse_time(None) is None
    with pytest.raises(ValueError, match="invalid Time"):
        parse_time("yesterday")


def test_dates_accept_a_time_part() -> None:
    assert parse_date("2026-11-27") == datetime.date(2026, 11, 27)
    assert parse_date("2026-11-27T00:00:00Z") == datetime.date(2026, 11, 27)
    assert parse_date(None) is None
    with pytest.raises(ValueError, match="invalid Date"):
        parse_date("27/11/2026")


def test_serializers_round_trip_and_pass_unset_through() -> None:
    moment = datetime.datetime(2026, 11, 27, 13, tzinfo=UTC)
    assert serialize_time(moment) == "2026-11-27T13:00:00Z"
    assert parse_time(serialize_time(moment)) == moment
    assert serialize_date(datetime.date(2026, 11, 27)) == "2026-11-27"
    assert serialize_decimal(Decimal("1234.50")) == "1234.50"
    sentinel = object()
    for serialize in (serialize_time, serialize_date, serialize_decimal):
        assert serialize(None) is None
        assert serialize(sentinel) is sentinel


def test_generated_models_use_the_scalars() -> None:
    account = GetAccountAccount.model_validate(
        {
            "id": "a",
            "username": "u",
            "email": None,
            "status": None,
            "mfaEnabled": None,
            "insertedAt": "2026-11-27T13:00:00Z",
            "availableNmr": "1,234.500000000000000000",
            "walletAddress": None,
            "apiTokens": None,
            "models": None,
        }
    )
    assert account.available_nmr == Decimal("1234.5")
    assert account.inserted_at == datetime.datetime(2026, 11, 27, 13, tzinfo=UTC)
    dumped = account.model_dump(by_alias=True)
    assert dumped["availableNmr"] == Decimal("1234.5")
    assert isinstance(dumped["insertedAt"], datetime.datetime)


ROW = (
    '{"username": "u", "rank": 1, "nmrStaked": %s, "corr20Rep": null,'
    ' "corr20V2Rep": null, "corj60Rep": null, "fncRep": null, "fncV3Rep": null,'
    ' "tcRep": null, "mmcRep": null, "bmcRep": null, "team": null,'
    ' "return_1_day": null, "return_52_weeks": null, "return_13_weeks": null}'
)


@pytest.mark.parametrize(
    "wire, expected",
    [
        ('"1947.900000000000000000"', Decimal("1947.9")),  # the usual form
        ('"1,234.500000000000000000"', Decimal("1234.5")),  # parse_decimal's job
        ('" 12.5 "', Decimal("12.5")),
        ("0.1", Decimal("0.1")),  # a JSON number: no binary-float residue
        ("12", Decimal(12)),
        ("null", None),
    ],
)
def test_amounts_from_json_bytes(wire: str, expected: Decimal | None) -> None:
    """pydantic-core's Decimal first, parse_decimal second: the same values
    parse_decimal alone gives, from the response bytes."""
    row = GetClassicLeaderboardV2Leaderboard.model_validate_json(ROW % wire)
    assert row.nmr_staked == expected
    assert row.nmr_staked is None or isinstance(row.nmr_staked, Decimal)


@pytest.mark.parametrize("wire", ['"NaN"', '"Infinity"', '"-inf"', '"12 NMR"', "true"])
def test_invalid_amounts_are_rejected(wire: str) -> None:
    with pytest.raises(ValidationError):
        GetClassicLeaderboardV2Leaderboard.model_validate_json(ROW % wire)
