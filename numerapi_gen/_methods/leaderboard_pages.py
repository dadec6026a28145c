"""Leaderboards walked page by page: ``iter_leaderboard``, ``iter_account_leaderboard``.

``get_leaderboard``/``get_account_leaderboard`` return one ``limit``/``offset``
page; these iterators ask for page after page until the board ends (a short
page) or ``max_items`` entries were yielded, so the caller never handles an
offset. The async clients return ``async for`` iterators.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Generic, TypeVar

from numerai_graphql import (
    AccountLeaderboardEntry,
    ClassicLeaderboardEntry,
    Client,
    CryptoLeaderboardEntry,
    SignalsLeaderboardEntry,
)

from .._client import AsyncAPIClient, SyncAPIClient
from .._plan import Plan, graphql
from . import _pages
from ._docs import documented_like

E = TypeVar("E")


def classic_page(
    limit: int, offset: int
) -> Plan[Sequence[ClassicLeaderboardEntry | None]]:
    result = yield from graphql(
        Client.get_classic_leaderboard, limit=limit, offset=offset
    )
    return result.v_2_leaderboard or []


def signals_page(
    limit: int, offset: int
) -> Plan[Sequence[SignalsLeaderboardEntry | None]]:
    result = yield from graphql(
        Client.get_signals_leaderboard, limit=limit, offset=offset
    )
    return result.signals_leaderboard or []


def crypto_page(
    limit: int, offset: int
) -> Plan[Sequence[CryptoLeaderboardEntry | None]]:
    result = yield from graphql(
        Client.get_crypto_leaderboard, limit=limit, offset=offset
    )
    return result.cryptosignals_leaderboard or []


def account_pages(
    tournament: int,
) -> _pages.PageFetch[AccountLeaderboardEntry]:
    def fetch(
        limit: int, offset: int
    ) -> Plan[Sequence[AccountLeaderboardEntry | None]]:
        result = yield from graphql(
            Client.get_account_leaderboard,
            limit=limit,
            offset=offset,
            tournament=tournament,
        )
        return result.account_leaderboard or []

    return fetch


class AccountLeaderboardPages(SyncAPIClient):
    def iter_account_leaderboard(
        self, *, page_size: int = _pages.DEFAULT_PAGE_SIZE, max_items: int | None = None
    ) -> Iterator[AccountLeaderboardEntry]:
        """Every entry of this tournament's account leaderboard, best first.

        Args:
            page_size: entries per request.
            max_items: stop after this many entries (None: walk to the end).

        Returns:
            An iterator (``async for`` on the async clients) of the entries
            ``get_account_leaderboard`` returns, read page by page as needed.

        Raises:
            NumeraiValidationError: ``page_size`` is not a positive integer or
                ``max_items`` is negative (at once, before any request).
            NumeraiError: a page request failed (while iterating).

        Example:
            >>> top = [e.username for e in api.iter_account_leaderboard(max_items=10)]
        """
        return _pages.iterate(
            self._run, account_pages(self.tournament_id), page_size, max_items
        )


@documented_like(AccountLeaderboardPages)
class AsyncAccountLeaderboardPages(AsyncAPIClient):
    def iter_account_leaderboard(
        self, *, page_size: int = _pages.DEFAULT_PAGE_SIZE, max_items: int | None = None
    ) -> AsyncIterator[AccountLeaderboardEntry]:
        return _pages.aiterate(
            self._run, account_pages(self.tournament_id), page_size, max_items
        )


class _ModelLeaderboardPages(SyncAPIClient, Generic[E]):
    """``iter_leaderboard`` of a tournament whose board ``_leaderboard_page`` reads."""

    def _leaderboard_page(self, limit: int, offset: int) -> Plan[Sequence[E | None]]:
        raise NotImplementedError

    def iter_leaderboard(
        self, *, page_size: int = _pages.DEFAULT_PAGE_SIZE, max_items: int | None = None
    ) -> Iterator[E]:
        """Every entry of this tournament's model leaderboard, best first.

        Args:
            page_size: entries per request.
            max_items: stop after this many entries (None: walk to the end).

        Returns:
            An iterator (``async for`` on the async clients) of the entries
            ``get_leaderboard`` returns, read page by page as needed.

        Raises:
            NumeraiValidationError: ``page_size`` is not a positive integer or
                ``max_items`` is negative (at once, before any request).
            NumeraiError: a page request failed (while iterating).

        Example:
            >>> names = [e.username for e in api.iter_leaderboard(max_items=100)]
        """
        return _pages.iterate(self._run, self._leaderboard_page, page_size, max_items)


@documented_like(_ModelLeaderboardPages)
class _AsyncModelLeaderboardPages(AsyncAPIClient, Generic[E]):
    """The async ``iter_leaderboard``: an ``async for`` iterator."""

    def _leaderboard_page(self, limit: int, offset: int) -> Plan[Sequence[E | None]]:
        raise NotImplementedError

    def iter_leaderboard(
        self, *, page_size: int = _pages.DEFAULT_PAGE_SIZE, max_items: int | None = None
    ) -> AsyncIterator[E]:
        return _pages.aiterate(self._run, self._leaderboard_page, page_size, max_items)


class ClassicLeaderboardPages(_ModelLeaderboardPages[ClassicLeaderboardEntry]):
    def _leaderboard_page(
        self, limit: int, offset: int
    ) -> Plan[Sequence[ClassicLeaderboardEntry | None]]:
        return classic_page(limit, offset)


class AsyncClassicLeaderboardPages(
    _AsyncModelLeaderboardPages[ClassicLeaderboardEntry]
):
    def _leaderboard_page(
        self, limit: int, offset: int
    ) -> Plan[Sequence[ClassicLeaderboardEntry | None]]:
        return classic_page(limit, offset)


class SignalsLeaderboardPages(_ModelLeaderboardPages[SignalsLeaderboardEntry]):
    def _leaderboard_page(
        self, limit: int, offset: int
    ) -> Plan[Sequence[SignalsLeaderboardEntry | None]]:
        return signals_page(limit, offset)


class AsyncSignalsLeaderboardPages(
    _AsyncModelLeaderboardPages[SignalsLeaderboardEntry]
):
    def _leaderboard_page(
        self, limit: int, offset: int
    ) -> Plan[Sequence[SignalsLeaderboardEntry | None]]:
        return signals_page(limit, offset)


class CryptoLeaderboardPages(_ModelLeaderboardPages[CryptoLeaderboardEntry]):
    def _leaderboard_page(
        self, limit: int, offset: int
    ) -> Plan[Sequence[CryptoLeaderboardEntry | None]]:
        return crypto_page(limit, offset)


class AsyncCryptoLeaderboardPages(_AsyncModelLeaderboardPages[CryptoLeaderboardEntry]):
    def _leaderboard_page(
        self, limit: int, offset: int
    ) -> Plan[Sequence[CryptoLeaderboardEntry | None]]:
        return crypto_page(limit, offset)
