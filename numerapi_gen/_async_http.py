"""The async clients' ``httpx.AsyncClient``: httpx on httpx-aiohttp's transport.

httpx-aiohttp gives httpx's API aiohttp's connection pool (what openai-python
ships as its aiohttp option); ``HttpxAiohttpClient`` also builds it for the
environment's proxies, so httpx's proxy and ``NO_PROXY`` rules apply as they
are. One thing is added here: an aiohttp session belongs to the event loop
that made it, and a client used from another loop (``asyncio.run`` called
twice, a worker thread's loop) gets a session of its own there instead of
failing with "attached to a different loop".
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import httpx
from aiohttp import ClientSession
from httpx_aiohttp import AiohttpTransport, HttpxAiohttpClient


class PerLoopAiohttpTransport(AiohttpTransport):
    """httpx-aiohttp's transport with one aiohttp session per event loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sessions: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, ClientSession
        ] = weakref.WeakKeyDictionary()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            self.client = None
            session = self._sessions[loop] = self.get_client()
        # Read by the base class before its first await: this request's session.
        self.client = session
        return await super().handle_async_request(request)

    async def aclose(self) -> None:
        """Close this loop's session; other loops' sessions end with their loop."""
        session = self._sessions.pop(asyncio.get_running_loop(), None)
        self.client = None
        if session is not None:
            await session.close()


class AsyncHTTPClient(HttpxAiohttpClient):
    """``HttpxAiohttpClient`` whose transports (direct and proxied) are
    :class:`PerLoopAiohttpTransport`."""

    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        transport = kwargs.pop("transport", None)
        if transport is not None:
            return transport  # type: ignore[no-any-return]
        return PerLoopAiohttpTransport(*args, **kwargs)

    def _init_proxy_transport(
        self, proxy: httpx.Proxy, *args: Any, **kwargs: Any
    ) -> httpx.AsyncBaseTransport:
        return PerLoopAiohttpTransport(*args, proxy=proxy, **kwargs)
