"""The wallet's transactions walked page by page: ``iter_wallet_transactions``.

``wallet_transactions`` (numerapi's) reads the whole history in one answer;
this iterator asks ``Account.walletTxns`` for ``limit``/``offset`` pages, newest
first, until a short page or ``max_items``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence

from numerai_graphql import Client, WalletTransaction

from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NotFoundError
from .._plan import Plan, graphql
from . import _pages
from ._docs import documented_like


def wallet_page(limit: int, offset: int) -> Plan[Sequence[WalletTransaction | None]]:
    result = yield from graphql(
        Client.list_wallet_transactions, authenticated=True, limit=limit, offset=offset
    )
    if result.account is None:
        raise NotFoundError("the API returned no account for these API keys")
    return result.account.wallet_txns or []


class WalletPages(SyncAPIClient):
    def iter_wallet_transactions(
        self, *, page_size: int = _pages.DEFAULT_PAGE_SIZE, max_items: int | None = None
    ) -> Iterator[WalletTransaction]:
        """Every transaction of your wallet, newest first, page by page.

        Args:
            page_size: transactions per request.
            max_items: stop after this many (None: walk to the end).

        Returns:
            An iterator (``async for`` on the async clients) of the records
            ``wallet_transactions`` returns, read page by page as needed.

        Raises:
            NumeraiValidationError: ``page_size`` is not a positive integer or
                ``max_items`` is negative (at once, before any request).
            MissingCredentialsError: no API key is configured (on the first page).

        Example:
            >>> for txn in api.iter_wallet_transactions(max_items=20):
            ...     print(txn.time, txn.type_, txn.amount)
        """
        return _pages.iterate(self._run, wallet_page, page_size, max_items)


@documented_like(WalletPages)
class AsyncWalletPages(AsyncAPIClient):
    def iter_wallet_transactions(
        self, *, page_size: int = _pages.DEFAULT_PAGE_SIZE, max_items: int | None = None
    ) -> AsyncIterator[WalletTransaction]:
        return _pages.aiterate(self._run, wallet_page, page_size, max_items)
