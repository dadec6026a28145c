"""Arguments that name things are checked before any request: tournaments,
dataset file names, rounds and dates."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _read_support import MODES
from _write_support import Caller, callers, clean_environment

from numerapi_gen import NumeraiValidationError
from numerapi_gen.testing import FakeNumerai


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch, tmp_path)


@pytest.fixture(params=MODES)
def api(request: pytest.FixtureRequest, server: FakeNumerai) -> Iterator[Caller]:
    yield from callers(server, "classic", request.param)


def refused(server: FakeNumerai, argument: str, *calls: Any) -> None:
    """Every call raises a validation error naming ``argument``; nothing is sent."""
    for call in calls:
        with pytest.raises(NumeraiValidationError) as info:
            call()
        assert info.value.argument == argument, info.value
    assert len(server.requests) == 0


@pytest.mark.parametrize("tournament", [999999999999, -1, 0, 8.5, "8", True, 9])
def test_tournaments_are_known_ints(
    api: Caller, server: FakeNumerai, tournament: Any
) -> None:
    refused(
        server,
        "tournament",
        lambda: api.get_current_round(tournament),
        lambda: api.get_models(tournament),
        lambda: api.get_competitions(tournament),
        lambda: api.pending_model_payouts(tournament),
        lambda: api.get_submission_filenames(tournament=tournament),
    )


def test_known_tournaments_are_accepted(api: Caller, server: FakeNumerai) -> None:
    for tournament in (8, 11, 12):
        assert (
            api.get_current_round(tournament)
            == server.world.current_round(tournament).number
        )


@pytest.mark.parametrize(
    "filename",
    [
        "/etc/passwd",
        "../train.parquet",
        "v5.0/../../train.parquet",
        "v5.0\\train.parquet",
        "v5.0/train parquet",
        "v5.0/",
        "",
        3,
    ],
)
def test_dataset_names_have_the_apis_format(
    api: Caller, server: FakeNumerai, filename: Any
) -> None:
    refused(
        server,
        "filename",
        lambda: api.download_dataset(filename),
    )


def test_rounds_and_dates_are_checked(api: Caller, server: FakeNumerai) -> None:
    refused(
        server,
        "round_num",
        lambda: api.list_datasets(round_num="5"),
        lambda: api.list_datasets(round_num=-1),
        lambda: api.download_dataset("v5.0/train.parquet", round_num=1.5),
        lambda: api.get_submission_filenames(round_num="1"),
    )
    refused(
        server,
        "date",
        lambda: api.pipeline_status("20261128"),
        lambda: api.pipeline_status("2026-11-31"),
        lambda: api.pipeline_status(20261128),
    )
    api.pipeline_status(datetime.date(2026, 11, 28))
