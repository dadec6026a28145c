"""Rounds: the current round, whether it is open, round listings."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from numerai_graphql import Client, RoundStatus, fragments
from numerai_graphql.scalars import parse_decimal
from pydantic import BeforeValidator, Field

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import GraphQLError, NumeraiValidationError
from .._plan import Plan, graphql
from .._tables import Records
from ._docs import REQUEST, documented_like, raises

RoundStatusName = Literal["upcoming", "open", "resolving", "resolved"]


class Round(fragments.Round):
    """A tournament round: its schedule, target, payout factor and multipliers.

    The schema types ``payoutFactor`` as a String; numerapi returns it as a
    Decimal, and so does this model.
    """

    payout_factor: Annotated[Decimal | None, BeforeValidator(parse_decimal)] = Field(  # type: ignore[assignment]  # Decimal where the schema says String
        default=None, alias="payoutFactor"
    )


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def current_round(tournament: int) -> Plan[fragments.Round | None]:
    """The open round, or None when the API says no round is open."""
    try:
        result = yield from graphql(Client.get_current_round, tournament=tournament)
    except GraphQLError as exc:
        if any("not open" in message.lower() for message in exc.messages):
            return None
        raise
    rounds = [r for r in result.rounds or () if r is not None]
    return rounds[0] if rounds else None


def current_round_number(tournament: int) -> Plan[int | None]:
    current = yield from current_round(tournament)
    return None if current is None else current.number


def round_open(tournament: int) -> Plan[bool]:
    current = yield from current_round(tournament)
    if current is None or current.open_time is None:
        return False
    deadline = current.close_staking_time
    return current.open_time < _utcnow() and (deadline is None or _utcnow() < deadline)


def new_round(tournament: int, hours: int) -> Plan[bool]:
    hours = _validate.positive_int(hours, "hours", allow_zero=True)
    current = yield from current_round(tournament)
    if current is None or current.open_time is None:
        return False
    return current.open_time > _utcnow() - datetime.timedelta(hours=hours)


def list_rounds(
    tournament: int,
    number: int | None,
    target: str | None,
    status: str | None,
    limit: int | None,
) -> Plan[Records[Round]]:
    status_enum = None
    if status is not None:
        _validate.one_of(
            status.lower() if isinstance(status, str) else status,
            ["upcoming", "open", "resolving", "resolved"],
            "status",
        )
        status_enum = RoundStatus(status.upper())
    if limit is not None:
        _validate.positive_int(limit, "limit")
    result = yield from graphql(
        Client.list_rounds,
        tournament=tournament,
        number=number,
        target=target,
        status=status_enum,
        limit=limit,
    )
    return _rounds(result.rounds)


def competitions(tournament: int) -> Plan[Records[Round]]:
    result = yield from graphql(Client.get_competitions, tournament=tournament)
    return _rounds(result.rounds)


def _rounds(rounds: list[fragments.Round | None] | None) -> Records[Round]:
    return Records(
        (
            Round.model_validate(r.model_dump(by_alias=True))
            for r in rounds or ()
            if r is not None
        ),
        Round,
    )


class RoundMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *REQUEST)
    def get_current_round(self, tournament: int | None = None) -> int | None:
        """The number of the round open now.

        Args:
            tournament: The tournament (default: this client's).

        Returns:
            The round number, or None when no round is open.

        Example:
            >>> api.get_current_round()
            1042
        """
        return self._run(current_round_number(self._tournament(tournament)))

    @raises(*REQUEST)
    def check_round_open(self) -> bool:
        """Whether a round of this tournament is open for submissions now.

        Returns:
            True between a round's open time and its staking deadline, else False.

        Example:
            >>> api.check_round_open()
            False
        """
        return self._run(round_open(self.tournament_id))

    @raises(NumeraiValidationError, *REQUEST)
    def check_new_round(self, hours: int = 12) -> bool:
        """Whether the current round opened within the last ``hours``.

        Args:
            hours: How far back to look, in hours (0 or more).

        Returns:
            True if a round is open and opened less than ``hours`` ago; False otherwise
            (also between rounds).

        Example:
            >>> api.check_new_round(hours=24)
            True
        """
        return self._run(new_round(self.tournament_id, hours))

    @raises(NumeraiValidationError, *REQUEST)
    def list_rounds(
        self,
        number: int | None = None,
        target: str | None = None,
        status: RoundStatusName | None = None,
        limit: int | None = None,
    ) -> Records[Round]:
        """Rounds of this tournament, filtered as asked.

        Args:
            number: Only this round number.
            target: Only rounds scored on this target.
            status: Only ``"upcoming"``, ``"open"``, ``"resolving"`` or ``"resolved"``
                rounds.
            limit: At most this many rounds (1 or more).

        Returns:
            Records of Round, each with its score configs.

        Example:
            >>> api.list_rounds(status="open")[0].number
        """
        return self._run(list_rounds(self.tournament_id, number, target, status, limit))


@documented_like(RoundMethods)
class AsyncRoundMethods(AsyncAPIClient):
    async def get_current_round(self, tournament: int | None = None) -> int | None:
        return await self._run(current_round_number(self._tournament(tournament)))

    async def check_round_open(self) -> bool:
        return await self._run(round_open(self.tournament_id))

    async def check_new_round(self, hours: int = 12) -> bool:
        return await self._run(new_round(self.tournament_id, hours))

    async def list_rounds(
        self,
        number: int | None = None,
        target: str | None = None,
        status: RoundStatusName | None = None,
        limit: int | None = None,
    ) -> Records[Round]:
        return await self._run(
            list_rounds(self.tournament_id, number, target, status, limit)
        )
