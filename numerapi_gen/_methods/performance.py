"""How models score and earn: submission scores, payouts, round performances.

The daily performances differ per tournament; their plans live here and the
tournament mixins (``classic``, ``signals``) expose them.
"""

from __future__ import annotations

import datetime
import uuid
import warnings
from typing import Annotated, Any, Optional, get_args

from numerai_graphql import (
    Client,
    DailyModelPerformance,
    IntraRoundScores,
    RoundModelPerformance,
    SubmissionScore,
    fragments,
)
from numerai_graphql.base_model import BaseModel
from numerai_graphql.scalars import parse_time
from pydantic import (
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetPydanticSchema,
)
from pydantic_core import CoreSchema, core_schema

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NotFoundError, NumeraiValidationError
from .._plan import Plan, graphql
from .._tables import Records
from ._docs import AUTHENTICATED, REQUEST, documented_like, raises
from .models import model_id_of

_V2_DEPRECATION = (
    "round_model_performances_v2() reads the legacy v2RoundModelPerformances "
    "field and is deprecated; prefer submission_scores()."
)
_V1_DEPRECATION = (
    "`round_model_performances` is deprecated: use `submission_scores` "
    "(or `round_model_performances_v2` with a model id)."
)


# --- result models ---------------------------------------------------------------


def _records_schema(source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
    (item,) = get_args(source)
    generic_list: Any = list
    return core_schema.no_info_after_validator_function(
        lambda items: Records(items, item), handler(generic_list[item])
    )


#: Makes a ``Records[M]`` usable as a pydantic field (validated as ``list[M]``).
_AS_RECORDS = GetPydanticSchema(_records_schema)


class Payout(fragments.Payout):
    """One model's payout for one round."""

    # numerapi parses this schema Date into a datetime (midnight, here UTC).
    round_resolve_time: Optional[  # noqa: UP045 - the generated models' style
        Annotated[datetime.datetime, BeforeValidator(parse_time)]
    ] = Field(alias="roundResolveTime")


class ModelPayouts(BaseModel):
    """Your models' payouts: ``actual`` (resolved rounds) and ``pending``."""

    actual: Annotated[Records[Payout], _AS_RECORDS]
    pending: Annotated[Records[Payout], _AS_RECORDS]


# --- validation helpers ---------------------------------------------------------


def _optional_text(value: object, argument: str) -> str | None:
    return None if value is None else _validate.non_empty(value, argument)


def _optional_flag(value: object, argument: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise NumeraiValidationError(
        f"{argument} must be True, False or None, got {value!r}", argument=argument
    )


def _optional_count(
    value: object, argument: str, *, allow_zero: bool = False
) -> int | None:
    if value is None:
        return None
    return _validate.positive_int(value, argument, allow_zero=allow_zero)


# --- plans -----------------------------------------------------------------------


def submission_scores(
    tournament: int,
    model_id: str,
    display_name: str | None,
    version: str | None,
    day: int | None,
    resolved: bool | None,
    last_n_rounds: int | None,
    distinct_on_round: bool | None,
) -> Plan[Records[SubmissionScore]]:
    result = yield from graphql(
        Client.get_submission_scores,
        model_id=_validate.model_id(model_id),
        display_name=_optional_text(display_name, "display_name"),
        version=_optional_text(version, "version"),
        day=_optional_count(day, "day", allow_zero=True),
        resolved=_optional_flag(resolved, "resolved"),
        tournament=tournament,
        last_n_rounds=_optional_count(last_n_rounds, "last_n_rounds"),
        distinct_on_round=_optional_flag(distinct_on_round, "distinct_on_round"),
    )
    return Records.present(result.submission_scores, SubmissionScore)


def pending_model_payouts(tournament: int) -> Plan[ModelPayouts]:
    tournament = _validate.positive_int(tournament, "tournament")
    result = yield from graphql(
        Client.get_pending_model_payouts, authenticated=True, tournament=tournament
    )
    payouts = result.pending_model_payouts
    if payouts is None:
        raise NotFoundError(f"the API returned no payouts for tournament {tournament}")
    return ModelPayouts(
        actual=Records(
            (
                Payout.model_validate(p.model_dump(mode="json", by_alias=True))
                for p in payouts.actual or ()
                if p is not None
            ),
            Payout,
        ),
        pending=Records(
            (
                Payout.model_validate(p.model_dump(mode="json", by_alias=True))
                for p in payouts.pending or ()
                if p is not None
            ),
            Payout,
        ),
    )


def round_model_performances(
    tournament: int, model_id: str
) -> Plan[Records[RoundModelPerformance]]:
    result = yield from graphql(
        Client.get_round_model_performances,
        model_id=_validate.model_id(model_id),
        tournament=tournament,
    )
    return Records.present(
        result.v_2_round_model_performances,
        RoundModelPerformance,
    )


def round_model_performances_by_name(
    tournament: int, username: str
) -> Plan[Records[RoundModelPerformance]]:
    """Round performances of a model given by name (or by id)."""
    username = _validate.non_empty(username, "username")
    try:
        model_id = str(uuid.UUID(username))
    except ValueError:
        model_id = yield from model_id_of(username, tournament)
    return (yield from round_model_performances(tournament, model_id))


def intra_round_scores(
    tournament: int, model_id: str
) -> Plan[Records[IntraRoundScores]]:
    result = yield from graphql(
        Client.get_intra_round_scores,
        model_id=_validate.model_id(model_id),
        tournament=tournament,
    )
    return Records.present(result.v_2_round_model_performances, IntraRoundScores)


def classic_daily_performances(
    username: str,
) -> Plan[Records[DailyModelPerformance]]:
    username = _validate.non_empty(username, "username")
    result = yield from graphql(
        Client.get_classic_daily_model_performances, model_name=username
    )
    if result.v_3_user_profile is None:
        raise NotFoundError(f"no Numerai Classic model named {username!r}")
    performances = result.v_3_user_profile.daily_model_performances
    return Records.present(performances, DailyModelPerformance)


def signals_daily_performances(
    username: str,
) -> Plan[Records[DailyModelPerformance]]:
    username = _validate.non_empty(username, "username")
    result = yield from graphql(
        Client.get_signals_daily_model_performances, model_name=username
    )
    if result.v_2_signals_profile is None:
        raise NotFoundError(f"no Numerai Signals model named {username!r}")
    performances = result.v_2_signals_profile.daily_model_performances
    return Records.present(performances, DailyModelPerformance)


# --- mixins ----------------------------------------------------------------------


class PerformanceMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *REQUEST)
    def submission_scores(
        self,
        model_id: str,
        display_name: str | None = None,
        version: str | None = None,
        day: int | None = None,
        resolved: bool | None = None,
        last_n_rounds: int | None = None,
        distinct_on_round: bool | None = None,
    ) -> Records[SubmissionScore]:
        """A model's scores in this tournament, filtered as asked.

        Args:
            model_id: The model's id.
            display_name: Only this metric, e.g. ``"v2_corr20"``.
            version: Only this scoring version.
            day: Only scores of this day of a round (0 or more).
            resolved: Only resolved (True) or unresolved (False) rounds.
            last_n_rounds: Only the latest this many rounds.
            distinct_on_round: One score per round.

        Returns:
            Records of SubmissionScore.

        Example:
            >>> scores = api.submission_scores(model_id, display_name="v2_corr20")
        """
        return self._run(
            submission_scores(
                self.tournament_id,
                model_id,
                display_name,
                version,
                day,
                resolved,
                last_n_rounds,
                distinct_on_round,
            )
        )

    @raises(NumeraiValidationError, *AUTHENTICATED, NotFoundError, *REQUEST)
    def pending_model_payouts(self, tournament: int | None = None) -> ModelPayouts:
        """Your models' payouts: settled and still pending.

        Args:
            tournament: The tournament (default: this client's).

        Returns:
            ModelPayouts with ``actual`` and ``pending`` Records of Payout.

        Example:
            >>> payouts = api.pending_model_payouts()
            >>> sum(p.payout_nmr for p in payouts.pending)
        """
        return self._run(pending_model_payouts(self._tournament(tournament)))

    @raises(NumeraiValidationError, *REQUEST)
    def round_model_performances_v2(
        self, model_id: str
    ) -> Records[RoundModelPerformance]:
        """Per-round performance of a model (deprecated).

        Args:
            model_id: The model's id.

        Returns:
            Records of RoundModelPerformance: the round, payout multipliers and scores.
            Deprecated: use ``submission_scores``.

        Example:
            >>> api.round_model_performances_v2(model_id)[0].at_risk
        """
        warnings.warn(_V2_DEPRECATION, DeprecationWarning, stacklevel=2)
        return self._run(round_model_performances(self.tournament_id, model_id))

    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def round_model_performances(self, username: str) -> Records[RoundModelPerformance]:
        """Per-round performance of a model given by name (deprecated).

        Args:
            username: The model's name (or its id).

        Returns:
            Records of RoundModelPerformance. Deprecated: use ``submission_scores``.

        Example:
            >>> api.round_model_performances("my_model")[0].round_number
        """
        warnings.warn(_V1_DEPRECATION, DeprecationWarning, stacklevel=2)
        self.logger.warning("Deprecated. Use submission_scores instead.")
        return self._run(round_model_performances_by_name(self.tournament_id, username))

    @raises(NumeraiValidationError, *REQUEST)
    def intra_round_scores(self, model_id: str) -> Records[IntraRoundScores]:
        """How a model's scores moved day by day within each round.

        Args:
            model_id: The model's id.

        Returns:
            Records of IntraRoundScores: a round number and that round's daily
            SubmissionScores.

        Example:
            >>> api.intra_round_scores(model_id)[0].round_number
        """
        return self._run(intra_round_scores(self.tournament_id, model_id))


@documented_like(PerformanceMethods)
class AsyncPerformanceMethods(AsyncAPIClient):
    async def submission_scores(
        self,
        model_id: str,
        display_name: str | None = None,
        version: str | None = None,
        day: int | None = None,
        resolved: bool | None = None,
        last_n_rounds: int | None = None,
        distinct_on_round: bool | None = None,
    ) -> Records[SubmissionScore]:
        return await self._run(
            submission_scores(
                self.tournament_id,
                model_id,
                display_name,
                version,
                day,
                resolved,
                last_n_rounds,
                distinct_on_round,
            )
        )

    async def pending_model_payouts(
        self, tournament: int | None = None
    ) -> ModelPayouts:
        return await self._run(pending_model_payouts(self._tournament(tournament)))

    async def round_model_performances_v2(
        self, model_id: str
    ) -> Records[RoundModelPerformance]:
        warnings.warn(_V2_DEPRECATION, DeprecationWarning, stacklevel=2)
        return await self._run(round_model_performances(self.tournament_id, model_id))

    async def round_model_performances(
        self, username: str
    ) -> Records[RoundModelPerformance]:
        warnings.warn(_V1_DEPRECATION, DeprecationWarning, stacklevel=2)
        self.logger.warning("Deprecated. Use submission_scores instead.")
        return await self._run(
            round_model_performances_by_name(self.tournament_id, username)
        )

    async def intra_round_scores(self, model_id: str) -> Records[IntraRoundScores]:
        return await self._run(intra_round_scores(self.tournament_id, model_id))
