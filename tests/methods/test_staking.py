"""Staking against the fake server: stake changes, drain, set, staking v3."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _read_support import MODES
from _write_support import (
    STAKER,
    Caller,
    assert_authenticated,
    callers,
    clean_environment,
    model_ids,
    sync_async_signatures_match,
)

from numerapi_gen import (
    APIStatusError,
    AsyncNumerAPI,
    MissingCredentialsError,
    NumeraiValidationError,
    NumerAPI,
)
from numerapi_gen._methods.staking import StakeChange, StakeDrain, V3StakeAuthorization
from numerapi_gen.testing import FakeNumerai

UUID_NOT_OWNED = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch, tmp_path)


@pytest.fixture(params=MODES)
def api(request: pytest.FixtureRequest, server: FakeNumerai) -> Iterator[Caller]:
    yield from callers(server, "classic", request.param)


@pytest.fixture(params=MODES)
def signals(request: pytest.FixtureRequest, server: FakeNumerai) -> Iterator[Caller]:
    yield from callers(server, "signals", request.param)


def stake_of(server: FakeNumerai, model_id: str) -> Decimal:
    return server.world.models[model_id].stake


def test_sync_and_async_signatures_match() -> None:
    sync_async_signatures_match(
        NumerAPI,
        AsyncNumerAPI,
        [
            "stake_change",
            "stake_drain",
            "stake_decrease",
            "stake_increase",
            "stake_set",
            "v3_stake_auth",
            "v3_stake_config",
            "v3_stake_round",
            "v3_stake_claim",
        ],
    )


# -- stake changes -----------------------------------------------------------------


def test_stake_increase_is_typed_exact_and_visible(
    api: Caller, server: FakeNumerai
) -> None:
    model = model_ids(server, 8)[0]
    before = stake_of(server, model)
    result = api.stake_increase("1.5", model)
    assert isinstance(result, StakeChange)
    assert result.type_ == "increase"
    assert result.requested_amount == Decimal("1.5")
    dumped = result.model_dump(by_alias=True)
    assert set(dumped) == {"dueDate", "requestedAmount", "sentAmount", "status", "type"}
    assert isinstance(dumped["requestedAmount"], Decimal)
    assert isinstance(dumped["dueDate"], datetime.datetime)
    assert stake_of(server, model) == before + Decimal("1.5")
    [request] = server.requests.graphql("ChangeStake")
    assert request.variables == {
        "value": "1.5",
        "type": "increase",
        "tournamentNumber": 8,
        "modelId": model,
    }
    assert_authenticated(server)


def test_float_amounts_are_sent_as_their_shortest_decimal(
    api: Caller, server: FakeNumerai
) -> None:
    model = model_ids(server, 8)[0]
    before = stake_of(server, model)
    api.stake_increase(0.1, model)
    [request] = server.requests.graphql("ChangeStake")
    assert request.variables is not None
    assert request.variables["value"] == "0.1"
    assert stake_of(server, model) == before + Decimal("0.1")


def test_stake_decrease_requests_a_release(api: Caller, server: FakeNumerai) -> None:
    model = model_ids(server, 8)[1]
    before = stake_of(server, model)
    result = api.stake_decrease(Decimal("0.25"), model)
    assert result.type_ == "decrease"
    assert result.requested_amount == Decimal("0.25")
    assert result.status == "pending"
    assert stake_of(server, model) == before - Decimal("0.25")
    pending = server.world.models[model].pending_stake_request
    assert pending is not None and pending.requested_amount == Decimal("0.25")


def test_stake_change_defaults_to_decrease(api: Caller, server: FakeNumerai) -> None:
    model = model_ids(server, 8)[1]
    result = api.stake_change(1, model_id=model)
    assert result.type_ == "decrease"
    [request] = server.requests.graphql("ChangeStake")
    assert request.variables is not None
    assert request.variables["type"] == "decrease"
    assert request.variables["value"] == "1"


def test_stake_change_without_model_id_sends_null(
    api: Caller, server: FakeNumerai
) -> None:
    api.stake_change(1, "increase")
    [request] = server.requests.graphql("ChangeStake")
    assert request.variables is not None
    assert request.variables["modelId"] is None


def test_signals_stakes_in_its_own_tournament(
    signals: Caller, server: FakeNumerai
) -> None:
    model = model_ids(server, 11)[0]
    before = stake_of(server, model)
    signals.stake_increase(2, model)
    assert stake_of(server, model) == before + 2
    [request] = server.requests.graphql("ChangeStake")
    assert request.variables is not None
    assert request.variables["tournamentNumber"] == 11


def test_a_refused_stake_change_is_a_graphql_error(
    api: Caller, server: FakeNumerai
) -> None:
    from numerapi_gen import GraphQLError

    model = model_ids(server, 8)[0]
    with pytest.raises(GraphQLError, match="Insufficient NMR"):
        api.stake_increase(10**9, model)


def test_a_stake_mutation_is_not_retried_after_a_server_error(
    api: Caller, server: FakeNumerai
) -> None:
    model = model_ids(server, 8)[0]
    before = stake_of(server, model)
    server.faults.add(operation="ChangeStake", statuses=[503, 503, 503, 503])
    with pytest.raises(APIStatusError) as info:
        api.stake_increase(1, model)
    assert info.value.status_code == 503
    assert len(server.requests.graphql("ChangeStake")) == 1
    assert stake_of(server, model) == before


# -- drain and set -------------------------------------------------------------------


def test_stake_drain_releases_everything(api: Caller, server: FakeNumerai) -> None:
    model = model_ids(server, 8)[1]
    staked = stake_of(server, model)
    result = api.stake_drain(model)
    assert isinstance(result, StakeDrain)
    assert result.drain is True
    assert result.id
    assert result.requested_amount == staked
    dumped = result.model_dump(by_alias=True)
    assert set(dumped) == {
        "id",
        "dueDate",
        "status",
        "type",
        "requestedAmount",
        "drain",
    }
    assert stake_of(server, model) == 0
    [request] = server.requests.graphql("DrainStake")
    assert request.variables is not None
    assert request.variables["drain"] is True
    assert request.variables["modelId"] == model


@pytest.mark.parametrize(
    ("target", "action", "change"),
    [("20", "increase", Decimal("7.5")), (Decimal("10"), "decrease", Decimal("2.5"))],
)
def test_stake_set_moves_the_stake_to_the_target(
    api: Caller, server: FakeNumerai, target: Any, action: str, change: Decimal
) -> None:
    model = model_ids(server, 8)[0]  # seeded with 12.5 NMR
    assert stake_of(server, model) == Decimal("12.5")
    result = api.stake_set(target, model)
    assert isinstance(result, StakeChange)
    assert result.type_ == action
    assert result.requested_amount == change
    assert stake_of(server, model) == Decimal(str(target))
    assert server.requests.operations() == ["GetModelName", "GetStake", "ChangeStake"]
    [request] = server.requests.graphql("ChangeStake")
    assert request.variables is not None
    assert request.variables["value"] == str(change)


def test_stake_set_to_the_current_value_changes_nothing(
    api: Caller, server: FakeNumerai
) -> None:
    model = model_ids(server, 8)[0]
    assert api.stake_set("12.5", model) is None
    assert "ChangeStake" not in server.requests.operations()


# -- validation: nothing is sent -------------------------------------------------------


@pytest.mark.parametrize("nmr", [-1, "-0.5", "abc", "NaN", "inf", 0, True, None, [1]])
def test_bad_amounts_are_refused_before_any_request(
    api: Caller, server: FakeNumerai, nmr: Any
) -> None:
    model = model_ids(server, 8)[0]
    for call in (
        lambda: api.stake_increase(nmr, model),
        lambda: api.stake_decrease(nmr, model),
        lambda: api.stake_change(nmr, "increase", model),
    ):
        with pytest.raises(NumeraiValidationError) as info:
            call()
        assert info.value.argument == "nmr"
    assert len(server.requests) == 0


#: Amounts that would be reinterpreted if read leniently: "0,05" must never
#: become 5 NMR, nor "1e3" 1000, nor 19 decimals be rounded to 18.
REINTERPRETABLE = [
    "0,05",
    "1,5",
    "1,234.5",
    "1.234,5",
    "1\u066b5",  # Arabic decimal separator
    "\u0661\u0662",  # Arabic-Indic digits
    "1e3",
    "5E-2",
    "1 000",
    "0. 5",
    "1_000",
    ".5",
    "5.",
    "0x10",
    "",
    "  ",
    "1.0000000000000000001",
    Decimal("1E-19"),
    1e-20,
    "Infinity",
    float("inf"),
    Decimal("NaN"),
    float("nan"),
]


def test_amounts_are_never_reinterpreted(api: Caller, server: FakeNumerai) -> None:
    model = model_ids(server, 8)[0]
    for nmr in REINTERPRETABLE:
        for call in (
            api.stake_increase,
            api.stake_decrease,
            lambda n, m: api.stake_change(n, "increase", m),
            api.stake_set,
        ):
            with pytest.raises(NumeraiValidationError) as info:
                call(nmr, model)
            assert info.value.argument == "nmr"
            assert repr(nmr) in str(info.value)
    assert len(server.requests) == 0


EXACT_AMOUNTS = [
    ("0.05", "0.05"),
    (" 12 ", "12"),
    ("0.000000000000000001", "0.000000000000000001"),
    (Decimal("2.50"), "2.50"),
    (Decimal("1E+1"), "10"),
    (3, "3"),
    (0.1, "0.1"),
    (1e-7, "0.0000001"),
]


def test_a_stake_change_echoes_the_exact_amount_it_sent(
    api: Caller, server: FakeNumerai
) -> None:
    model = model_ids(server, 8)[0]
    for nmr, sent in EXACT_AMOUNTS:
        before = stake_of(server, model)
        result = api.stake_increase(nmr, model)
        request = server.requests.graphql("ChangeStake")[-1]
        assert request.variables is not None
        assert request.variables["value"] == sent
        assert result.sent_amount == Decimal(sent)
        assert stake_of(server, model) == before + Decimal(sent)


def test_the_fake_server_reads_amounts_strictly(
    api: Caller, server: FakeNumerai
) -> None:
    from numerapi_gen import GraphQLError

    model = model_ids(server, 8)[0]
    before = stake_of(server, model)
    mutation = (
        "mutation($value: String!, $model: ID) { v2ChangeStake(value: $value, "
        'type: "increase", tournamentNumber: 8, modelId: $model) { status } }'
    )
    for text in ("0,05", "1,000", "1e1", " 1"):
        with pytest.raises(GraphQLError, match="Invalid stake amount"):
            api.raw_query(mutation, {"value": text, "model": model}, True)
    assert stake_of(server, model) == before


@pytest.mark.parametrize("nmr", [-1, "x", float("nan")])
def test_stake_set_refuses_bad_targets(
    api: Caller, server: FakeNumerai, nmr: Any
) -> None:
    with pytest.raises(NumeraiValidationError):
        api.stake_set(nmr, model_ids(server, 8)[0])
    assert len(server.requests) == 0


@pytest.mark.parametrize("action", ["withdraw", "INCREASE", "", None])
def test_unknown_actions_are_refused(
    api: Caller, server: FakeNumerai, action: Any
) -> None:
    with pytest.raises(NumeraiValidationError) as info:
        api.stake_change(1, action, model_ids(server, 8)[0])
    assert info.value.argument == "action"
    assert len(server.requests) == 0


@pytest.mark.parametrize("model_id", ["my_model", "1234", 42])
def test_model_ids_must_be_uuids(
    api: Caller, server: FakeNumerai, model_id: Any
) -> None:
    for call in (
        lambda: api.stake_increase(1, model_id),
        lambda: api.stake_decrease(1, model_id),
        lambda: api.stake_change(1, "increase", model_id),
        lambda: api.stake_drain(model_id),
        lambda: api.stake_set(1, model_id),
        lambda: api.v3_stake_claim(1, model_id, STAKER),
    ):
        with pytest.raises(NumeraiValidationError) as info:
            call()
        assert info.value.argument == "model_id"
    assert len(server.requests) == 0


def test_stake_drain_needs_a_model_id(api: Caller, server: FakeNumerai) -> None:
    with pytest.raises(NumeraiValidationError, match="model_id is required"):
        api.stake_drain()
    assert len(server.requests) == 0


def test_missing_keys_fail_before_any_request(server: FakeNumerai) -> None:
    for mode in ("sync", "async"):
        caller = Caller(server, "classic", mode, keys=False)
        model = model_ids(server, 8)[0]
        with pytest.raises(MissingCredentialsError):
            caller.stake_increase(1, model)
        with pytest.raises(MissingCredentialsError):
            caller.stake_drain(model)
        with pytest.raises(MissingCredentialsError):
            caller.v3_stake_config()
        caller.close()
    assert len(server.requests) == 0


# -- staking v3 ------------------------------------------------------------------------


def test_v3_stake_auth_repeats_max_amount_as_amount(
    api: Caller, server: FakeNumerai
) -> None:
    model = model_ids(server, 8)[0]
    submission = server.world.submissions_of(model)[-1].id
    for keyword in ("amount", "max_amount"):
        auth = api.v3_stake_auth(submission, STAKER, **{keyword: Decimal("2.50")})
        assert isinstance(auth, V3StakeAuthorization)
        dumped = auth.model_dump(by_alias=True)
        assert dumped["maxAmount"] == dumped["amount"] == "2.50"
        assert dumped["submissionId"] == submission
        assert dumped["staker"] == STAKER
        assert {"authorizationDigest", "signature", "nonce", "stakingAddress"} <= set(
            dumped
        )
    variables = [r.variables for r in server.requests.graphql("GetV3StakeAuth")]
    assert (
        variables
        == [{"submissionId": submission, "staker": STAKER, "maxAmount": "2.50"}] * 2
    )
    assert_authenticated(server)


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({}, "amount, max_amount"),
        ({"amount": 1, "max_amount": 1}, "amount, max_amount"),
        ({"amount": -1}, "amount"),
        ({"max_amount": "lots"}, "max_amount"),
    ],
)
def test_v3_stake_auth_validates_the_amounts(
    api: Caller, server: FakeNumerai, arguments: dict[str, Any], argument: str
) -> None:
    submission = server.world.submissions_of(model_ids(server, 8)[0])[-1].id
    with pytest.raises(NumeraiValidationError) as info:
        api.v3_stake_auth(submission, STAKER, **arguments)
    assert info.value.argument == argument
    assert len(server.requests) == 0


def test_v3_stake_auth_validates_ids(api: Caller, server: FakeNumerai) -> None:
    with pytest.raises(NumeraiValidationError) as info:
        api.v3_stake_auth("not-a-uuid", STAKER, amount=1)
    assert info.value.argument == "submission_id"
    with pytest.raises(NumeraiValidationError) as info:
        api.v3_stake_auth(UUID_NOT_OWNED, "  ", amount=1)
    assert info.value.argument == "staker"
    assert len(server.requests) == 0


def test_v3_stake_config(api: Caller, server: FakeNumerai) -> None:
    config = api.v3_stake_config()
    assert config.model_dump(by_alias=True) == server.world.v3_stake_config
    assert_authenticated(server)


def test_v3_stake_round_by_number_or_id(api: Caller, server: FakeNumerai) -> None:
    rnd = server.world.rounds_of(8)[2]
    by_number = api.v3_stake_round(rnd.number)
    by_id = api.v3_stake_round(rnd.id)
    assert by_number == by_id
    dumped = by_number.model_dump(by_alias=True)
    assert dumped["roundId"] == rnd.id
    assert dumped["tournamentId"] == "8"
    assert isinstance(dumped["totalStaked"], str)
    assert [r.variables for r in server.requests.graphql("GetV3StakeRound")] == [
        {"roundId": str(rnd.number)},
        {"roundId": rnd.id},
    ]


@pytest.mark.parametrize("round_id", ["", 1.5, None, True])
def test_v3_stake_round_validates_the_round(
    api: Caller, server: FakeNumerai, round_id: Any
) -> None:
    with pytest.raises(NumeraiValidationError):
        api.v3_stake_round(round_id)
    assert len(server.requests) == 0


def test_v3_stake_claim_for_a_resolved_round(api: Caller, server: FakeNumerai) -> None:
    world = server.world
    model = model_ids(server, 8)[0]
    resolved = {r.id for r in world.rounds_of(8) if r.resolved(world.clock())}
    submission = next(
        s for s in reversed(world.submissions_of(model)) if s.round_id in resolved
    )
    rnd = world.round_by_id(submission.round_id)
    assert rnd is not None
    claim = api.v3_stake_claim(rnd.number, model, STAKER)
    dumped = claim.model_dump(by_alias=True)
    assert dumped["apiModelId"] == model
    assert dumped["roundId"] == rnd.id
    assert dumped["staker"] == STAKER
    assert all(isinstance(p, str) for p in dumped["proof"])
    assert_authenticated(server)
