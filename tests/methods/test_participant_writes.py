"""The participant mutations beyond numerapi's, against the fake server.

Models (add, rename, archive), Compute pickles (assign, label, trigger, logs),
stakes (increase, cancel a release, payout choice), API tokens, webhooks,
account profile and diagnostics deletion. Consequential arguments have no
defaults and are checked before any request.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _read_support import CLIENTS, assert_no_requests
from _write_support import Caller, callers, clean_environment

from numerapi_gen import GraphQLError, NumeraiValidationError
from numerapi_gen.testing import ACCOUNT_PASSWORD, FakeNumerai, add_pickle

WRITES = [
    "add_model",
    "rename_model",
    "archive_model",
    "unarchive_model",
    "assign_pickle_to_model",
    "trigger_compute_pickle",
    "update_pickle_label",
    "trigger_model_webhook",
    "test_submission_webhook",
    "delete_diagnostics",
    "increase_stake",
    "cancel_pending_stake_release",
    "v3_change_payout_selection",
    "create_api_token",
    "revoke_api_token",
    "set_account_meta",
]
#: Arguments that move NMR, change keys or delete things: never defaulted.
REQUIRED = {
    "increase_stake": ["model_id", "nmr"],
    "cancel_pending_stake_release": ["model_id"],
    "v3_change_payout_selection": ["model_id", "take_profit"],
    "assign_pickle_to_model": ["pickle_id", "model_id"],
    "trigger_compute_pickle": ["pickle_id", "model_id"],
    "create_api_token": ["name", "scopes", "password"],
    "revoke_api_token": ["public_id"],
    "delete_diagnostics": ["diagnostics_ids"],
    "archive_model": ["model_id"],
}
NOT_OWNED = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch, tmp_path)


@pytest.fixture
def server(fake_numerai: FakeNumerai) -> FakeNumerai:
    """The session's fake server, reset to its start."""
    return fake_numerai


@pytest.fixture
def api(server: FakeNumerai) -> Iterator[Caller]:
    yield from callers(server, "classic", "sync")


def test_writes_have_twins_and_no_defaults_for_consequences() -> None:
    sync_class, async_class = CLIENTS["classic"]
    for name in WRITES:
        sync_method = getattr(sync_class, name)
        async_method = getattr(async_class, name)
        assert inspect.iscoroutinefunction(async_method), name
        assert inspect.signature(sync_method) == inspect.signature(async_method)
        for doc in (sync_method.__doc__, async_method.__doc__):
            for section in ("Returns:", "Raises:", "Example:"):
                assert section in (doc or ""), (name, section)
    for name, arguments in REQUIRED.items():
        parameters = inspect.signature(getattr(sync_class, name)).parameters
        for argument in arguments:
            assert parameters[argument].default is inspect.Parameter.empty, name


def test_models_add_rename_archive(api: Caller, server: FakeNumerai) -> None:
    world = server.world
    assert api.model_name_available("fresh_model")
    added = api.add_model("fresh_model")
    assert not api.model_name_available("fresh_model")
    renamed = api.rename_model(added.id, "renamed_model")
    archived = api.archive_model(added.id)
    listed = {m.name for m in world.own_models(8) if not m.archived}
    restored = api.unarchive_model(added.id)
    staked = next(m for m in world.own_models(8) if m.stake > 0)
    with pytest.raises(GraphQLError, match="release it first"):
        api.archive_model(staked.id)
    assert (added.name, added.tournament, added.archived) == ("fresh_model", 8, False)
    assert world.models[added.id].name == "renamed_model"
    assert renamed.name == "renamed_model"
    assert archived.archived is True
    assert "renamed_model" not in listed
    assert restored.archived is False
    assert world.models[added.id].archived is False
    keyed = {
        r.operation: r.authorization is not None for r in server.requests.graphql()
    }
    assert keyed == {
        "GetModelNameAvailable": False,
        "AddModel": True,
        "RenameModel": True,
        "ArchiveModel": True,
        "UnarchiveModel": True,
    }


def test_pickles_assign_label_trigger_logs(api: Caller, server: FakeNumerai) -> None:
    world = server.world
    first, second = world.own_models(8)[:2]
    pickle = add_pickle(world, None, "spare.pkl")
    assert [p.id for p in api.compute_pickles(unassigned=True)] == [pickle.id]
    assert api.assign_pickle_to_model(pickle.id, second.id) is True
    labelled = api.update_pickle_label(pickle.id, "lgbm v2")
    ran = api.trigger_compute_pickle(pickle.id, second.id)
    validated = api.trigger_compute_pickle(
        pickle.id, second.id, trigger_validation=True
    )
    listed = api.compute_pickles(pickle_id=pickle.id)
    triggers = listed[0].triggers or []
    run_logs = api.trigger_logs(triggers[0].id)
    validation_logs = api.diagnostics_trigger_logs(pickle.id)
    cleared = api.update_pickle_label(pickle.id, None)
    assert world.models[second.id].compute_pickle_upload_id == pickle.id
    assert world.compute_pickle_uploads[pickle.id].model_id == second.id
    assert first.compute_pickle_upload_id != pickle.id
    assert labelled.label == "lgbm v2" and cleared.label is None
    assert ran.trigger_status == validated.trigger_status == "succeeded"
    assert [t.type_ for t in triggers if t] == ["submission", "validation"]
    assert run_logs[0].message == "Starting submission run of spare.pkl"
    assert validation_logs[0].message == "Starting validation run of spare.pkl"
    assert all(isinstance(line.timestamp, int) for line in run_logs)


def test_stake_increase_cancel_and_payout_choice(
    api: Caller, server: FakeNumerai
) -> None:
    world = server.world
    model = world.own_models(8)[0]
    stake, wallet = model.stake, world.account.available_nmr
    increased = api.increase_stake(model.id, "1.25")
    assert model.stake == stake + Decimal("1.25")
    assert world.account.available_nmr == wallet - Decimal("1.25")
    released = api.stake_decrease(Decimal("2"), model.id)
    assert released.status == "pending"
    cancelled = api.cancel_pending_stake_release(model.id)
    with pytest.raises(GraphQLError, match="no pending stake release"):
        api.cancel_pending_stake_release(model.id)
    choice = api.v3_change_payout_selection(model.id, take_profit=True)
    history = api.stake_transactions(model_id=model.id, limit=2)
    assert (increased.type_, increased.requested_amount) == (
        "increase",
        Decimal("1.25"),
    )
    assert increased.id is not None and increased.sent_amount == Decimal("1.25")
    assert cancelled.status == "cancelled"
    assert cancelled.requested_amount == Decimal(2)
    assert model.stake == stake + Decimal("1.25")
    assert choice == "true" and model.take_profit is True
    assert {(t.type_, t.amount) for t in history} == {
        ("stake", Decimal("1.25")),
        ("release", Decimal(-2)),
    }


def test_tokens_webhooks_account_and_diagnostics(
    api: Caller, server: FakeNumerai
) -> None:
    world = server.world
    model = world.own_models(8)[0]
    token = api.create_api_token("ci", ["upload_submission"], ACCOUNT_PASSWORD)
    secret = token.secret_key.get_secret_value()
    assert secret not in repr(token) and secret not in str(token.model_dump())
    assert token.public_id in [t.public_id for t in world.account.api_tokens]
    with pytest.raises(GraphQLError, match="Invalid password"):
        api.create_api_token("ci", ["stake"], "wrong password")
    revoked = api.revoke_api_token(token.public_id)
    assert revoked.public_id == token.public_id
    assert token.public_id not in [t.public_id for t in world.account.api_tokens]
    with pytest.raises(GraphQLError, match="no submission webhook"):
        api.trigger_model_webhook(model.id)
    api.set_submission_webhook(model.id, "https://example.com/hook")
    assert api.trigger_model_webhook(model.id) == "true"
    assert api.test_submission_webhook() == "true"
    assert api.set_account_meta(location="Berlin", github="octocat") is True
    assert world.account.location == "Berlin"
    assert world.account.profile == {"github": "octocat"}
    doomed = next(d for d in world.diagnostics.values() if d.model_id == model.id)
    assert api.delete_diagnostics([doomed.id]) == "true"
    assert doomed.id not in world.diagnostics
    with pytest.raises(GraphQLError, match="Diagnostics not found"):
        api.delete_diagnostics([doomed.id])


BAD_WRITES: list[tuple[str, tuple[Any, ...], dict[str, Any], str]] = [
    ("add_model", ("has space",), {}, "name"),
    ("rename_model", ("not-a-uuid", "ok_name"), {}, "model_id"),
    ("archive_model", ("my_model",), {}, "model_id"),
    ("increase_stake", (NOT_OWNED, "0"), {}, "nmr"),
    ("increase_stake", (NOT_OWNED, "-1"), {}, "nmr"),
    ("increase_stake", (NOT_OWNED, "1,5"), {}, "nmr"),
    ("increase_stake", (NOT_OWNED, "1e3"), {}, "nmr"),
    ("increase_stake", ("model_name", "1"), {}, "model_id"),
    ("cancel_pending_stake_release", ("",), {}, "model_id"),
    ("v3_change_payout_selection", (NOT_OWNED, "yes"), {}, "take_profit"),
    ("assign_pickle_to_model", (NOT_OWNED, "x"), {}, "model_id"),
    ("trigger_compute_pickle", ("x", NOT_OWNED), {}, "pickle_id"),
    ("update_pickle_label", (NOT_OWNED, 5), {}, "label"),
    ("create_api_token", ("ci", [], "pw"), {}, "scopes"),
    ("create_api_token", ("ci", "stake", "pw"), {}, "scopes"),
    ("create_api_token", ("ci", ["stake"], ""), {}, "password"),
    ("revoke_api_token", ("  ",), {}, "public_id"),
    ("delete_diagnostics", ([],), {}, "diagnostics_ids"),
    ("delete_diagnostics", (NOT_OWNED,), {}, "diagnostics_ids"),
    ("delete_diagnostics", ([NOT_OWNED, "x"],), {}, "diagnostics_ids"),
    ("set_account_meta", (), {}, "display_name"),
    ("set_account_meta", (), {"bio": 3}, "bio"),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "argument"), BAD_WRITES)
def test_bad_write_arguments_fail_before_any_request(
    server: FakeNumerai,
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    argument: str,
) -> None:
    for api in callers(server, "classic", "sync"):
        with pytest.raises(NumeraiValidationError) as caught:
            getattr(api, name)(*args, **kwargs)
    assert (caught.value.argument or "").startswith(argument)
    assert_no_requests(server)
