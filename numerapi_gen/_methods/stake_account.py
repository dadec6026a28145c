"""The account's staking history and direct stake actions.

``increase_stake`` moves NMR and ``cancel_pending_stake_release`` and
``v3_change_payout_selection`` change what a model earns: each takes every
consequential argument explicitly (no defaults) and checks it before any
request. The history is a ``limit``/``offset`` list, also walkable page by
page with ``iter_stake_transactions``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence

from numerai_graphql import (
    Client,
    StakeTransaction,
    V3StakeServiceWallet,
)

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import (
    InvalidResponseError,
    MissingCredentialsError,
    NumeraiValidationError,
)
from .._plan import Plan, graphql
from .._tables import Records
from . import _pages
from ._common import reshape
from ._docs import documented_like, raises
from .staking import NmrAmount, StakeChange, StakeRequest


class StakeIncrease(StakeChange):
    """A stake increase the API made, with ``sent_amount``, what this client sent."""

    id: str | None = None
    drain: bool | None = None


class StakeRelease(StakeRequest):
    """A stake release request (as ``cancel_pending_stake_release`` returns it)."""

    id: str | None = None
    drain: bool | None = None


def _transaction_filters(
    model_id: str | None, type_: str | None
) -> tuple[str | None, str | None]:
    model = _validate.optional_model_id(model_id)
    kind = None if type_ is None else _validate.non_empty(type_, "type_")
    return model, kind


def stake_transactions_page(
    model_id: str | None, type_: str | None, limit: int, offset: int
) -> Plan[list[StakeTransaction | None]]:
    model, kind = _transaction_filters(model_id, type_)
    result = yield from graphql(
        Client.list_stake_transactions,
        authenticated=True,
        limit=_validate.positive_int(limit, "limit", allow_zero=True),
        offset=_validate.positive_int(offset, "offset", allow_zero=True),
        model_id=model,
        type_=kind,
    )
    return list(result.stake_transactions or ())


def stake_transactions(
    model_id: str | None, type_: str | None, limit: int, offset: int
) -> Plan[Records[StakeTransaction]]:
    page = yield from stake_transactions_page(model_id, type_, limit, offset)
    return Records.present(page, StakeTransaction)


def stake_transaction_pages(
    model_id: str | None, type_: str | None
) -> _pages.PageFetch[StakeTransaction]:
    """The page reader for ``iter_stake_transactions``; checks the filters now."""
    _transaction_filters(model_id, type_)

    def fetch(limit: int, offset: int) -> Plan[Sequence[StakeTransaction | None]]:
        return stake_transactions_page(model_id, type_, limit, offset)

    return fetch


def v3_stake_service_wallet() -> Plan[V3StakeServiceWallet]:
    result = yield from graphql(Client.get_v_3_stake_service_wallet, authenticated=True)
    if result.v_3_stake_service_wallet is None:
        raise InvalidResponseError("v3StakeServiceWallet: the API returned no wallet")
    return result.v_3_stake_service_wallet


def increase_stake(model_id: str, nmr: NmrAmount) -> Plan[StakeIncrease]:
    model = _validate.model_id(model_id)
    amount = _validate.nmr_amount(nmr, "nmr")
    result = yield from graphql(
        Client.increase_stake,
        authenticated=True,
        model_id=model,
        amount=_validate.amount_text(amount),
    )
    if result.increase_stake is None:
        raise InvalidResponseError("increaseStake: the API returned no stake request")
    return reshape(
        StakeIncrease,
        {**result.increase_stake.model_dump(), "sent_amount": amount},
        "increaseStake",
    )


def cancel_pending_stake_release(model_id: str) -> Plan[StakeRelease]:
    model = _validate.model_id(model_id)
    result = yield from graphql(
        Client.cancel_pending_stake_release, authenticated=True, model_id=model
    )
    request = result.cancel_pending_stake_release
    if request is None:
        raise InvalidResponseError(
            "cancelPendingStakeRelease: the API returned no stake request"
        )
    return reshape(StakeRelease, request.model_dump(), "cancelPendingStakeRelease")


def v3_change_payout_selection(
    tournament: int, model_id: str, take_profit: bool
) -> Plan[str]:
    model = _validate.model_id(model_id)
    if not isinstance(take_profit, bool):
        raise NumeraiValidationError(
            f"take_profit must be True or False, got {take_profit!r}",
            argument="take_profit",
        )
    result = yield from graphql(
        Client.v_3_change_payout_selection,
        authenticated=True,
        model_id=model,
        take_profit=take_profit,
        tournament_number=tournament,
    )
    if result.v_3_change_payout_selection is None:
        raise InvalidResponseError(
            "v3ChangePayoutSelection: the API returned no answer"
        )
    return result.v_3_change_payout_selection


class StakeAccountMethods(SyncAPIClient):
    @raises(MissingCredentialsError)
    def stake_transactions(
        self,
        model_id: str | None = None,
        type_: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Records[StakeTransaction]:
        """One page of your stake history: increases, releases, payouts and burns.

        To read the whole history without handling offsets, use
        :meth:`iter_stake_transactions`.

        Args:
            model_id: only this model's transactions (a UUID); None: all models.
            type_: only transactions of this type, as the API names them.
            limit: at most this many transactions.
            offset: skip this many (the newest first).

        Returns:
            One record per transaction: ``timestamp``, ``type_``, ``amount`` and
            ``value`` (exact ``Decimal`` NMR), ``model``, ``round``, ``tournament``.

        Raises:
            NumeraiValidationError: an argument is out of range (nothing is sent).

        Example:
            >>> api.stake_transactions(limit=10).to_dataframe()
        """
        return self._run(stake_transactions(model_id, type_, limit, offset))

    def iter_stake_transactions(
        self,
        model_id: str | None = None,
        type_: str | None = None,
        *,
        page_size: int = _pages.DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> Iterator[StakeTransaction]:
        """Walk your whole stake history, page by page, newest first.

        The arguments are checked when the iterator is created; pages are requested
        as the loop needs them.

        Args:
            model_id: only this model's transactions (a UUID); None: all models.
            type_: only transactions of this type, as the API names them.
            page_size: transactions per request.
            max_items: stop after this many (None: walk to the end).

        Returns:
            An iterator of the records :meth:`stake_transactions` returns.

        Raises:
            NumeraiValidationError: an argument is out of range (nothing is sent).
            MissingCredentialsError: no API key is configured (on the first page).

        Example:
            >>> total = sum(t.amount or 0 for t in api.iter_stake_transactions())
        """
        return _pages.iterate(
            self._run,
            stake_transaction_pages(model_id, type_),
            page_size,
            max_items,
        )

    @raises(MissingCredentialsError)
    def v3_stake_service_wallet(self) -> V3StakeServiceWallet:
        """Your staking v3 service wallet: its address, balance and allowance.

        Returns:
            ``service_wallet``, ``wallet_balance``, ``staking_allowance`` (as the
            API's decimal strings) and the NMR and staking contract addresses.

        Raises:
            InvalidResponseError: the API returned no wallet.

        Example:
            >>> api.v3_stake_service_wallet().wallet_balance
            '120.5'
        """
        return self._run(v3_stake_service_wallet())

    def increase_stake(self, model_id: str, nmr: NmrAmount) -> StakeIncrease:
        """Stake ``nmr`` more NMR on a model, from your wallet (``increaseStake``).

        Both arguments are required and checked before any request.

        Args:
            model_id: the model (a UUID).
            nmr: the NMR to add, more than zero; a ``Decimal`` or a decimal
                string is sent exactly as given.

        Returns:
            The stake request the API created (``requested_amount`` as
            ``Decimal``), with ``sent_amount``, exactly what was sent.

        Raises:
            NumeraiValidationError: a bad id or amount (nothing is sent).
            GraphQLError: the API refused (e.g. not enough NMR in the wallet).

        Example:
            >>> api.increase_stake(model_id, "1.5").requested_amount
            Decimal('1.5')
        """
        return self._run(increase_stake(model_id, nmr))

    def cancel_pending_stake_release(self, model_id: str) -> StakeRelease:
        """Cancel a model's pending stake release, so the NMR stays staked.

        Args:
            model_id: the model (a UUID).

        Returns:
            The cancelled stake request.

        Raises:
            NumeraiValidationError: ``model_id`` is not a UUID (nothing is sent).
            GraphQLError: the API refused (e.g. no release is pending).

        Example:
            >>> api.cancel_pending_stake_release(model_id).status
            'cancelled'
        """
        return self._run(cancel_pending_stake_release(model_id))

    def v3_change_payout_selection(self, model_id: str, take_profit: bool) -> str:
        """Choose whether a model's payouts are paid out or added to its stake.

        Args:
            model_id: the model (a UUID).
            take_profit: True pays payouts out to your wallet, False compounds them
                into the stake. Required: there is no default.

        Returns:
            The API's confirmation text.

        Raises:
            NumeraiValidationError: a bad id, or ``take_profit`` not a bool.
            GraphQLError: the API refused.

        Example:
            >>> api.v3_change_payout_selection(model_id, take_profit=True)
            'true'
        """
        return self._run(
            v3_change_payout_selection(self.tournament_id, model_id, take_profit)
        )


@documented_like(StakeAccountMethods)
class AsyncStakeAccountMethods(AsyncAPIClient):
    async def stake_transactions(
        self,
        model_id: str | None = None,
        type_: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Records[StakeTransaction]:
        return await self._run(stake_transactions(model_id, type_, limit, offset))

    def iter_stake_transactions(
        self,
        model_id: str | None = None,
        type_: str | None = None,
        *,
        page_size: int = _pages.DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[StakeTransaction]:
        """Walk your whole stake history, page by page, newest first.

        The arguments are checked when the iterator is created; pages are requested
        as the loop needs them.

        Args:
            model_id: only this model's transactions (a UUID); None: all models.
            type_: only transactions of this type, as the API names them.
            page_size: transactions per request.
            max_items: stop after this many (None: walk to the end).

        Returns:
            An async iterator (``async for``) of the records
            :meth:`stake_transactions` returns.

        Raises:
            NumeraiValidationError: an argument is out of range (nothing is sent).
            MissingCredentialsError: no API key is configured (on the first page).

        Example:
            >>> async for txn in api.iter_stake_transactions(max_items=50):
            ...     print(txn.timestamp, txn.amount)
        """
        return _pages.aiterate(
            self._run,
            stake_transaction_pages(model_id, type_),
            page_size,
            max_items,
        )

    async def v3_stake_service_wallet(
        self,
    ) -> V3StakeServiceWallet:
        return await self._run(v3_stake_service_wallet())

    async def increase_stake(self, model_id: str, nmr: NmrAmount) -> StakeIncrease:
        return await self._run(increase_stake(model_id, nmr))

    async def cancel_pending_stake_release(self, model_id: str) -> StakeRelease:
        return await self._run(cancel_pending_stake_release(model_id))

    async def v3_change_payout_selection(self, model_id: str, take_profit: bool) -> str:
        return await self._run(
            v3_change_payout_selection(self.tournament_id, model_id, take_profit)
        )
