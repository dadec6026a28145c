"""Scores, payouts and performances: submission_scores, pending_model_payouts,
round_model_performances(_v2), intra_round_scores, daily_model_performances."""

from __future__ import annotations

import datetime
import uuid
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
    numerapi_keys,
)
from numerai_graphql import (
    GetClassicDailyModelPerformances,
    GetIntraRoundScoresV2RoundModelPerformances,
    GetPendingModelPayouts,
    GetRoundModelPerformancesV2RoundModelPerformances,
    GetSignalsDailyModelPerformances,
    GetSubmissionScoresSubmissionScores,
)

from numerapi_gen import (
    GraphQLError,
    MissingCredentialsError,
    NotFoundError,
    NumeraiValidationError,
    Records,
)
from numerapi_gen._methods import performance as plans
from numerapi_gen._methods.performance import ModelPayouts, Payout
from numerapi_gen.testing import FakeNumerai
from numerapi_gen.testing._resolvers import round_score_configs

UTC = datetime.timezone.utc
SHARED = [
    "submission_scores",
    "pending_model_payouts",
    "round_model_performances_v2",
    "round_model_performances",
    "intra_round_scores",
]


@pytest.mark.parametrize("kind", ["classic", "signals", "crypto"])
def test_signatures_match_numerapi_and_async_twin(kind: str) -> None:
    assert_twins(kind, SHARED)


@pytest.mark.parametrize("kind", ["classic", "signals"])
def test_daily_performance_signatures(kind: str) -> None:
    assert_twins(kind, ["daily_model_performances"])


def _classic_model(server: FakeNumerai) -> Any:
    """The account's best-staked Classic model (it has scores and payouts)."""
    return max(server.world.own_models(8), key=lambda m: m.stake)


# --- submission_scores ------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_submission_scores(server: FakeNumerai, mode: str) -> None:
    model = _classic_model(server)
    for api in make_api(server, "classic", mode):
        scores = api.submission_scores(model.id)
    world = server.world.submission_scores[model.id]
    assert isinstance(scores, Records)
    assert len(scores) == len(world) > 0
    assert all(isinstance(s, GetSubmissionScoresSubmissionScores) for s in scores)
    ours = sorted((s.round_number, s.display_name, s.day, s.value) for s in scores)
    theirs = sorted(
        (r["roundNumber"], r["displayName"], r["day"], r["value"]) for r in world
    )
    assert ours == theirs
    first = scores[0].model_dump(by_alias=True)
    # One SubmissionScore type for every operation: numerapi's keys and more.
    assert set(first) >= numerapi_keys("classic", "submission_scores")
    for key in (
        "roundResolveTime",
        "roundScoreTime",
        "roundCloseStakingTime",
        "date",
        "resolveDate",
    ):
        assert isinstance(first[key], datetime.datetime), key
    assert_authorization(server, sent=False)


@pytest.mark.parametrize("mode", MODES)
def test_submission_scores_filters(server: FakeNumerai, mode: str) -> None:
    model = _classic_model(server)
    for api in make_api(server, "classic", mode):
        scores = api.submission_scores(
            model.id, display_name="mmc", version="v1", day=3, resolved=False
        )
    expected = [
        r
        for r in server.world.submission_scores[model.id]
        if r["displayName"] == "mmc"
        and r["version"] == "v1"
        and r["day"] == 3
        and r["resolved"] is False
    ]
    assert sorted(s.round_number for s in scores) == sorted(
        r["roundNumber"] for r in expected
    )
    assert {s.display_name for s in scores} == {"mmc"}
    (request,) = server.requests.graphql()
    assert request.variables == {
        "modelId": model.id,
        "displayName": "mmc",
        "version": "v1",
        "day": 3,
        "resolved": False,
        "tournament": 8,
        "lastNRounds": None,
        "distinctOnRound": None,
    }


@pytest.mark.parametrize("mode", MODES)
def test_submission_scores_last_rounds_distinct(server: FakeNumerai, mode: str) -> None:
    model = _classic_model(server)
    for api in make_api(server, "classic", mode):
        scores = api.submission_scores(
            model.id, last_n_rounds=2, distinct_on_round=True
        )
    newest = sorted(
        {r["roundNumber"] for r in server.world.submission_scores[model.id]}
    )[-2:]
    assert sorted({s.round_number for s in scores}) == newest
    pairs = [(s.round_number, s.display_name) for s in scores]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "arguments",
    [
        {"model_id": "zenwalrus"},
        {"model_id": None},
        {"display_name": ""},
        {"version": 2},
        {"day": -1},
        {"day": "3"},
        {"resolved": "yes"},
        {"resolved": 1},
        {"last_n_rounds": 0},
        {"distinct_on_round": "true"},
    ],
)
def test_submission_scores_rejects_bad_arguments(
    server: FakeNumerai, mode: str, arguments: dict[str, Any]
) -> None:
    call = {"model_id": _classic_model(server).id, **arguments}
    for api in make_api(server, "classic", mode):
        with pytest.raises(NumeraiValidationError):
            api.submission_scores(**call)
    assert_no_requests(server)


# --- pending_model_payouts --------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["classic", "signals"])
def test_pending_model_payouts(server: FakeNumerai, mode: str, kind: str) -> None:
    for api in make_api(server, kind, mode):
        payouts = api.pending_model_payouts()
        tournament = api.tournament
    rows = [
        row
        for model in server.world.own_models(tournament)
        for row in server.world.payouts[model.id]
    ]
    assert isinstance(payouts, ModelPayouts)
    assert isinstance(payouts.actual, Records)
    assert isinstance(payouts.pending, Records)
    for ours, resolved in ((payouts.actual, True), (payouts.pending, False)):
        expected = [r for r in rows if r["_resolved"] is resolved]
        assert len(ours) == len(expected)
        for payout, row in zip(ours, expected, strict=True):
            assert isinstance(payout, Payout)
            assert isinstance(payout.payout_nmr, Decimal)
            assert payout.payout_nmr == row["payoutNmr"]
            assert payout.payout_value == row["payoutValue"]
            assert payout.model_id == row["modelId"]
            # numerapi turns the schema's Date into a datetime.
            assert payout.round_resolve_time == datetime.datetime.combine(
                row["roundResolveTime"], datetime.time(), UTC
            )
    assert payouts.actual or payouts.pending
    dumped = payouts.model_dump(by_alias=True)
    assert set(dumped) == numerapi_keys("classic", "pending_model_payouts")
    item = (dumped["pending"] or dumped["actual"])[0]
    assert set(item) == numerapi_keys("classic", "pending_model_payouts", "pending")
    assert isinstance(item["roundResolveTime"], datetime.datetime)
    assert_authorization(server, sent=True)
    frame = (payouts.pending or payouts.actual).to_dataframe()
    assert str(frame["roundResolveTime"].dtype).startswith("datetime64")
    assert frame["payoutNmr"].dtype == "float64"


@pytest.mark.parametrize("mode", MODES)
def test_pending_model_payouts_of_another_tournament(
    server: FakeNumerai, mode: str
) -> None:
    for api in make_api(server, "classic", mode):
        payouts = api.pending_model_payouts(tournament=11)
    ids = {p.model_id for p in [*payouts.actual, *payouts.pending]}
    assert ids == {m.id for m in server.world.own_models(11)}
    assert server.requests.graphql()[0].variables == {"tournament": 11}


@pytest.mark.parametrize("mode", MODES)
def test_pending_model_payouts_needs_keys(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode, keys=False):
        with pytest.raises(MissingCredentialsError):
            api.pending_model_payouts()
        with pytest.raises(NumeraiValidationError):
            api.pending_model_payouts(tournament="eight")
    assert_no_requests(server)


# --- round performances (deprecated) ------------------------------------------------


def _assert_round_performances(
    server: FakeNumerai, model: Any, performances: Records[Any]
) -> None:
    world = server.world
    scored = {r["roundNumber"] for r in world.submission_scores[model.id]}
    submitted = {
        rnd.number
        for s in world.submissions_of(model.id)
        if (rnd := world.round_by_id(s.round_id)) is not None
    }
    assert {p.round_number for p in performances} == scored | submitted
    for performance in performances:
        assert isinstance(
            performance, GetRoundModelPerformancesV2RoundModelPerformances
        )
        assert performance.round_number is not None
        rnd = world.round_by_number(8, performance.round_number)
        assert rnd is not None
        assert performance.round_open_time == rnd.open_time
        assert isinstance(performance.at_risk, Decimal)
        assert performance.at_risk == model.stake
        assert performance.round_payout_factor == str(rnd.payout_factor)
        # the payout multipliers of the round's score configs (schema overlay)
        multipliers = performance.payout_multipliers or []
        assert multipliers and all(m is not None for m in multipliers)
        assert [(m.name, m.multiplier) for m in multipliers if m] == [
            (c["name"], c["defaultMultiplier"]) for c in round_score_configs(rnd)
        ]
        for score in performance.submission_scores or ():
            assert score is not None
            assert isinstance(score.payout_pending, Decimal)
            assert isinstance(score.date, datetime.datetime)
    dumped = performances[0].model_dump(by_alias=True)
    expected = numerapi_keys("classic", "round_model_performances_v2")
    assert set(dumped) == expected
    assert set(dumped["payoutMultipliers"][0]) == numerapi_keys(
        "classic", "round_model_performances_v2", "payoutMultipliers"
    )
    scored_round = next(p for p in performances if p.submission_scores)
    assert keys(scored_round.submission_scores[0]) >= numerapi_keys(
        "classic", "round_model_performances_v2", "submissionScores"
    )


@pytest.mark.parametrize("mode", MODES)
def test_round_model_performances_v2_warns_and_works(
    server: FakeNumerai, mode: str
) -> None:
    model = _classic_model(server)
    for api in make_api(server, "classic", mode):
        with pytest.warns(DeprecationWarning, match="submission_scores") as caught:
            performances = api.round_model_performances_v2(model.id)
    assert len(caught) == 1
    # stacklevel=2: the warning points at the method's caller (here the
    # test runner ``Api`` in _read_support), not into numerapi_gen.
    assert caught[0].filename.endswith("_read_support.py")
    _assert_round_performances(server, model, performances)
    assert server.requests.operations() == ["GetRoundModelPerformances"]
    assert_authorization(server, sent=False)


@pytest.mark.parametrize("mode", MODES)
def test_round_model_performances_by_name(server: FakeNumerai, mode: str) -> None:
    model = _classic_model(server)
    for api in make_api(server, "classic", mode):
        with pytest.warns(DeprecationWarning):
            by_name = api.round_model_performances(model.name)
    _assert_round_performances(server, model, by_name)
    assert server.requests.operations() == [
        "GetPublicUserProfile",
        "GetRoundModelPerformances",
    ]


@pytest.mark.parametrize("mode", MODES)
def test_round_model_performances_by_id(server: FakeNumerai, mode: str) -> None:
    model = _classic_model(server)
    for api in make_api(server, "classic", mode):
        with pytest.warns(DeprecationWarning):
            performances = api.round_model_performances(model.id)
    _assert_round_performances(server, model, performances)
    assert server.requests.operations() == ["GetRoundModelPerformances"]


@pytest.mark.parametrize("mode", MODES)
def test_round_performances_reject_bad_arguments(
    server: FakeNumerai, mode: str
) -> None:
    for api in make_api(server, "classic", mode):
        with pytest.warns(DeprecationWarning), pytest.raises(NumeraiValidationError):
            api.round_model_performances_v2("zenwalrus")
        with pytest.warns(DeprecationWarning), pytest.raises(NumeraiValidationError):
            api.round_model_performances("")
        with pytest.raises(NumeraiValidationError):
            api.intra_round_scores("not-a-uuid")
    assert_no_requests(server)


# --- intra_round_scores -----------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_intra_round_scores(server: FakeNumerai, mode: str) -> None:
    model = _classic_model(server)
    for api in make_api(server, "classic", mode):
        rounds = api.intra_round_scores(model.id)
    world: dict[int, list[dict[str, Any]]] = {}
    for record in server.world.submission_scores[model.id]:
        world.setdefault(record["roundNumber"], []).append(record)
    assert isinstance(rounds, Records)
    assert any(r.intra_round_submission_scores for r in rounds)
    for performance in rounds:
        assert isinstance(performance, GetIntraRoundScoresV2RoundModelPerformances)
        scores = [s for s in performance.intra_round_submission_scores or () if s]
        expected = world.get(performance.round_number or -1, [])
        assert sorted((s.day, s.display_name, s.value) for s in scores) == sorted(
            (r["day"], r["displayName"], r["value"]) for r in expected
        )
        for score in scores:
            assert isinstance(score.date, datetime.datetime)
            assert isinstance(score.payout_settled, Decimal)
    scored = next(r for r in rounds if r.intra_round_submission_scores)
    assert keys(scored) == numerapi_keys("classic", "intra_round_scores")
    assert keys(scored.intra_round_submission_scores[0]) >= numerapi_keys(
        "classic", "intra_round_scores", "intraRoundSubmissionScores"
    )
    assert_authorization(server, sent=False)


# --- daily_model_performances (Classic and Signals) ---------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["classic", "signals"])
def test_daily_model_performances(server: FakeNumerai, mode: str, kind: str) -> None:
    for api in make_api(server, kind, mode):
        model = server.world.own_models(api.tournament)[0]
        performances = api.daily_model_performances(model.name)
    world = model.daily_performances
    assert isinstance(performances, Records)
    assert len(performances) == len(world) > 0
    for ours, theirs in zip(performances, world, strict=True):
        dumped = ours.model_dump(by_alias=True)
        assert isinstance(dumped["date"], datetime.datetime)
        assert dumped["date"] == theirs["date"]
        for key, value in dumped.items():
            if key != "date":
                assert value == theirs[key], key
    expected = numerapi_keys(kind, "daily_model_performances", "dailyModelPerformances")
    # One DailyModelPerformance type for both tournaments: numerapi's keys and
    # the other tournament's metrics.
    assert keys(performances[0]) >= expected
    assert_authorization(server, sent=False)
    frame = performances.to_dataframe()
    assert str(frame["date"].dtype).startswith("datetime64")
    assert frame["corrRank"].dtype == "Int64"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["classic", "signals"])
def test_daily_model_performances_errors(
    server: FakeNumerai, mode: str, kind: str
) -> None:
    for api in make_api(server, kind, mode):
        with pytest.raises(NumeraiValidationError):
            api.daily_model_performances("")
        assert_no_requests(server)
        with pytest.raises(GraphQLError, match="not found"):
            api.daily_model_performances("no_such_model_anywhere")


# --- a null answer is NotFoundError, not None (the plans, without HTTP) -----------


def _answer(plan: Any, result: Any) -> Any:
    next(plan)
    return plan.send(result)


def test_null_profiles_are_not_found() -> None:
    with pytest.raises(NotFoundError, match="ghost"):
        _answer(
            plans.classic_daily_performances("ghost"),
            GetClassicDailyModelPerformances(v3UserProfile=None),
        )
    with pytest.raises(NotFoundError, match="ghost"):
        _answer(
            plans.signals_daily_performances("ghost"),
            GetSignalsDailyModelPerformances(v2SignalsProfile=None),
        )


def test_null_payouts_are_not_found() -> None:
    with pytest.raises(NotFoundError):
        _answer(
            plans.pending_model_payouts(8),
            GetPendingModelPayouts(pendingModelPayouts=None),
        )


def test_null_lists_are_empty_records() -> None:
    from numerai_graphql import GetSubmissionScores

    with pytest.raises(StopIteration) as stop:
        _answer(
            plans.submission_scores(
                8, str(uuid.uuid4()), None, None, None, None, None, None
            ),
            GetSubmissionScores(submissionScores=None),
        )
    assert stop.value.value == []
    assert isinstance(stop.value.value, Records)
