"""pipeline_status and raw_query."""

from __future__ import annotations

import datetime
from typing import Any

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
from numerai_graphql import GetPipelineStatus

from numerapi_gen import (
    APIStatusError,
    GraphQLError,
    MissingCredentialsError,
    NotFoundError,
    NumeraiValidationError,
)
from numerapi_gen._methods import pipeline as plans
from numerapi_gen._methods.pipeline import PipelineStatus
from numerapi_gen.testing import FakeNumerai

KINDS = ["classic", "signals", "crypto"]
#: numerapi asks for the Classic pipeline on Classic, for Signals' otherwise.
PIPELINE = {"classic": "classic", "signals": "signals", "crypto": "signals"}
CURRENT_ROUND = "query Probe($t: Int) { rounds(tournament: $t, number: 0) { number } }"


@pytest.mark.parametrize("kind", KINDS)
def test_signatures_match_numerapi_and_async_twin(kind: str) -> None:
    assert_twins(kind, ["pipeline_status", "raw_query"])


# --- pipeline_status --------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_pipeline_status_today(server: FakeNumerai, mode: str, kind: str) -> None:
    for api in make_api(server, kind, mode):
        status = api.pipeline_status()
    today = datetime.date.today().isoformat()
    assert isinstance(status, PipelineStatus)
    assert status.tournament == PIPELINE[kind]
    for moment in (
        status.data_ready_at,
        status.started_at,
        status.scored_at,
        status.resolved_at,
    ):
        assert isinstance(moment, datetime.datetime)
        assert moment.date().isoformat() == today
    assert isinstance(status.is_scoring_day, bool)
    assert keys(status) == numerapi_keys("classic", "pipeline_status")
    (request,) = server.requests.graphql()
    assert request.variables == {"tournament": PIPELINE[kind], "date": today}
    assert_authorization(server, sent=False)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "day",
    ["2026-01-05", datetime.date(2026, 1, 5), datetime.datetime(2026, 1, 5, 23, 59)],
)
def test_pipeline_status_of_a_day(server: FakeNumerai, mode: str, day: Any) -> None:
    for api in make_api(server, "classic", mode):
        status = api.pipeline_status(day)
    assert status.data_ready_at is not None
    assert status.data_ready_at.date() == datetime.date(2026, 1, 5)
    assert status.is_scoring_day is False  # a Monday
    assert server.requests.graphql()[0].variables == {
        "tournament": "classic",
        "date": "2026-01-05",
    }


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "", 20260105])
def test_pipeline_status_rejects_bad_dates(
    server: FakeNumerai, mode: str, day: Any
) -> None:
    for api in make_api(server, "classic", mode):
        with pytest.raises(NumeraiValidationError):
            api.pipeline_status(day)
    assert_no_requests(server)


def test_null_pipeline_status_is_not_found() -> None:
    plan = plans.pipeline_status(8, "2026-01-05")
    next(plan)
    with pytest.raises(NotFoundError, match="2026-01-05"):
        plan.send(GetPipelineStatus(pipelineStatus=None))


# --- raw_query --------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_raw_query_returns_data(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode):
        result = api.raw_query(CURRENT_ROUND, {"t": 8})
    current = server.world.current_round(8)
    assert current is not None
    assert result == {"data": {"rounds": [{"number": current.number}]}}
    (request,) = server.requests.graphql()
    assert request.variables == {"t": 8}
    assert_authorization(server, sent=False)


@pytest.mark.parametrize("mode", MODES)
def test_raw_query_with_authorization(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode):
        result = api.raw_query("query { account { username } }", authorization=True)
    assert result == {"data": {"account": {"username": server.world.account.username}}}
    assert_authorization(server, sent=True)


@pytest.mark.parametrize("mode", MODES)
def test_raw_query_authorization_needs_keys(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode, keys=False):
        with pytest.raises(MissingCredentialsError):
            api.raw_query("query { account { username } }", authorization=True)
    assert_no_requests(server)


@pytest.mark.parametrize("mode", MODES)
def test_raw_query_errors(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode):
        with pytest.raises(GraphQLError) as caught:
            api.raw_query("query { rounds(tournament: 8) { noSuchField } }")
    assert "noSuchField" in str(caught.value)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("retries", "failures", "requests", "succeeds"),
    [
        (1, 1, 1, False),  # one attempt, no retry
        (2, 1, 2, True),
        (3, 2, 3, True),
        (3, 3, 3, False),
        (0, 1, 1, False),
    ],
)
def test_raw_query_retries_count_attempts(
    server: FakeNumerai,
    mode: str,
    retries: int,
    failures: int,
    requests: int,
    succeeds: bool,
) -> None:
    server.faults.add(operation="Probe", statuses=[503] * failures)
    for api in make_api(server, "classic", mode):
        if succeeds:
            result = api.raw_query(
                CURRENT_ROUND, {"t": 8}, retries=retries, delay=0, backoff=1
            )
            assert result["data"]["rounds"]
        else:
            with pytest.raises(APIStatusError) as caught:
                api.raw_query(
                    CURRENT_ROUND, {"t": 8}, retries=retries, delay=0, backoff=1
                )
            assert caught.value.status_code == 503
    assert len(server.requests.graphql("Probe")) == requests


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("",), {}),
        ((None,), {}),
        ((CURRENT_ROUND, [8]), {}),
        ((CURRENT_ROUND, None, "yes"), {}),
        ((CURRENT_ROUND,), {"retries": -1}),
        ((CURRENT_ROUND,), {"retries": 1.5}),
        ((CURRENT_ROUND,), {"delay": -1}),
        ((CURRENT_ROUND,), {"backoff": "2"}),
    ],
)
def test_raw_query_rejects_bad_arguments(
    server: FakeNumerai, mode: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    for api in make_api(server, "classic", mode):
        with pytest.raises(NumeraiValidationError):
            api.raw_query(*args, **kwargs)
    assert_no_requests(server)
