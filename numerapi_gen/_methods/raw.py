"""``raw_query``: send any GraphQL document, get numerapi's ``{"data": ...}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NumeraiValidationError
from .._plan import Plan
from .._plan import raw_query as raw_query_step
from ._docs import AUTHENTICATED, REQUEST, documented_like, raises


def _seconds(value: object, argument: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise NumeraiValidationError(
            f"{argument} must be a number >= 0, got {value!r}", argument=argument
        )
    return float(value)


def raw_query(
    query: str,
    variables: Mapping[str, Any] | None,
    authorization: bool,
    retries: int,
    delay: float,
    backoff: float,
) -> Plan[dict[str, Any]]:
    query = _validate.non_empty(query, "query")
    if variables is not None and not isinstance(variables, Mapping):
        raise NumeraiValidationError(
            f"variables must be a dict or None, got {type(variables).__name__}",
            argument="variables",
        )
    if not isinstance(authorization, bool):
        raise NumeraiValidationError(
            f"authorization must be True or False, got {authorization!r}",
            argument="authorization",
        )
    attempts = _validate.positive_int(retries, "retries", allow_zero=True)
    return (
        yield from raw_query_step(
            query,
            variables,
            authenticated=authorization,
            # numerapi's ``retries`` counts attempts (3 = first try + 2 retries).
            max_retries=max(attempts - 1, 0),
            backoff_factor=_seconds(delay, "delay"),
            multiplier=_seconds(backoff, "backoff"),
        )
    )


class RawQueryMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def raw_query(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        authorization: bool = False,
        *,
        retries: int = 3,
        delay: float = 5,
        backoff: float = 2,
    ) -> dict[str, Any]:
        """Send your own GraphQL document.

        Args:
            query: The GraphQL document.
            variables: Its variables.
            authorization: Send the API key with it.
            retries: How often to retry a failed query (mutations are never retried).
            delay: Seconds before the first retry.
            backoff: Factor by which each further delay grows.

        Returns:
            The answer as ``{"data": ...}`` (plain JSON values).

        Example:
            >>> api.raw_query("{ rounds(number: 0) { number } }")["data"]
        """
        return self._run(
            raw_query(query, variables, authorization, retries, delay, backoff)
        )


@documented_like(RawQueryMethods)
class AsyncRawQueryMethods(AsyncAPIClient):
    async def raw_query(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        authorization: bool = False,
        *,
        retries: int = 3,
        delay: float = 5,
        backoff: float = 2,
    ) -> dict[str, Any]:
        return await self._run(
            raw_query(query, variables, authorization, retries, delay, backoff)
        )
