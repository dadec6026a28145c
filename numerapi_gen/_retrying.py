"""``api.graphql``: the generated clients, with the one retry policy.

Every GraphQL request goes through ``execute``, whether a typed method of
ours, a generated method a user calls directly (``api.graphql.get_account()``)
or a raw document (``api.graphql.execute(query)``), so retries live there and
serve all three alike. Whether a request may be sent twice is declared by the
caller: our plans pass the ``Attempts`` of their step (``attempts=``); a
direct call is judged by its document, the operation graphql-core reads in
it (once per document), so a mutation is still only retried when the
connection could not be made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numerai_graphql import AsyncClient, Client
from numerai_graphql.async_base_client import Response as AsyncResponse
from numerai_graphql.base_client import Response

from . import _retry
from ._plan import is_query
from ._retry import Attempts, RetryPolicy


class _Budget:
    """What both clients add: the retry budget of the request being made."""

    def __init__(self, *, policy: Callable[[], RetryPolicy], **client: Any) -> None:
        super().__init__(**client)
        self._retry_policy = policy

    def _attempts(
        self, query: str, operation_name: str | None, kwargs: dict[str, Any]
    ) -> Attempts:
        """The caller's ``attempts=``, else those of a direct call: repeatable
        if graphql-core reads the document as a query."""
        attempts: Attempts | None = kwargs.pop("attempts", None)
        if attempts is None:
            attempts = Attempts(
                self._retry_policy(),
                operation_name or "graphql.execute",
                repeatable=is_query(query),
            )
        return attempts


class RetryingClient(_Budget, Client):
    """The generated sync client whose requests follow the retry policy."""

    def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Response:
        attempts = self._attempts(query, operation_name, kwargs)
        return _retry.send(
            attempts,
            lambda: super(RetryingClient, self).execute(
                query, operation_name, variables, **kwargs
            ),
        )


class AsyncRetryingClient(_Budget, AsyncClient):
    """The generated async client whose requests follow the retry policy."""

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> AsyncResponse:
        attempts = self._attempts(query, operation_name, kwargs)
        return await _retry.async_send(
            attempts,
            lambda: super(AsyncRetryingClient, self).execute(
                query, operation_name, variables, **kwargs
            ),
        )
