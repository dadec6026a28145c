"""Numerai Signals only: the model leaderboard, daily performances, tickers."""

from __future__ import annotations

import re
from pathlib import Path

from numerai_graphql import DailyModelPerformance, SignalsLeaderboardEntry

from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NotFoundError, NumeraiValidationError, TransferError
from .._plan import Plan, offload
from .._tables import Records
from ._docs import REQUEST, documented_like, raises
from .datasets import download_dataset, list_datasets
from .leaderboards import signals_leaderboard
from .performance import signals_daily_performances

#: The live universe numerapi reads; newer dataset versions are used without it.
LIVE_UNIVERSE = "signals/v1.0/live.parquet"
TICKER_COLUMN = "numerai_ticker"
_LIVE_FILE = re.compile(r"^signals/v(\d+)\.(\d+)/live\.parquet$")


def live_universe_file(available: list[str]) -> str:
    """numerapi's live file if published, else the newest version's."""
    if LIVE_UNIVERSE in available:
        return LIVE_UNIVERSE
    versions = {
        (int(m[1]), int(m[2])): name
        for name in available
        if (m := _LIVE_FILE.match(name)) is not None
    }
    if not versions:
        raise NotFoundError("no Signals live dataset (signals/v*/live.parquet)")
    return versions[max(versions)]


def read_tickers(path: str | Path) -> list[str]:
    """The ticker column of a live parquet file (pandas imported only here)."""
    import pandas as pd
    import pyarrow.parquet as pq

    if TICKER_COLUMN not in pq.read_schema(path).names:
        raise NotFoundError(f"{path} has no {TICKER_COLUMN!r} column")
    column = pd.read_parquet(path, columns=[TICKER_COLUMN])[TICKER_COLUMN]
    return [str(ticker) for ticker in column.dropna()]


def ticker_universe(tournament: int, data_dir: str) -> Plan[list[str]]:
    available = yield from list_datasets(tournament, None)
    filename = live_universe_file(available)
    path = yield from download_dataset(tournament, filename, None, None, None, data_dir)
    return (yield from offload(read_tickers, path))


class SignalsMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *REQUEST)
    def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[SignalsLeaderboardEntry]:
        """One page of the Numerai Signals model leaderboard, best first.

        Args:
            limit: Rows per page (0 or more).
            offset: Rows to skip from the top.

        Returns:
            Records of SignalsLeaderboardEntry.

        Example:
            >>> api.get_leaderboard(limit=3)[0].username
        """
        return self._run(signals_leaderboard(limit, offset))

    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def daily_model_performances(self, username: str) -> Records[DailyModelPerformance]:
        """Day-by-day reputations and ranks of a Numerai Signals model.

        Args:
            username: The model's name.

        Returns:
            Records of DailyModelPerformance, oldest first; the Signals metrics (corr,
            corr60, ic, tc) are filled.

        Example:
            >>> days = api.daily_model_performances("my_signals_model")
            >>> days[-1].ic_rep
        """
        return self._run(signals_daily_performances(username))

    @raises(*REQUEST, TransferError)
    def ticker_universe(self) -> list[str]:
        """The tickers Numerai Signals accepts in submissions now.

        Returns:
            The tickers, from the latest live universe file (downloaded).

        Example:
            >>> api.ticker_universe()[:2]
            ['AAPL US', 'MSFT US']
        """
        return self._run(ticker_universe(self.tournament_id, self.global_data_dir))


@documented_like(SignalsMethods)
class AsyncSignalsMethods(AsyncAPIClient):
    async def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> Records[SignalsLeaderboardEntry]:
        return await self._run(signals_leaderboard(limit, offset))

    async def daily_model_performances(
        self, username: str
    ) -> Records[DailyModelPerformance]:
        return await self._run(signals_daily_performances(username))

    async def ticker_universe(self) -> list[str]:
        return await self._run(
            ticker_universe(self.tournament_id, self.global_data_dir)
        )
