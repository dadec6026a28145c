"""get_account, get_models, wallet_transactions: your account (API keys needed)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from _read_support import (
    MODES,
    assert_authorization,
    assert_no_requests,
    assert_twins,
    keys,
    make_api,
    nmr,
    numerapi_keys,
)
from numerai_graphql import (
    Account,
    ApiToken,
    GetWalletTransactionsAccountWalletTxns,
)

from numerapi_gen import MissingCredentialsError, NumeraiValidationError, Records
from numerapi_gen.testing import FakeNumerai

NAMES = ["get_account", "get_models", "wallet_transactions"]


@pytest.mark.parametrize("kind", ["classic", "signals", "crypto"])
def test_signatures_match_numerapi_and_async_twin(kind: str) -> None:
    assert_twins(kind, NAMES)


@pytest.mark.parametrize("mode", MODES)
def test_get_account(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode):
        account = api.get_account()
    world = server.world.account
    assert isinstance(account, Account)
    assert account.username == world.username
    assert account.id == world.id
    assert account.email == world.email
    assert account.available_nmr == world.available_nmr
    assert isinstance(account.available_nmr, Decimal)
    assert isinstance(account.inserted_at, datetime.datetime)
    assert account.inserted_at == world.inserted_at
    assert account.wallet_address == world.wallet_address
    token = account.api_tokens[0] if account.api_tokens else None
    assert isinstance(token, ApiToken)
    assert token.public_id == server.public_id
    own = server.world.own_models()
    assert sorted(m.id or "" for m in account.models or () if m) == sorted(
        m.id for m in own
    )
    assert_authorization(server, sent=True)


def test_get_account_keys_are_numerapis(server: FakeNumerai) -> None:
    for api in make_api(server, "classic", "sync"):
        dumped = api.get_account().model_dump(by_alias=True)
    assert set(dumped) == numerapi_keys("classic", "get_account")
    token = dumped["apiTokens"][0]
    assert set(token) == numerapi_keys("classic", "get_account", "apiTokens")
    model = dumped["models"][0]
    # ``tournament`` is selected in addition, to tell the tournaments apart.
    assert set(model) == numerapi_keys("classic", "get_account", "models") | {
        "tournament"
    }
    assert set(model["v2Stake"]) == numerapi_keys(
        "classic", "get_account", "models", "v2Stake"
    )
    assert isinstance(dumped["availableNmr"], Decimal)
    assert isinstance(dumped["insertedAt"], datetime.datetime)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["classic", "signals", "crypto"])
def test_get_models_is_name_to_id_of_this_tournament(
    server: FakeNumerai, mode: str, kind: str
) -> None:
    for api in make_api(server, kind, mode):
        models = api.get_models()
        expected = {m.name: m.id for m in server.world.own_models(api.tournament)}
    assert models == expected
    assert models
    assert_authorization(server, sent=True)


@pytest.mark.parametrize("mode", MODES)
def test_get_models_of_another_tournament(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode):
        models = api.get_models(tournament=11)
    assert models == {m.name: m.id for m in server.world.own_models(11)}


@pytest.mark.parametrize("mode", MODES)
def test_wallet_transactions(server: FakeNumerai, mode: str) -> None:
    for api in make_api(server, "classic", mode):
        transactions = api.wallet_transactions()
    world = server.world.account.wallet_txns
    assert isinstance(transactions, Records)
    assert len(transactions) == len(world) > 0
    for ours, theirs in zip(transactions, world, strict=True):
        assert isinstance(ours, GetWalletTransactionsAccountWalletTxns)
        assert isinstance(ours.amount, Decimal)
        assert ours.amount == nmr(theirs["amount"])
        assert isinstance(ours.time, datetime.datetime)
        assert ours.time == theirs["time"]
        assert ours.tx_hash == theirs["txHash"]
        assert ours.from_ == theirs["from"]
        assert keys(ours) == numerapi_keys(
            "classic", "wallet_transactions", "walletTxns"
        )
    assert_authorization(server, sent=True)
    frame = transactions.to_dataframe()
    assert str(frame["time"].dtype).startswith("datetime64")
    assert frame["amount"].dtype == "float64"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", NAMES)
def test_keys_are_needed_before_any_request(
    server: FakeNumerai, mode: str, name: str
) -> None:
    for api in make_api(server, "classic", mode, keys=False):
        with pytest.raises(MissingCredentialsError):
            getattr(api, name)()
    assert_no_requests(server)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tournament", ["8", -1, 0, True])
def test_get_models_rejects_bad_tournaments(
    server: FakeNumerai, mode: str, tournament: object
) -> None:
    for api in make_api(server, "classic", mode):
        with pytest.raises(NumeraiValidationError):
            api.get_models(tournament=tournament)
    assert_no_requests(server)
