"""Your account: its details, its models and its wallet (all need API keys)."""

from __future__ import annotations

from numerai_graphql import (
    Account,
    Client,
    WalletTransaction,
)

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NotFoundError
from .._plan import Plan, graphql
from .._tables import Records


def account() -> Plan[Account]:
    result = yield from graphql(Client.get_account, authenticated=True)
    if result.account is None:
        raise NotFoundError("the API returned no account for these API keys")
    return result.account


def models(tournament: int) -> Plan[dict[str, str]]:
    """Name -> id of the account's models in ``tournament``."""
    tournament = _validate.positive_int(tournament, "tournament")
    result = yield from graphql(Client.get_models, authenticated=True)
    if result.account is None:
        raise NotFoundError("the API returned no account for these API keys")
    return {
        model.name: model.id
        for model in result.account.models or ()
        if model is not None
        and model.name is not None
        and model.id is not None
        and model.tournament == tournament
    }


def wallet_transactions() -> Plan[Records[WalletTransaction]]:
    result = yield from graphql(Client.get_wallet_transactions, authenticated=True)
    if result.account is None:
        raise NotFoundError("the API returned no account for these API keys")
    return Records.present(result.account.wallet_txns, WalletTransaction)


class AccountMethods(SyncAPIClient):
    def get_account(self) -> Account:
        """Your account: balance, e-mail, API tokens, models and their stakes."""
        return self._run(account())

    def get_models(self, tournament: int | None = None) -> dict[str, str]:
        """Model name -> model id of your models in a tournament (default: this)."""
        return self._run(models(self._tournament(tournament)))

    def wallet_transactions(self) -> Records[WalletTransaction]:
        """Deposits, withdrawals, stakes and payouts of your wallet."""
        return self._run(wallet_transactions())


class AsyncAccountMethods(AsyncAPIClient):
    async def get_account(self) -> Account:
        """Your account: balance, e-mail, API tokens, models and their stakes."""
        return await self._run(account())

    async def get_models(self, tournament: int | None = None) -> dict[str, str]:
        """Model name -> model id of your models in a tournament (default: this)."""
        return await self._run(models(self._tournament(tournament)))

    async def wallet_transactions(
        self,
    ) -> Records[WalletTransaction]:
        """Deposits, withdrawals, stakes and payouts of your wallet."""
        return await self._run(wallet_transactions())
