"""One retry policy for every request the clients make.

As in openai-python's base client, retrying is the client's job, not the
transport's: the step that makes a request declares whether it may be sent
twice (a GraphQL query, known when the code was generated; a download; an
upload to a presigned URL) or not (a mutation), and :class:`Attempts` decides
from that declaration, never from the request's body.

What is retried:

* repeatable requests after a retryable HTTP status (429/502/503/504 unless
  the step says otherwise), a timeout, or a dropped connection;
* every request, mutations included, after a failure to *connect*: such a
  request certainly never reached the server, so retrying cannot create a
  duplicate submission or stake change.

``Retry-After`` (seconds or an HTTP date) is honoured, capped at
``RetryPolicy.max_retry_after``. Each retry is logged at DEBUG with its reason.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

import httpx

logger = logging.getLogger("numerapi_gen")

A = TypeVar("A", bound="_Answer")

RETRYABLE_STATUS_CODES = frozenset({429, 502, 503, 504})

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

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return self.backoff(retry_number)

    def with_budget(self, max_retries: int) -> RetryPolicy:
        return replace(self, max_retries=max_retries)


def sleep(seconds: float) -> None:
    """Wait before a retry (one place, so tests can record instead of wait)."""
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds, from delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if seconds == seconds else None  # NaN
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def is_aiohttp_error(exc: BaseException) -> bool:
    """An aiohttp exception that httpx-aiohttp let through unmapped (e.g. the
    parser's ``ClientResponseError`` for a malformed answer)."""
    return type(exc).__module__.startswith("aiohttp")


def _aiohttp_cause(exc: BaseException) -> BaseException | None:
    cause = exc.__cause__
    if cause is not None and is_aiohttp_error(cause):
        return cause
    return None


def could_not_connect(exc: BaseException) -> bool:
    """Whether ``exc`` means the request never left: connecting failed.

    httpx-aiohttp maps most aiohttp connection errors, a server dropping an
    established connection included, to ``httpx.ConnectTimeout``; the aiohttp
    error it keeps as ``__cause__`` tells them apart.
    """
    cause = _aiohttp_cause(exc)
    if cause is not None:
        import aiohttp

        return isinstance(
            cause, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
        )
    return isinstance(exc, _CONNECT_ERRORS)


def failed_in_flight(exc: BaseException) -> bool:
    """Whether the request may have reached the server before ``exc``."""
    cause = _aiohttp_cause(exc)
    if cause is not None:
        import aiohttp

        return not could_not_connect(exc) and isinstance(
            cause,
            (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, TimeoutError),
        )
    return isinstance(exc, _IN_FLIGHT_ERRORS)


def timed_out(exc: BaseException) -> bool:
    """Whether ``exc`` is a timeout (rather than a refused or broken connection)."""
    cause = _aiohttp_cause(exc)
    if cause is not None:
        return isinstance(cause, asyncio.TimeoutError)
    return isinstance(exc, httpx.TimeoutException)


def failure_name(exc: BaseException) -> str:
    """The name of what failed: aiohttp's own error where httpx-aiohttp mapped one."""
    return type(_aiohttp_cause(exc) or exc).__name__


class Attempts:
    """The retry budget of one request, and the decisions it allows.

    ``repeatable``: the step that makes the request declared that sending it
    twice is harmless. ``statuses``: the HTTP statuses worth another try.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        what: str,
        *,
        repeatable: bool,
        statuses: frozenset[int] = RETRYABLE_STATUS_CODES,
    ) -> None:
        self.policy = policy
        #: Method and redacted URL, or the operation's name, for the log line.
        self.what = what
        self.repeatable = repeatable
        self.statuses = statuses
        self.retries = 0

    def _next(self, reason: str, retry_after: float | None = None) -> float:
        self.retries += 1
        delay = self.policy.delay(self.retries, retry_after)
        logger.debug(
            "retrying %s in %.2fs after %s (retry %d of %d)",
            self.what,
            delay,
            reason,
            self.retries,
            self.policy.max_retries,
        )
        return delay

    def after_error(self, exc: Exception) -> float | None:
        """Seconds to wait before retrying after ``exc``, or None to give up."""
        if self.retries >= self.policy.max_retries:
            return None
        if could_not_connect(exc) or (self.repeatable and failed_in_flight(exc)):
            return self._next(f"{failure_name(exc)}: {exc}")
        return None

    def after_status(self, status_code: int, retry_after: str | None) -> float | None:
        """Seconds to wait before retrying after an HTTP status, or None."""
        if (
            status_code not in self.statuses
            or not self.repeatable
            or self.retries >= self.policy.max_retries
        ):
            return None
        return self._next(f"HTTP {status_code}", parse_retry_after(retry_after))


class _Answer(Protocol):
    status_code: int


def _delay_after_error(attempts: Attempts, exc: Exception) -> float | None:
    if isinstance(exc, httpx.TransportError):
        return attempts.after_error(exc)
    if is_aiohttp_error(exc):  # the answer was malformed: it arrived
        return attempts.after_error(httpx.RemoteProtocolError(str(exc)))
    return None


def _delay_after_answer(attempts: Attempts, response: _Answer) -> float | None:
    headers = getattr(response, "headers", None)
    retry_after = headers.get("Retry-After") if headers is not None else None
    return attempts.after_status(response.status_code, retry_after)


def send(attempts: Attempts, request: Callable[[], A]) -> A:
    """``request()``, made again while ``attempts`` allows it.

    A busy answer (a retryable status) is retried like a failure; the last
    answer is returned whatever its status, for the caller to judge.
    """
    while True:
        try:
            response = request()
        except Exception as exc:
            delay = _delay_after_error(attempts, exc)
            if delay is None:
                raise
        else:
            delay = _delay_after_answer(attempts, response)
            if delay is None:
                return response
        sleep(delay)


async def async_send(attempts: Attempts, request: Callable[[], Awaitable[A]]) -> A:
    """The asynchronous twin of :func:`send`."""
    while True:
        try:
            response = await request()
        except Exception as exc:
            delay = _delay_after_error(attempts, exc)
            if delay is None:
                raise
        else:
            delay = _delay_after_answer(attempts, response)
            if delay is None:
                return response
        await async_sleep(delay)
