"""The scoring pipeline: when data was ready, scored and resolved on a day."""

from __future__ import annotations

import datetime

from numerai_graphql import Client, fragments

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NotFoundError, NumeraiValidationError
from .._plan import Plan, graphql
from ._docs import REQUEST, documented_like, raises


class PipelineStatus(fragments.PipelineStatus):
    """The pipeline's progress on one day, for one tournament."""

    # The schema types PipelineStatus.tournament as Time; it is not selected and
    # this is the name that was asked for, as numerapi returns it (a str).
    tournament: str


def pipeline_tournament(tournament_id: int) -> str:
    """The pipeline's name for a tournament, as numerapi sends it."""
    return "classic" if tournament_id == 8 else "signals"


def pipeline_status(tournament_id: int, date: object) -> Plan[PipelineStatus]:
    day = _validate.iso_date(datetime.date.today() if date is None else date, "date")
    tournament = pipeline_tournament(tournament_id)
    result = yield from graphql(
        Client.get_pipeline_status, tournament=tournament, date=day
    )
    if result.pipeline_status is None:
        raise NotFoundError(f"no {tournament} pipeline status for {day}")
    fields = result.pipeline_status.model_dump(by_alias=True)
    return PipelineStatus.model_validate({**fields, "tournament": tournament})


class PipelineMethods(SyncAPIClient):
    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def pipeline_status(
        self, date: str | datetime.date | None = None
    ) -> PipelineStatus:
        """How far the scoring pipeline got on a day.

        Args:
            date: The day, ``YYYY-MM-DD`` or a ``datetime.date`` (default: today).

        Returns:
            PipelineStatus: whether it is a scoring day and when data was ready, scoring
            started, scored and resolved.

        Example:
            >>> api.pipeline_status("2026-01-05").scored_at
        """
        return self._run(pipeline_status(self.tournament_id, date))


@documented_like(PipelineMethods)
class AsyncPipelineMethods(AsyncAPIClient):
    async def pipeline_status(
        self, date: str | datetime.date | None = None
    ) -> PipelineStatus:
        return await self._run(pipeline_status(self.tournament_id, date))
