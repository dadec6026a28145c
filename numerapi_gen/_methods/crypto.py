"""Numerai Crypto only: the model leaderboard."""

from __future__ import annotations

from numerai_graphql import CryptoLeaderboardEntry

from .._client import AsyncAPIClient, SyncAPIClient
from .._tables import Records
from .leaderboards import crypto_leaderboard


class CryptoMethods(SyncAPIClient):
    def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[CryptoLeaderboardEntry]:
        """One page of the Crypto model leaderboard, best first."""
        return self._run(crypto_leaderboard(limit, offset))


class AsyncCryptoMethods(AsyncAPIClient):
    async def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[CryptoLeaderboardEntry]:
        """One page of the Crypto model leaderboard, best first."""
        return await self._run(crypto_leaderboard(limit, offset))
