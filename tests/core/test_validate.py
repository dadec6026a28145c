"""Argument checks name the argument and never let bad input reach the wire."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest

from numerapi_gen import NumeraiValidationError
from numerapi_gen import _validate as v


def test_model_id_must_be_a_uuid() -> None:
    value = uuid.uuid4()
    assert v.model_id(str(value)) == str(value)
    assert v.model_id(value) == str(value)
    assert v.model_id(str(value).upper()) == str(value)
    with pytest.raises(NumeraiValidationError, match="model name") as info:
        v.model_id("my_model")
    assert info.value.argument == "model_id"
    with pytest.raises(NumeraiValidationError):
        v.model_id(42)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.5", Decimal("1.5")),
        (2, Decimal(2)),
        (0.1, Decimal("0.1")),
        (Decimal("3"), Decimal(3)),
    ],
)
def test_nmr_amounts_are_exact(raw: object, expected: Decimal) -> None:
    assert v.nmr_amount(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["-1", -0.5, "ten", "NaN", "inf", True, None, [1], 0, "1,000.25", "0,05", "1e2"],
)
def test_bad_nmr_amounts(raw: object) -> None:
    with pytest.raises(NumeraiValidationError) as info:
        v.nmr_amount(raw)
    assert info.value.argument == "nmr"


def test_zero_allowed_only_when_asked() -> None:
    assert v.nmr_amount("0", allow_zero=True) == 0


def test_exactly_one() -> None:
    assert v.exactly_one({"a": 1, "b": None}) == "a"
    with pytest.raises(NumeraiValidationError, match="both given"):
        v.exactly_one({"a": 1, "b": 2})
    with pytest.raises(NumeraiValidationError, match="neither given"):
        v.exactly_one({"a": None, "b": None})


def test_one_of_and_dates() -> None:
    assert v.one_of("open", ["open", "resolved"], "status") == "open"
    with pytest.raises(NumeraiValidationError, match="status must be one of"):
        v.one_of("opne", ["open", "resolved"], "status")
    assert v.iso_date(datetime.date(2026, 11, 28)) == "2026-11-28"
    assert v.iso_date("2026-11-28") == "2026-11-28"
    with pytest.raises(NumeraiValidationError):
        v.iso_date("28.11.2026")
