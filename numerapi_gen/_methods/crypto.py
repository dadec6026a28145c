"""Numerai Crypto only: the model leaderboard."""

from __future__ import annotations

from numerai_graphql import CryptoLeaderboardEntry

from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NumeraiValidationError
from .._tables import Records
from ._docs import REQUEST, documented_like, raises
from .leaderboards import crypto_leaderboard


class CryptoMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *REQUEST)
    def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[CryptoLeaderboardEntry]:
        """One page of the Numerai Crypto model leaderboard, best first.

        Args:
            limit: Rows per page (0 or more).
            offset: Rows to skip from the top.

        Returns:
            Records of CryptoLeaderboardEntry.

        Example:
            >>> api.get_leaderboard(limit=3)[0].username
        """
        return self._run(crypto_leaderboard(limit, offset))


@documented_like(CryptoMethods)
class AsyncCryptoMethods(AsyncAPIClient):
    async def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[CryptoLeaderboardEntry]:
        return await self._run(crypto_leaderboard(limit, offset))
