"""Your account: its details, its models and its wallet (all need API keys)."""

from __future__ import annotations

from numerai_graphql import (
    Account,
    Client,
    WalletTransaction,
)

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NotFoundError, NumeraiValidationError
from .._plan import Plan, graphql
from .._tables import Records
from ._docs import AUTHENTICATED, REQUEST, documented_like, raises


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
    @raises(*AUTHENTICATED, NotFoundError, *REQUEST)
    def get_account(self) -> Account:
        """Your account: balance, e-mail, API keys and models.

        Returns:
            The Account of the configured API key, with its ``api_tokens`` (never the
            secrets) and ``models``.

        Example:
            >>> api.get_account().available_nmr
            Decimal('12.5')
        """
        return self._run(account())

    @raises(NumeraiValidationError, *AUTHENTICATED, NotFoundError, *REQUEST)
    def get_models(self, tournament: int | None = None) -> dict[str, str]:
        """Your models in a tournament, by name.

        Args:
            tournament: The tournament (default: this client's).

        Returns:
            A dict of model name to model id.

        Example:
            >>> api.get_models()
            {'my_model': '4f1c...'}
        """
        return self._run(models(self._tournament(tournament)))

    @raises(*AUTHENTICATED, NotFoundError, *REQUEST)
    def wallet_transactions(self) -> Records[WalletTransaction]:
        """Movements of NMR in and out of your wallet.

        Returns:
            Records of WalletTransaction: deposits, withdrawals, stakes and payouts.

        Example:
            >>> api.wallet_transactions()[0].amount
        """
        return self._run(wallet_transactions())


@documented_like(AccountMethods)
class AsyncAccountMethods(AsyncAPIClient):
    async def get_account(self) -> Account:
        return await self._run(account())

    async def get_models(self, tournament: int | None = None) -> dict[str, str]:
        return await self._run(models(self._tournament(tournament)))

    async def wallet_transactions(
        self,
    ) -> Records[WalletTransaction]:
        return await self._run(wallet_transactions())
