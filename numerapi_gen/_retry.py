"""Retries with exponential backoff, as httpx transports.

The retry decision lives in the transport, the seam every request crosses
(GraphQL calls from the generated client, ``raw_query``, file transfers), so
one policy covers all of them and tests can exercise it on the wire.

What is retried:

* requests that are safe to repeat (GraphQL queries, GET/HEAD/PUT with a
  replayable body) after HTTP 429/502/503/504, a timeout, or a dropped
  connection;
* every request, mutations included, after a failure to *connect*: such a
  request certainly never reached the server, so retrying cannot create a
  duplicate submission or stake change.

``Retry-After`` (seconds or an HTTP date) is honoured, capped at
``RetryPolicy.max_retry_after``. Each retry is logged at DEBUG with its reason.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ._operations import top_level_operations

logger = logging.getLogger("numerapi_gen")

RETRYABLE_STATUS_CODES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "OPTIONS", "DELETE"})
#: Request extension that overrides the transport's policy for one request.
POLICY_EXTENSION = "numerapi_gen.retry_policy"

_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_IN_FLIGHT_ERRORS = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry.

    The n-th retry waits ``backoff_factor * multiplier**(n-1)`` seconds, at most
    ``max_backoff``, scaled by a random factor in ``[1 - jitter, 1]``.
    """

    max_retries: int = 3
    backoff_factor: float = 0.5
    multiplier: float = 2.0
    max_backoff: float = 30.0
    jitter: float = 0.5
    max_retry_after: float = 120.0

    def backoff(self, retry_number: int) -> float:
        base = self.backoff_factor * self.multiplier ** max(retry_number - 1, 0)
        return min(base, self.max_backoff) * (1 - self.jitter * random.random())

    def delay(self, retry_number: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return self.backoff(retry_number)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds, from delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


@functools.lru_cache(maxsize=512)
def _is_mutation(query: str, operation_name: str | None) -> bool:
    """Whether the document's chosen operation is a mutation (unknown: yes)."""
    operations = top_level_operations(query)
    if operations is None:  # not a plain executable document: parse it
        operations = _parsed_operations(query)
    for kind, name in operations:
        if operation_name is None or name == operation_name:
            return kind != "query"
    return True


def _parsed_operations(query: str) -> list[tuple[str, str | None]]:
    """graphql-core's reading of a document the scanner was unsure of."""
    from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse

    try:
        document = parse(query, no_location=True)
    except GraphQLSyntaxError:
        return []
    return [
        (d.operation.value, d.name.value if d.name else None)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    ]


def _describe(request: httpx.Request) -> str:
    """Method and path, without the query string (it may hold signatures)."""
    return f"{request.method} {request.url.copy_with(query=None, fragment=None)}"


def is_replayable(request: httpx.Request) -> bool:
    """Whether the body can be sent again (bytes, not a consumed stream)."""
    return isinstance(request.stream, httpx.ByteStream)


def is_idempotent(request: httpx.Request) -> bool:
    """Safe to send twice: GraphQL queries and idempotent HTTP methods."""
    if not is_replayable(request):
        return False
    if request.method in IDEMPOTENT_METHODS:
        return True
    if request.method != "POST":
        return False
    try:
        body = json.loads(request.content)
    except ValueError:
        return False
    return is_query_payload(body)


def is_query_payload(payload: object) -> bool:
    """Whether a GraphQL request body (as JSON data) runs a query, not a mutation."""
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return False
    name = payload.get("operationName")
    return not _is_mutation(payload["query"], name if isinstance(name, str) else None)


class RetryState:
    """The retry decisions for one request, shared by every transport."""

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        describe: Callable[[], str],
        idempotent: bool,
        replayable: bool = True,
    ) -> None:
        self.policy = policy
        #: Method and URL for the log line, built only when a retry happens.
        self.describe = describe
        self.idempotent = idempotent
        self.replayable = replayable
        self.retries = 0

    @classmethod
    def for_request(cls, request: httpx.Request, policy: RetryPolicy) -> RetryState:
        override = request.extensions.get(POLICY_EXTENSION)
        return cls(
            override if isinstance(override, RetryPolicy) else policy,
            describe=functools.partial(_describe, request),
            idempotent=is_idempotent(request),
            replayable=is_replayable(request),
        )

    def _next(self, reason: str, retry_after: float | None = None) -> float:
        self.retries += 1
        delay = self.policy.delay(self.retries, retry_after)
        logger.debug(
            "retrying %s in %.2fs after %s (retry %d of %d)",
            self.describe(),
            delay,
            reason,
            self.retries,
            self.policy.max_retries,
        )
        return delay

    def after_error(self, exc: Exception) -> float | None:
        """Seconds to wait before retrying after ``exc``, or None to give up."""
        if self.retries >= self.policy.max_retries or not self.replayable:
            return None
        if isinstance(exc, _CONNECT_ERRORS) or (
            self.idempotent and isinstance(exc, _IN_FLIGHT_ERRORS)
        ):
            return self._next(f"{type(exc).__name__}: {exc}")
        return None

    def after_response(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying after ``response``, or None."""
        return self.after_status(
            response.status_code, response.headers.get("Retry-After")
        )

    def after_status(self, status_code: int, retry_after: str | None) -> float | None:
        """Seconds to wait before retrying after an HTTP status, or None."""
        if (
            status_code not in RETRYABLE_STATUS_CODES
            or not self.idempotent
            or self.retries >= self.policy.max_retries
        ):
            return None
        return self._next(f"HTTP {status_code}", parse_retry_after(retry_after))


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport and retries what :class:`RetryPolicy` allows."""

    def __init__(
        self,
        transport: httpx.BaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._transport = transport
        self.policy = policy
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        state = RetryState.for_request(request, self.policy)
        # GraphQL answers are small: read them here, so that a connection
        # dropped mid-body is retried like one dropped before the headers.
        # Downloads (GET) stream; the transfer layer resumes those itself.
        buffer = request.method == "POST"
        while True:
            try:
                response = self._transport.handle_request(request)
                if buffer:
                    response.read()
            except httpx.TransportError as exc:
                delay = state.after_error(exc)
                if delay is None:
                    raise
            else:
                delay = state.after_response(response)
                if delay is None:
                    return response
                response.close()
            self._sleep(delay)

    def close(self) -> None:
        self._transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The asynchronous twin of :class:`RetryTransport`."""

    def __init__(
        self, transport: httpx.AsyncBaseTransport, policy: RetryPolicy
    ) -> None:
        self._transport = transport
        self.policy = policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        state = RetryState.for_request(request, self.policy)
        buffer = request.method == "POST"  # as in RetryTransport
        while True:
            try:
                response = await self._transport.handle_async_request(request)
                if buffer:
                    await response.aread()
            except httpx.TransportError as exc:
                delay = state.after_error(exc)
                if delay is None:
                    raise
            else:
                delay = state.after_response(response)
                if delay is None:
                    return response
                await response.aclose()
            await asyncio.sleep(delay)

    async def aclose(self) -> None:
        await self._transport.aclose()
