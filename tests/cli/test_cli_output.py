"""Rendering: exact JSON, aligned tables, key: value records."""

from __future__ import annotations

import datetime
import enum
import json
from decimal import Decimal

from numerai_graphql import GetAccountAccount

from numerapi_gen.cli._output import render_json, render_text

UTC = datetime.timezone.utc


class Color(enum.Enum):
    RED = "RED"


def test_json_is_exact() -> None:
    value = {
        "nmr": Decimal("1234.500000000000000001"),
        "tiny": Decimal("1E-18"),
        "big": Decimal("1E+3"),
        "time": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "date": datetime.date(2026, 1, 2),
        "color": Color.RED,
        "nan": float("nan"),
        "none": None,
        "flag": True,
    }
    assert json.loads(render_json(value)) == {
        "nmr": "1234.500000000000000001",
        "tiny": "0.000000000000000001",
        "big": "1000",
        "time": "2026-01-02T03:04:05+00:00",
        "date": "2026-01-02",
        "color": "RED",
        "nan": None,
        "none": None,
        "flag": True,
    }


def test_models_are_dumped_by_alias() -> None:
    account = GetAccountAccount.model_validate(
        {
            "id": "a",
            "username": "me",
            "email": None,
            "status": None,
            "mfaEnabled": True,
            "insertedAt": "2026-01-02T03:04:05Z",
            "availableNmr": "1,234.50",
            "walletAddress": None,
            "apiTokens": [],
            "models": [],
        }
    )
    data = json.loads(render_json(account))
    assert data["mfaEnabled"] is True
    assert data["availableNmr"] == "1234.50"
    assert data["insertedAt"] == "2026-01-02T03:04:05+00:00"
    assert "available_nmr" not in data
    text = render_text(account)
    assert "availableNmr:  1234.5" in text
    assert "mfaEnabled:    true" in text
    assert "email:         -" in text


def test_table_alignment() -> None:
    rows = [
        {"name": "a", "stake": Decimal("1.50"), "rank": 10},
        {"name": "longer", "stake": None, "rank": 2},
    ]
    assert render_text(rows).splitlines() == [
        "name    stake  rank",
        "------  -----  ----",
        "a         1.5    10",
        "longer      -     2",
    ]


def test_scalars_lists_and_empty() -> None:
    assert render_text(["x", "y"]) == "x\ny"
    assert render_text([]) == "(none)"
    assert render_text({}) == "(none)"
    assert render_text(None) == "-"
    assert render_text(Decimal("12.500000")) == "12.5"
    assert render_text(0.1234567891) == "0.123457"
    assert render_text(12345678.0) == "12345678"


def test_nested_records_are_indented() -> None:
    text = render_text(
        {
            "user": "me",
            "tokens": [{"name": "t", "scopes": ["a", "b"]}],
            "meta": {"k": 1},
        }
    )
    assert text.splitlines() == [
        "user:   me",
        "tokens:",
        "  name  scopes",
        "  ----  ----------",
        '  t     ["a", "b"]',
        "meta:",
        "  k: 1",
    ]
