"""Rounds and datasets against the fake server, sync and async."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from _read_support import (
    MODES,
    assert_authorization,
    assert_no_requests,
    keys,
    make_api,
    numerapi_keys,
)

from numerapi_gen import NotFoundError, NumeraiValidationError, Records
from numerapi_gen._methods.rounds import Round
from numerapi_gen.testing import FakeNumerai

KINDS = {"classic": 8, "signals": 11, "crypto": 12}


def _between_rounds(server: FakeNumerai) -> None:
    """Move the world's clock past every round's submission window."""
    server.world.now = server.world.now + datetime.timedelta(days=3)
    assert server.world.current_round(8) is None


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_current_round_and_whether_it_is_open(
    server: FakeNumerai, mode: str, kind: str
) -> None:
    tournament = KINDS[kind]
    current = server.world.current_round(tournament)
    assert current is not None
    for api in make_api(server, kind, mode):
        assert api.get_current_round() == current.number
        assert (
            api.get_current_round(tournament=8) == server.world.current_round(8).number
        )  # type: ignore[union-attr]
        assert api.check_round_open() is True
        age = server.world.clock() - current.open_time
        hours = age.total_seconds() / 3600
        assert api.check_new_round(hours=int(hours) + 1) is True
        assert api.check_new_round(hours=max(int(hours) - 1, 0)) is False
    assert_authorization(server, sent=False)


@pytest.mark.parametrize("mode", MODES)
def test_between_rounds_nothing_is_open(server: FakeNumerai, mode: str) -> None:
    _between_rounds(server)
    for api in make_api(server, "classic", mode):
        assert api.get_current_round() is None
        assert api.check_round_open() is False
        assert api.check_new_round() is False


@pytest.mark.parametrize("mode", MODES)
def test_list_rounds_with_filters(server: FakeNumerai, mode: str) -> None:
    world = server.world.rounds_of(8)
    now = server.world.clock()
    for api in make_api(server, "classic", mode):
        every = api.list_rounds()
        resolved = api.list_rounds(status="resolved")
        one = api.list_rounds(number=world[1].number)
        two = api.list_rounds(limit=2)
    assert isinstance(every, Records) and all(isinstance(r, Round) for r in every)
    assert [r.number for r in every] == [r.number for r in world]
    assert [r.number for r in resolved] == [
        r.number for r in world if r.status(now) == "RESOLVED"
    ]
    assert [r.number for r in one] == [world[1].number]
    assert len(two) == 2
    first, theirs = every[0], world[0]
    assert first.payout_factor == Decimal(theirs.payout_factor)  # numerapi: Decimal
    assert isinstance(first.open_time, datetime.datetime)
    assert first.open_time.tzinfo is not None
    assert first.close_staking_time == theirs.close_staking_time
    # numerapi 3.1.1's keys, through the schema overlay, and typed
    assert keys(first) == numerapi_keys("classic", "list_rounds")
    configs = [c for c in first.round_score_configs or () if c is not None]
    assert len(configs) == len(first.round_score_configs or ()) > 0
    assert {
        key for c in configs for key in c.model_dump(by_alias=True)
    } == numerapi_keys("classic", "list_rounds", "roundScoreConfigs")
    corr = configs[0]
    assert isinstance(corr.scoring_start, datetime.date)
    assert corr.scoring_end is not None and corr.scoring_end > corr.scoring_start
    assert corr.round_number_end is None
    assert isinstance(corr.default_multiplier, float)
    assert isinstance(corr.payout_factor, float)
    assert_authorization(server, sent=False)


def test_list_rounds_to_dataframe(server: FakeNumerai) -> None:
    for api in make_api(server, "classic", "sync"):
        frame = api.list_rounds().to_dataframe()
    dtype = frame["openTime"].dtype
    assert isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "UTC"
    assert frame["payoutFactor"].dtype == "float64"
    assert str(frame["number"].dtype) == "Int64"
    assert list(frame["number"]) == [r.number for r in server.world.rounds_of(8)]
    # nested score configs stay one column of lists of numerapi-keyed dicts
    config = frame["roundScoreConfigs"].iloc[0][0]
    assert config["scoreConfigId"] and isinstance(config["scoringStart"], datetime.date)
    assert isinstance(config["minMultiplier"], float)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [({"status": "opne"}, "status"), ({"limit": 0}, "limit"), ({"limit": -1}, "limit")],
)
def test_bad_round_filters_fail_before_any_request(
    server: FakeNumerai, kwargs: dict[str, object], argument: str
) -> None:
    for api in make_api(server, "classic", "sync"):
        with pytest.raises(NumeraiValidationError) as info:
            api.list_rounds(**kwargs)
    assert info.value.argument == argument
    assert_no_requests(server)


@pytest.mark.parametrize("mode", MODES)
def test_list_and_download_datasets(
    server: FakeNumerai, mode: str, tmp_path: Path
) -> None:
    expected = sorted(
        name for name, d in server.world.datasets.items() if d.tournament == 8
    )
    for api in make_api(server, "classic", mode):
        names = api.list_datasets()
        path = api.download_dataset(
            "v5.0/validation.parquet", str(tmp_path / "sub" / "validation.parquet")
        )
    assert sorted(names) == expected
    blob = server.world.blobs.get(
        server.world.datasets["v5.0/validation.parquet"].blob_key
    )
    assert blob is not None
    assert Path(path).read_bytes() == blob.path.read_bytes()
    assert not list((tmp_path / "sub").glob("*.part*"))  # no leftovers


def test_download_into_the_global_data_dir(server: FakeNumerai, tmp_path: Path) -> None:
    for api in make_api(server, "classic", "sync"):
        api.set_global_data_dir(str(tmp_path / "data"))
        path = api.download_dataset("v5.0/features.json")
    assert Path(path) == tmp_path / "data" / "v5.0" / "features.json"
    assert Path(path).stat().st_size > 0


@pytest.mark.parametrize("mode", MODES)
def test_download_only_matching_rows(
    server: FakeNumerai, mode: str, tmp_path: Path
) -> None:
    source = tmp_path / "full.parquet"
    for api in make_api(server, "classic", mode):
        api.download_dataset("v5.0/train.parquet", str(source))
        era = str(pd.read_parquet(source, columns=["era"])["era"].iloc[0])
        subset = api.download_dataset(
            "v5.0/train.parquet",
            str(tmp_path / f"era-{mode}.parquet"),
            filters=[("era", "==", era)],
        )
    full = pd.read_parquet(source)
    part = pd.read_parquet(subset)
    assert 0 < len(part) < len(full)
    assert set(part["era"]) == {era}
    assert len(part) == int((full["era"] == era).sum())


def test_bad_dataset_requests(server: FakeNumerai, tmp_path: Path) -> None:
    for api in make_api(server, "classic", "sync"):
        with pytest.raises(NumeraiValidationError) as info:
            api.download_dataset("v5.0/features.json", filters=[("a", "==", 1)])
        assert info.value.argument == "filters"
        with pytest.raises(NumeraiValidationError):
            api.download_dataset("")
        assert_no_requests(server)
        with pytest.raises(NotFoundError):
            api.download_dataset("v5.0/no_such_file.parquet", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
