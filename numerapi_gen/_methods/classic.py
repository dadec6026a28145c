"""Numerai Classic only: competitions, the model leaderboard, daily performances."""

from __future__ import annotations

from numerai_graphql import ClassicLeaderboardEntry, DailyModelPerformance

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._plan import Plan
from .._tables import Records
from .leaderboards import classic_leaderboard
from .performance import classic_daily_performances
from .rounds import Round, competitions


def checked_competitions(tournament: int) -> Plan[Records[Round]]:
    tournament = _validate.tournament(tournament)
    return (yield from competitions(tournament))


class ClassicMethods(SyncAPIClient):
    def get_competitions(self, tournament: int = 8) -> Records[Round]:
        """Every round of a tournament with its open/resolve times."""
        return self._run(checked_competitions(tournament))

    def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[ClassicLeaderboardEntry]:
        """One page of the Classic model leaderboard, best first."""
        return self._run(classic_leaderboard(limit, offset))

    def daily_model_performances(self, username: str) -> Records[DailyModelPerformance]:
        """Daily reputation scores and ranks of a Classic model."""
        return self._run(classic_daily_performances(username))


class AsyncClassicMethods(AsyncAPIClient):
    async def get_competitions(self, tournament: int = 8) -> Records[Round]:
        """Every round of a tournament with its open/resolve times."""
        return await self._run(checked_competitions(tournament))

    async def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[ClassicLeaderboardEntry]:
        """One page of the Classic model leaderboard, best first."""
        return await self._run(classic_leaderboard(limit, offset))

    async def daily_model_performances(
        self, username: str
    ) -> Records[DailyModelPerformance]:
        """Daily reputation scores and ranks of a Classic model."""
        return await self._run(classic_daily_performances(username))
