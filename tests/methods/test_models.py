"""models_of_account, public_user_profile, stake_get, modelid_to_modelname."""

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
    GetModelName,
    GetModelsOfAccount,
    GetPublicUserProfile,
    GetPublicUserProfileV3UserProfile,
    GetStake,
)

from numerapi_gen import (
    GraphQLError,
    MissingCredentialsError,
    NotFoundError,
    NumeraiValidationError,
)
from numerapi_gen._methods import models as plans
from numerapi_gen._plan import GraphQLCall
from numerapi_gen.testing import FakeNumerai

NAMES = [
    "models_of_account",
    "public_user_profile",
    "stake_get",
    "modelid_to_modelname",
]
KINDS = ["classic", "signals", "crypto"]


@pytest.mark.parametrize("kind", KINDS)
def test_signatures_match_numerapi_and_async_twin(kind: str) -> None:
    assert_twins(kind, NAMES)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_models_of_account(server: FakeNumerai, mode: str, kind: str) -> None:
    owner = next(
        u
        for u in sorted(server.world.users)
        if u != server.world.account.username
        and any(m.username == u for m in server.world.models.values())
    )
    for api in make_api(server, kind, mode):
        own = api.models_of_account(server.world.account.username)
        other = api.models_of_account(owner)
        tournament = api.tournament
    assert own == {m.name: m.id for m in server.world.own_models(tournament)}
    assert list(own) == sorted(own)
    assert other == {
        m.name: m.id
        for m in sorted(server.world.models.values(), key=lambda m: m.name)
        if m.username == owner and m.tournament == tournament
    }
    assert_authorization(server, sent=False)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_public_user_profile(server: FakeNumerai, mode: str, kind: str) -> None:
    for api in make_api(server, kind, mode):
        model = server.world.own_models(api.tournament)[0]
        profile = api.public_user_profile(model.name)
    assert isinstance(profile, GetPublicUserProfileV3UserProfile)
    assert profile.id == model.id
    assert profile.username == model.name
    assert profile.bio == model.bio
    assert isinstance(profile.start_date, datetime.datetime)
    assert profile.start_date == model.inserted_at
    assert isinstance(profile.nmr_staked, Decimal)
    assert profile.nmr_staked == model.stake
    # stakeValue, which replaces the deprecated nmrStaked, comes along.
    assert keys(profile) == numerapi_keys(kind, "public_user_profile") | {"stakeValue"}
    assert_authorization(server, sent=False)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_stake_get(server: FakeNumerai, mode: str, kind: str) -> None:
    for api in make_api(server, kind, mode):
        model = server.world.own_models(api.tournament)[-1]
        stake = api.stake_get(model.name)
    assert isinstance(stake, Decimal)
    assert stake == model.stake
    assert_authorization(server, sent=False)


@pytest.mark.parametrize("mode", MODES)
def test_modelid_to_modelname(server: FakeNumerai, mode: str) -> None:
    model = server.world.own_models(8)[1]
    for api in make_api(server, "classic", mode):
        assert api.modelid_to_modelname(model.id) == model.name
        assert api.modelid_to_modelname(uuid.UUID(model.id)) == model.name
    assert_authorization(server, sent=True)


@pytest.mark.parametrize("mode", MODES)
def test_modelid_to_modelname_needs_keys(server: FakeNumerai, mode: str) -> None:
    model = server.world.own_models(8)[0]
    for api in make_api(server, "classic", mode, keys=False):
        with pytest.raises(MissingCredentialsError):
            api.modelid_to_modelname(model.id)
    assert_no_requests(server)


@pytest.mark.parametrize("mode", MODES)
def test_unknown_model_is_an_api_error(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode):
        with pytest.raises(GraphQLError, match="not found"):
            api.public_user_profile("no_such_model_anywhere")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("models_of_account", ("",)),
        ("models_of_account", ("   ",)),
        ("models_of_account", (None,)),
        ("public_user_profile", ("",)),
        ("public_user_profile", (42,)),
        ("stake_get", ("",)),
        ("modelid_to_modelname", ("my_model_name",)),
        ("modelid_to_modelname", ("",)),
        ("modelid_to_modelname", (123,)),
    ],
)
def test_bad_arguments_fail_before_any_request(
    server: FakeNumerai, mode: str, name: str, args: tuple[Any, ...]
) -> None:
    for api in make_api(server, "classic", mode):
        with pytest.raises(NumeraiValidationError):
            getattr(api, name)(*args)
    assert_no_requests(server)


# --- a null answer is NotFoundError, not None (the plans, without HTTP) ---------


def _answer(plan: Any, result: Any) -> Any:
    step = next(plan)
    assert isinstance(step, GraphQLCall)
    return plan.send(result)


def test_null_profile_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="ghost"):
        _answer(
            plans.public_user_profile("ghost", 8),
            GetPublicUserProfile(v3UserProfile=None),
        )


def test_null_stake_profile_is_not_found_but_null_stake_is_none() -> None:
    with pytest.raises(NotFoundError):
        _answer(plans.stake("ghost", 8), GetStake(v3UserProfile=None))
    with pytest.raises(StopIteration) as stop:
        _answer(
            plans.stake("ghost", 8),
            GetStake.model_validate({"v3UserProfile": {"stakeValue": None}}),
        )
    assert stop.value.value is None


def test_null_account_profile_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="nobody"):
        _answer(
            plans.models_of_account("nobody", 8),
            GetModelsOfAccount(accountProfile=None),
        )


def test_null_model_is_not_found() -> None:
    model_id = str(uuid.uuid4())
    with pytest.raises(NotFoundError, match=model_id):
        _answer(plans.model_name(model_id), GetModelName(model=None))
