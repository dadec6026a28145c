"""Staking: change, drain and set a model's stake; staking v3 authorizations.

NMR amounts are validated and sent as exact decimal strings (never through a
float), and the API's string amounts come back as ``Decimal``.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from typing import Annotated, Literal

from numerai_graphql import (
    Client,
    V3StakeClaim,
    V3StakeConfig,
    V3StakeRound,
    fragments,
)
from numerai_graphql.base_model import BaseModel
from numerai_graphql.scalars import parse_decimal
from pydantic import BeforeValidator, Field

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._config import LOGGER_NAME
from .._errors import InvalidResponseError, NotFoundError, NumeraiValidationError
from .._plan import Plan, graphql
from . import models
from ._common import given, reshape
from ._docs import AUTHENTICATED, REQUEST, documented_like, raises

logger = logging.getLogger(LOGGER_NAME)

StakeAction = Literal["increase", "decrease"]
#: What numerapi accepted for an amount; a Decimal is exact, a float is read
#: through its shortest ``repr`` (``0.1`` is sent as ``"0.1"``).
NmrAmount = Decimal | float | int | str

#: ``releaseStake`` requires an amount even when draining (which ignores it).
_DRAIN_PLACEHOLDER_AMOUNT = "11000000"


class StakeRequest(BaseModel):
    """A pending or completed stake request, as the API reports it."""

    due_date: datetime.datetime | None = Field(default=None, alias="dueDate")
    requested_amount: Annotated[Decimal | None, BeforeValidator(parse_decimal)] = Field(
        default=None, alias="requestedAmount"
    )
    status: str | None = None
    type_: str | None = Field(default=None, alias="type")


class StakeChange(StakeRequest):
    """A stake change request, as ``stake_change`` returns it."""

    #: The amount this client sent, exactly (``requestedAmount`` is the API's
    #: reading of it), so a caller can see what was asked for.
    sent_amount: Decimal = Field(alias="sentAmount")


class StakeDrain(StakeRequest):
    """A drain (release of the whole stake) request, as ``stake_drain`` returns it."""

    id: str | None = None
    drain: bool | None = None


class V3StakeAuthorization(fragments.V3StakeAuthorization):
    """A staking v3 authorization; ``amount`` repeats ``maxAmount``, as in numerapi."""

    amount: str | None = None


def _optional_model_id(value: str | None) -> str | None:
    """numerapi's ``model_id=""`` means "the account's only model": send null."""
    chosen = given(value)
    return None if chosen is None else _validate.model_id(chosen)


def change_stake(
    tournament: int, nmr: NmrAmount, action: str, model_id: str | None
) -> Plan[StakeChange]:
    amount = _validate.nmr_amount(nmr, "nmr")
    _validate.one_of(action, ["increase", "decrease"], "action")
    model = _optional_model_id(model_id)
    result = yield from graphql(
        Client.change_stake,
        authenticated=True,
        value=_validate.amount_text(amount),
        type_=action,
        tournament_number=tournament,
        model_id=model,
    )
    if result.v_2_change_stake is None:
        raise InvalidResponseError("v2ChangeStake: the API returned no stake request")
    return reshape(
        StakeChange,
        {**result.v_2_change_stake.model_dump(), "sent_amount": amount},
        "v2ChangeStake",
    )


def drain_stake(model_id: str | None) -> Plan[StakeDrain]:
    if given(model_id) is None:
        raise NumeraiValidationError(
            "model_id is required to drain a stake", argument="model_id"
        )
    model = _validate.model_id(model_id)
    result = yield from graphql(
        Client.drain_stake,
        authenticated=True,
        model_id=model,
        amount=_DRAIN_PLACEHOLDER_AMOUNT,
        drain=True,
    )
    if result.release_stake is None:
        raise InvalidResponseError("releaseStake: the API returned no stake request")
    return reshape(StakeDrain, result.release_stake.model_dump(), "releaseStake")


def set_stake(
    tournament: int, nmr: NmrAmount, model_id: str
) -> Plan[StakeChange | None]:
    target = _validate.nmr_amount(nmr, "nmr", allow_zero=True)
    model = _validate.model_id(model_id)
    name = yield from models.model_name(model)
    current = (yield from models.stake(name, tournament)) or Decimal(0)
    if target == current:
        logger.info("stake of %s is already %s NMR; nothing to do", name, target)
        return None
    action = "decrease" if target < current else "increase"
    # The API's stake has 18 decimals; send the difference without padding.
    change = abs(target - current).normalize()
    return (yield from change_stake(tournament, change, action, model))


def _round_id(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise NumeraiValidationError(
            f"round_id must be an int or a string, got {type(value).__name__}",
            argument="round_id",
        )
    return _validate.non_empty(str(value), "round_id")


def v3_stake_auth(
    submission_id: str,
    staker: str,
    amount: NmrAmount | None,
    max_amount: NmrAmount | None,
) -> Plan[V3StakeAuthorization]:
    which = _validate.exactly_one({"amount": amount, "max_amount": max_amount})
    limit = _validate.nmr_amount(amount if which == "amount" else max_amount, which)
    submission = _validate.uuid_string(submission_id, "submission_id")
    staker = _validate.non_empty(staker, "staker")
    result = yield from graphql(
        Client.get_v_3_stake_auth,
        authenticated=True,
        submission_id=submission,
        staker=staker,
        max_amount=_validate.amount_text(limit),
    )
    auth = result.v_3_stake_auth
    if auth is None:
        raise InvalidResponseError("v3StakeAuth: the API returned no authorization")
    return reshape(
        V3StakeAuthorization,
        {**auth.model_dump(), "amount": auth.max_amount},
        "v3StakeAuth",
    )


def v3_stake_config() -> Plan[V3StakeConfig]:
    result = yield from graphql(Client.get_v_3_stake_config, authenticated=True)
    if result.v_3_stake_config is None:
        raise InvalidResponseError("v3StakeConfig: the API returned no configuration")
    return result.v_3_stake_config


def v3_stake_round(round_id: int | str) -> Plan[V3StakeRound]:
    key = _round_id(round_id)
    result = yield from graphql(
        Client.get_v_3_stake_round, authenticated=True, round_id=key
    )
    if result.v_3_stake_round is None:
        raise NotFoundError(f"no staking v3 round {key!r}")
    return result.v_3_stake_round


def v3_stake_claim(
    round_id: int | str, model_id: str, staker: str
) -> Plan[V3StakeClaim]:
    key = _round_id(round_id)
    model = _validate.model_id(model_id)
    staker = _validate.non_empty(staker, "staker")
    result = yield from graphql(
        Client.get_v_3_stake_claim,
        authenticated=True,
        round_id=key,
        model_id=model,
        staker=staker,
    )
    if result.v_3_stake_claim is None:
        raise NotFoundError(
            f"no staking v3 claim for model {model} in round {key!r} by {staker}"
        )
    return result.v_3_stake_claim


class StakingMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def stake_change(
        self, nmr: NmrAmount, action: StakeAction = "decrease", model_id: str = ""
    ) -> StakeChange:
        """Request a stake increase or decrease of exactly ``nmr`` NMR.

        Args:
            nmr: The amount, in plain decimal notation (a Decimal, int or str; a float
                through its shortest repr).
            action: ``"increase"`` or ``"decrease"``.
            model_id: The model's id (``""``: the account's only model).

        Returns:
            StakeChange: the request as the API recorded it, with ``sent_amount``, what
            was sent.

        Example:
            >>> api.stake_change(Decimal("1.5"), "increase", model_id).status
        """
        return self._run(change_stake(self.tournament_id, nmr, action, model_id))

    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def stake_drain(self, model_id: str | None = None) -> StakeDrain:
        """Request the release of a model's whole stake.

        Args:
            model_id: The model's id (required).

        Returns:
            StakeDrain: the release request.

        Example:
            >>> api.stake_drain(model_id).drain
            True
        """
        return self._run(drain_stake(model_id))

    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def stake_decrease(self, nmr: NmrAmount, model_id: str) -> StakeChange:
        """Request a stake decrease of exactly ``nmr`` NMR.

        Args:
            nmr: The amount, in plain decimal notation.
            model_id: The model's id.

        Returns:
            StakeChange, with its due date: decreases are released after a delay.

        Example:
            >>> api.stake_decrease("0.5", model_id).due_date
        """
        return self._run(change_stake(self.tournament_id, nmr, "decrease", model_id))

    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def stake_increase(self, nmr: NmrAmount, model_id: str) -> StakeChange:
        """Increase a model's stake by exactly ``nmr`` NMR.

        Args:
            nmr: The amount, in plain decimal notation.
            model_id: The model's id.

        Returns:
            StakeChange: the request as the API recorded it.

        Example:
            >>> api.stake_increase("2", model_id).requested_amount
            Decimal('2')
        """
        return self._run(change_stake(self.tournament_id, nmr, "increase", model_id))

    @raises(NumeraiValidationError, *AUTHENTICATED, NotFoundError, *REQUEST)
    def stake_set(self, nmr: NmrAmount, model_id: str) -> StakeChange | None:
        """Move a model's stake to exactly ``nmr`` NMR.

        Args:
            nmr: The target stake, in plain decimal notation.
            model_id: The model's id.

        Returns:
            The StakeChange requested (an increase or a decrease), or None if the stake
            is already ``nmr``.

        Example:
            >>> api.stake_set("5", model_id)
        """
        return self._run(set_stake(self.tournament_id, nmr, model_id))

    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def v3_stake_auth(
        self,
        submission_id: str,
        staker: str,
        amount: NmrAmount | None = None,
        max_amount: NmrAmount | None = None,
    ) -> V3StakeAuthorization:
        """A signed staking v3 authorization for a submission.

        Args:
            submission_id: The submission to stake on.
            staker: The staking wallet address.
            amount: The amount to authorize (numerapi's name).
            max_amount: The same, by the schema's name; give one of the two.

        Returns:
            V3StakeAuthorization: the signed payload for the staking contract.

        Example:
            >>> api.v3_stake_auth(submission_id, wallet, max_amount="5").signature
        """
        return self._run(v3_stake_auth(submission_id, staker, amount, max_amount))

    @raises(NotFoundError, *REQUEST)
    def v3_stake_config(self) -> V3StakeConfig:
        """The staking v3 contract configuration.

        Returns:
            V3StakeConfig: contract, NMR and signer addresses, and whether it is paused.

        Example:
            >>> api.v3_stake_config().paused
            False
        """
        return self._run(v3_stake_config())

    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def v3_stake_round(self, round_id: int | str) -> V3StakeRound:
        """A round as the staking v3 contract sees it.

        Args:
            round_id: The round's id.

        Returns:
            V3StakeRound: state, times, totals and payout factor.

        Example:
            >>> api.v3_stake_round(round_id).state
        """
        return self._run(v3_stake_round(round_id))

    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def v3_stake_claim(
        self, round_id: int | str, model_id: str, staker: str
    ) -> V3StakeClaim:
        """What a staker can claim for a model in a resolved round, with its proof.

        Args:
            round_id: The round's id.
            model_id: The model's id.
            staker: The staking wallet address.

        Returns:
            V3StakeClaim: payout and burn amounts and the Merkle proof.

        Example:
            >>> api.v3_stake_claim(round_id, model_id, wallet).proof
        """
        return self._run(v3_stake_claim(round_id, model_id, staker))


@documented_like(StakingMethods)
class AsyncStakingMethods(AsyncAPIClient):
    async def stake_change(
        self, nmr: NmrAmount, action: StakeAction = "decrease", model_id: str = ""
    ) -> StakeChange:
        return await self._run(change_stake(self.tournament_id, nmr, action, model_id))

    async def stake_drain(self, model_id: str | None = None) -> StakeDrain:
        return await self._run(drain_stake(model_id))

    async def stake_decrease(self, nmr: NmrAmount, model_id: str) -> StakeChange:
        return await self._run(
            change_stake(self.tournament_id, nmr, "decrease", model_id)
        )

    async def stake_increase(self, nmr: NmrAmount, model_id: str) -> StakeChange:
        return await self._run(
            change_stake(self.tournament_id, nmr, "increase", model_id)
        )

    async def stake_set(self, nmr: NmrAmount, model_id: str) -> StakeChange | None:
        return await self._run(set_stake(self.tournament_id, nmr, model_id))

    async def v3_stake_auth(
        self,
        submission_id: str,
        staker: str,
        amount: NmrAmount | None = None,
        max_amount: NmrAmount | None = None,
    ) -> V3StakeAuthorization:
        return await self._run(v3_stake_auth(submission_id, staker, amount, max_amount))

    async def v3_stake_config(self) -> V3StakeConfig:
        return await self._run(v3_stake_config())

    async def v3_stake_round(self, round_id: int | str) -> V3StakeRound:
        return await self._run(v3_stake_round(round_id))

    async def v3_stake_claim(
        self, round_id: int | str, model_id: str, staker: str
    ) -> V3StakeClaim:
        return await self._run(v3_stake_claim(round_id, model_id, staker))
