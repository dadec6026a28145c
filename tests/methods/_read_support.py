"""Helpers for the read-method tests: one test body for the sync and async twins.

``Api`` exposes a client's methods as plain functions. In ``sync`` mode it is
the sync client; in ``async`` mode every call opens the async twin in a fresh
event loop, checks the method is a coroutine function, awaits it and closes
the client, so one test body covers both against the same fake server.

``numerapi_keys`` reads numerapi 3.1.1's own GraphQL document for a method and
returns the keys it selects at a path, the dict keys numerapi's result has.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import graphql
import numerapi
import pytest
from pydantic import BaseModel

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
NUMERAPI_CLASSES: dict[str, type[Any]] = {
    "classic": numerapi.NumerAPI,
    "signals": numerapi.SignalsAPI,
    "crypto": numerapi.CryptoAPI,
}
TOURNAMENT = {"classic": 8, "signals": 11, "crypto": 12}
MODES = ["sync", "async"]
_ENV = ("NUMERAI_PUBLIC_ID", "NUMERAI_SECRET_KEY", "NUMERAI_API_URL")


class Api:
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
        self.options: dict[str, Any] = {
            "api_url": server.url,
            "show_progress_bars": False,
            **options,
        }
        if keys:
            self.options.update(
                public_id=server.public_id, secret_key=server.secret_key
            )
        self._sync = CLIENTS[kind][0](**self.options) if mode == "sync" else None

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
                async with async_class(**self.options) as api:
                    method = getattr(api, name)
                    assert inspect.iscoroutinefunction(method), f"{name} is not async"
                    return await method(*args, **kwargs)

            return asyncio.run(call())

        return run


def fake_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> Iterator[FakeNumerai]:
    """A fresh fake server; no keys from the shell, cwd in a temp dir.

    Each test module wraps it in its own ``server`` fixture.
    """
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    with FakeNumerai() as fake:
        yield fake


def make_api(
    server: FakeNumerai, kind: str, mode: str, *, keys: bool = True
) -> Iterator[Api]:
    api = Api(server, kind, mode, keys=keys)
    try:
        yield api
    finally:
        api.close()


# --- what numerapi promises --------------------------------------------------------


def _documents(source: str) -> list[graphql.DocumentNode]:
    texts = re.findall(
        r"('''|\"\"\")\s*((?:query|mutation)\s*(?:[A-Za-z_]\w*)?\s*[({].*?)\1",
        source,
        flags=re.DOTALL,
    )
    return [graphql.parse(text) for _, text in texts]


def numerapi_keys(kind: str, method: str, *path: str) -> set[str]:
    """Keys numerapi's ``method`` selects below its root field, then ``path``."""
    source = inspect.getsource(getattr(NUMERAPI_CLASSES[kind], method))
    (document,) = _documents(source)
    (operation,) = document.definitions
    assert isinstance(operation, graphql.OperationDefinitionNode)
    (root,) = operation.selection_set.selections
    assert isinstance(root, graphql.FieldNode)
    node = root
    for name in path:
        assert node.selection_set is not None
        node = next(
            f
            for f in node.selection_set.selections
            if isinstance(f, graphql.FieldNode) and (f.alias or f.name).value == name
        )
    assert node.selection_set is not None
    return {
        (f.alias or f.name).value
        for f in node.selection_set.selections
        if isinstance(f, graphql.FieldNode)
    }


def keys(model: BaseModel) -> set[str]:
    return set(model.model_dump(by_alias=True))


def nmr(value: Any) -> Decimal | None:
    """An amount as the fake world holds it (Decimal or '1,234.5' text)."""
    if value is None:
        return None
    return Decimal(str(value).replace(",", ""))


def graphql_requests(server: FakeNumerai) -> list[Any]:
    return server.requests.graphql()


def assert_no_requests(server: FakeNumerai) -> None:
    assert len(server.requests) == 0, server.requests.operations()


def assert_authorization(server: FakeNumerai, *, sent: bool) -> None:
    """Every GraphQL request carried the API key (``sent``) or none did."""
    requests = graphql_requests(server)
    assert requests
    for request in requests:
        if sent:
            assert request.authorization == f"Token {server.public_id}$***"
        else:
            assert request.authorization is None, request.operation


def assert_twins(kind: str, names: list[str]) -> None:
    """The async client has the same signatures, as coroutine functions."""
    sync_class, async_class = CLIENTS[kind]
    for name in names:
        sync_method = getattr(sync_class, name)
        async_method = getattr(async_class, name)
        assert inspect.iscoroutinefunction(async_method), name
        assert inspect.signature(sync_method) == inspect.signature(async_method), name
        reference = getattr(NUMERAPI_CLASSES[kind], name)
        ours = list(inspect.signature(sync_method).parameters.values())[1:]
        theirs = list(inspect.signature(reference).parameters.values())[1:]
        assert [(p.name, p.default, p.kind) for p in ours] == [
            (p.name, p.default, p.kind) for p in theirs
        ], name
