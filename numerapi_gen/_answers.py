"""GraphQL answers read within a deadline and a size cap.

The generated clients call ``http_client.post(url, json=...)`` and read the
whole answer. :class:`AnswerReader` and :class:`AsyncAnswerReader` stand in
for that ``http_client``: they send through the httpx client (the user's own,
if given) and read the answer as a stream, so that

* ``timeout`` bounds the whole attempt, connect to last byte: a server
  trickling bytes, or falling silent after its headers, cannot hold a call
  open. httpx's timeouts are per read (httpcore fixes a phase's read timeout
  when the phase starts, so even one lowered to the time left is renewed by
  every byte); the attempt itself is what is bounded. The async reader
  cancels it at the deadline (``asyncio.wait_for``); the sync one, which has
  no cancellation, runs it in a worker thread (a pool of them, so a call
  costs no thread start) and stops waiting at the deadline; the worker gives
  up at its next byte (or read timeout);
* the decoded answer never grows past ``max_response_bytes``: a compressed
  answer that inflates without end is a :class:`ResponseTooLargeError` after
  at most that many bytes, not an exhausted process;
* a message whose framing is ambiguous (``Content-Length`` together with
  ``Transfer-Encoding``) is an :class:`InvalidResponseError`, not an answer.

httpx and h11 (or aiohttp) already skip 1xx interim responses and refuse
conflicting ``Content-Length`` headers; nothing here parses HTTP.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Generic, TypeVar

import httpx

from ._errors import InvalidResponseError, ResponseTooLargeError

#: Compressed bytes decoded at a time. Deflate inflates at most ~1032:1, so
#: one piece never holds more than ~4 MiB beyond what the cap allows.
RAW_PIECE = 4096

#: Headers that describe the wire form of a body read here, not its content.
_WIRE_HEADERS = frozenset(
    {b"content-encoding", b"content-length", b"transfer-encoding"}
)

H = TypeVar("H", httpx.Client, httpx.AsyncClient)
TimeoutArg = float | httpx.Timeout | None | httpx._client.UseClientDefault


def check_framing(response: httpx.Response) -> None:
    """Refuse a message with both ``Content-Length`` and ``Transfer-Encoding``.

    Which one delimits the body is exactly what such a message leaves open
    (RFC 9112 §6.1: a sign of request smuggling or a broken intermediary).
    """
    headers = response.headers
    if "content-length" in headers and "transfer-encoding" in headers:
        raise InvalidResponseError(
            "the server's answer has both Content-Length and Transfer-Encoding; "
            "its length is ambiguous"
        )


class _Collector:
    """Gathers decoded body pieces up to a cap and a deadline."""

    def __init__(self, response: httpx.Response, limit: int, deadline: float) -> None:
        check_framing(response)
        self.response = response
        self.limit = limit
        self.deadline = deadline
        self.parts: list[bytes] = []
        self.size = 0
        # httpx's decoder for the Content-Encoding (as ``iter_bytes`` uses it).
        self.decoder = response._get_content_decoder()
        announced = response.headers.get("content-length", "")
        if (
            "content-encoding" not in response.headers
            and announced.isdigit()
            and int(announced) > limit
        ):
            self._too_large()

    def _too_large(self) -> None:
        raise ResponseTooLargeError(
            f"the answer is larger than max_response_bytes={self.limit}"
        )

    def add_raw(self, raw: bytes) -> None:
        """Decode (httpx's decoders, as ``iter_bytes`` uses them) and keep.

        Fed to the decoder in small pieces, to bound what one inflates to.
        """
        if not raw:
            self.add(raw)
        for start in range(0, len(raw), RAW_PIECE):
            self.add(self.decoder.decode(raw[start : start + RAW_PIECE]))

    def finish(self) -> httpx.Response:
        self.add(self.decoder.flush())
        return self.answer()

    def add(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.size > self.limit:
            self._too_large()
        self.parts.append(piece)
        if time.monotonic() > self.deadline:
            raise _late(self.response.request)

    def answer(self) -> httpx.Response:
        """The response with its decoded body in memory."""
        response = self.response
        headers = [
            (name, value)
            for name, value in response.headers.raw
            if name.lower() not in _WIRE_HEADERS
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=b"".join(self.parts),
            request=response.request,
            extensions=response.extensions,
        )


def _seconds(timeout: TimeoutArg, default: float) -> float:
    return float(timeout) if isinstance(timeout, (int, float)) else default


class _Reader(Generic[H]):
    def __init__(self, http: H, *, timeout: float, max_response_bytes: int) -> None:
        self.http: H = http
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes


#: Threads for sync attempts: made as needed, reused; enough that calls from
#: many threads never queue behind each other (a queued call would lose time).
MAX_SYNC_ATTEMPTS = 256

_executors: dict[int, ThreadPoolExecutor] = {}
_executors_lock = threading.Lock()


def _workers() -> ThreadPoolExecutor:
    """This process's worker threads (a forked child gets its own: its
    parent's threads did not come with it)."""
    pid = os.getpid()
    with _executors_lock:
        executor = _executors.get(pid)
        if executor is None:
            executor = _executors[pid] = ThreadPoolExecutor(
                MAX_SYNC_ATTEMPTS, thread_name_prefix="numerapi-gen-answer"
            )
        return executor


def _late(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(
        "the answer did not arrive within the timeout", request=request
    )


class AnswerReader(_Reader[httpx.Client]):
    """``post`` for the generated sync client, over an ``httpx.Client``."""

    def post(
        self,
        url: str,
        *,
        json: Any = None,
        timeout: TimeoutArg = httpx.USE_CLIENT_DEFAULT,
        auth: Any = httpx.USE_CLIENT_DEFAULT,
        extensions: dict[str, Any] | None = None,
    ) -> httpx.Response:
        seconds = _seconds(timeout, self.timeout)
        deadline = time.monotonic() + seconds
        request = self.http.build_request(
            "POST", url, json=json, timeout=timeout, extensions=extensions
        )
        answer: Future[httpx.Response] = Future()
        context = contextvars.copy_context()
        _workers().submit(context.run, self._exchange, request, auth, deadline, answer)
        try:
            return answer.result(timeout=seconds)
        except FutureTimeout:
            # Not started yet: it never will. Reading: the worker stops at
            # its next byte (past the deadline) or its read timeout.
            answer.cancel()
            raise _late(request) from None

    def _exchange(
        self,
        request: httpx.Request,
        auth: Any,
        deadline: float,
        answer: Future[httpx.Response],
    ) -> None:
        """Send, read the answer, and settle ``answer`` (in the worker)."""
        if not answer.set_running_or_notify_cancel():
            return
        try:
            response = self.http.send(request, auth=auth, stream=True)
            try:
                collector = _Collector(response, self.max_response_bytes, deadline)
                for raw in response.iter_raw():
                    collector.add_raw(raw)
                answer.set_result(collector.finish())
            finally:
                response.close()
        except BaseException as exc:
            answer.set_exception(exc)

    def close(self) -> None:
        self.http.close()


class AsyncAnswerReader(_Reader[httpx.AsyncClient]):
    """``post`` for the generated async client, over an ``httpx.AsyncClient``."""

    async def post(
        self,
        url: str,
        *,
        json: Any = None,
        timeout: TimeoutArg = httpx.USE_CLIENT_DEFAULT,
        auth: Any = httpx.USE_CLIENT_DEFAULT,
        extensions: dict[str, Any] | None = None,
    ) -> httpx.Response:
        seconds = _seconds(timeout, self.timeout)
        request = self.http.build_request(
            "POST", url, json=json, timeout=timeout, extensions=extensions
        )
        try:
            return await asyncio.wait_for(
                self._exchange(request, auth, time.monotonic() + seconds), seconds
            )
        except asyncio.TimeoutError:
            raise _late(request) from None

    async def _exchange(
        self, request: httpx.Request, auth: Any, deadline: float
    ) -> httpx.Response:
        response = await self.http.send(request, auth=auth, stream=True)
        try:
            collector = _Collector(response, self.max_response_bytes, deadline)
            async for raw in response.aiter_raw():
                collector.add_raw(raw)
            return collector.finish()
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()
