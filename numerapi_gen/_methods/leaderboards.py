"""Leaderboards: accounts (every tournament) and models (one board per tournament).

The model leaderboards differ per tournament, so their plans live here and the
tournament mixins (``classic``, ``signals``, ``crypto``) expose them.
"""

from __future__ import annotations

from numerai_graphql import (
    AccountLeaderboardEntry,
    ClassicLeaderboardEntry,
    Client,
    CryptoLeaderboardEntry,
    SignalsLeaderboardEntry,
)

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NumeraiValidationError
from .._plan import Plan, graphql
from .._tables import Records
from ._docs import REQUEST, documented_like, raises


def _page(limit: int, offset: int) -> tuple[int, int]:
    return (
        _validate.positive_int(limit, "limit", allow_zero=True),
        _validate.positive_int(offset, "offset", allow_zero=True),
    )


def account_leaderboard(
    tournament: int, limit: int, offset: int
) -> Plan[Records[AccountLeaderboardEntry]]:
    limit, offset = _page(limit, offset)
    result = yield from graphql(
        Client.get_account_leaderboard,
        limit=limit,
        offset=offset,
        tournament=tournament,
    )
    return Records.present(result.account_leaderboard, AccountLeaderboardEntry)


def classic_leaderboard(
    limit: int, offset: int
) -> Plan[Records[ClassicLeaderboardEntry]]:
    limit, offset = _page(limit, offset)
    result = yield from graphql(
        Client.get_classic_leaderboard, limit=limit, offset=offset
    )
    return Records.present(result.v_2_leaderboard, ClassicLeaderboardEntry)


def signals_leaderboard(
    limit: int, offset: int
) -> Plan[Records[SignalsLeaderboardEntry]]:
    limit, offset = _page(limit, offset)
    result = yield from graphql(
        Client.get_signals_leaderboard, limit=limit, offset=offset
    )
    return Records.present(result.signals_leaderboard, SignalsLeaderboardEntry)


def crypto_leaderboard(
    limit: int, offset: int
) -> Plan[Records[CryptoLeaderboardEntry]]:
    limit, offset = _page(limit, offset)
    result = yield from graphql(
        Client.get_crypto_leaderboard, limit=limit, offset=offset
    )
    return Records.present(result.cryptosignals_leaderboard, CryptoLeaderboardEntry)


class LeaderboardMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *REQUEST)
    def get_account_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[AccountLeaderboardEntry]:
        """One page of this tournament's account leaderboard, best first.

        Args:
            limit: Rows per page (0 or more).
            offset: Rows to skip from the top.

        Returns:
            Records of AccountLeaderboardEntry.

        Example:
            >>> api.get_account_leaderboard(limit=10)[0].username
        """
        return self._run(account_leaderboard(self.tournament_id, limit, offset))


@documented_like(LeaderboardMethods)
class AsyncLeaderboardMethods(AsyncAPIClient):
    async def get_account_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[AccountLeaderboardEntry]:
        return await self._run(account_leaderboard(self.tournament_id, limit, offset))
