"""Helpers for the write-side method tests: one test body, sync and async.

``Caller`` exposes a client's methods as plain functions. In sync mode it is the
client itself; in async mode each call opens a fresh async client inside its
own event loop (``asyncio.run``), awaits the coroutine and closes the client,
so the same test body exercises both twins against the same fake server.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from numerapi_gen import (
    AsyncCryptoAPI,
    AsyncNumerAPI,
    AsyncSignalsAPI,
    CryptoAPI,
    NumerAPI,
    SignalsAPI,
)
from numerapi_gen.testing import FakeNumerai

CLIENTS: dict[str, tuple[type[Any], type[Any]]] = {
    "classic": (NumerAPI, AsyncNumerAPI),
    "signals": (SignalsAPI, AsyncSignalsAPI),
    "crypto": (CryptoAPI, AsyncCryptoAPI),
}
TOURNAMENT = {"classic": 8, "signals": 11, "crypto": 12}
STAKER = "0x" + "ab" * 20
ENV = (
    "NUMERAI_PUBLIC_ID",
    "NUMERAI_SECRET_KEY",
    "NUMERAI_API_URL",
    "TRIGGER_ID",
    "NUMERAI_COMPUTE_ID",
)


class Caller:
    """A client's methods as plain functions, run sync or async."""

    def __init__(
        self,
        server: FakeNumerai,
        kind: str,
        mode: str,
        *,
        keys: bool = True,
        **options: Any,
    ) -> None:
        self.server = server
        self.kind = kind
        self.mode = mode
        self.tournament = TOURNAMENT[kind]
        self._options: dict[str, Any] = {
            "api_url": server.url,
            "show_progress_bars": False,
            **options,
        }
        if keys:
            self._options.update(
                public_id=server.public_id, secret_key=server.secret_key
            )
        self._sync = CLIENTS[kind][0](**self._options) if mode == "sync" else None

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if self._sync is not None:
            method: Callable[..., Any] = getattr(self._sync, name)
            return method
        async_class = CLIENTS[self.kind][1]

        def run(*args: Any, **kwargs: Any) -> Any:
            async def call() -> Any:
                async with async_class(**self._options) as api:
                    coroutine = getattr(api, name)(*args, **kwargs)
                    assert inspect.iscoroutine(coroutine), f"{name} is not async"
                    return await coroutine

            return asyncio.run(call())

        return run


def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """No keys or Compute ids from the developer's shell; cwd is a temp dir."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def callers(
    server: FakeNumerai, kind: str, mode: str, **options: Any
) -> Iterator[Caller]:
    caller = Caller(server, kind, mode, **options)
    try:
        yield caller
    finally:
        caller.close()


def model_ids(server: FakeNumerai, tournament: int) -> list[str]:
    """The account's model ids in a tournament, by name."""
    return [m.id for m in server.world.own_models(tournament)]


def assert_authenticated(server: FakeNumerai) -> None:
    """Every GraphQL request carried the account's API key."""
    requests = server.requests.graphql()
    assert requests
    for request in requests:
        assert request.authorization == f"Token {server.public_id}$***", request


def sync_async_signatures_match(
    sync_cls: type[Any], async_cls: type[Any], names: list[str]
) -> None:
    for name in names:
        sync_method = getattr(sync_cls, name)
        async_method = getattr(async_cls, name)
        assert inspect.iscoroutinefunction(async_method), name
        assert inspect.signature(sync_method) == inspect.signature(async_method), name
