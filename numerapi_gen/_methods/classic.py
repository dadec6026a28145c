"""Numerai Classic only: competitions, the model leaderboard, daily performances."""

from __future__ import annotations

from numerai_graphql import ClassicLeaderboardEntry, DailyModelPerformance

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NotFoundError, NumeraiValidationError
from .._plan import Plan
from .._tables import Records
from ._docs import REQUEST, documented_like, raises
from .leaderboards import classic_leaderboard
from .performance import classic_daily_performances
from .rounds import Round, competitions


def checked_competitions(tournament: int) -> Plan[Records[Round]]:
    tournament = _validate.tournament(tournament)
    return (yield from competitions(tournament))


class ClassicMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *REQUEST)
    def get_competitions(self, tournament: int = 8) -> Records[Round]:
        """Every round of a tournament, with its schedule and state.

        Args:
            tournament: The tournament (8 Classic, 11 Signals, 12 Crypto).

        Returns:
            Records of Round, one per round.

        Example:
            >>> api.get_competitions()[0].number
        """
        return self._run(checked_competitions(tournament))

    @raises(NumeraiValidationError, *REQUEST)
    def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[ClassicLeaderboardEntry]:
        """One page of the Numerai Classic model leaderboard, best first.

        Args:
            limit: Rows per page (0 or more).
            offset: Rows to skip from the top.

        Returns:
            Records of ClassicLeaderboardEntry.

        Example:
            >>> api.get_leaderboard(limit=3)[0].username
        """
        return self._run(classic_leaderboard(limit, offset))

    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def daily_model_performances(self, username: str) -> Records[DailyModelPerformance]:
        """Day-by-day reputations and ranks of a Numerai Classic model.

        Args:
            username: The model's name.

        Returns:
            Records of DailyModelPerformance, oldest first; the Classic metrics (corr,
            mmc, fnc, tc) are filled.

        Example:
            >>> days = api.daily_model_performances("my_model")
            >>> days[-1].corr_rep
        """
        return self._run(classic_daily_performances(username))


@documented_like(ClassicMethods)
class AsyncClassicMethods(AsyncAPIClient):
    async def get_competitions(self, tournament: int = 8) -> Records[Round]:
        return await self._run(checked_competitions(tournament))

    async def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[ClassicLeaderboardEntry]:
        return await self._run(classic_leaderboard(limit, offset))

    async def daily_model_performances(
        self, username: str
    ) -> Records[DailyModelPerformance]:
        return await self._run(classic_daily_performances(username))
