"""Helpers for the method tests: each behaviour tested once, sync/async parity checked.

``Api`` exposes a client's methods as plain functions. In ``sync`` mode it
runs the sync client and, for every call, checks that the async twin (called
with the same arguments, without I/O) builds the same plan: same plan
function, same arguments after the wrapper's checks, same errors and
warnings raised up front. Plans are then executed by the two runners, whose
equivalence ``test_plan_runners.py`` proves once for every kind of step. In
``async`` mode every call opens the async client in a fresh event loop,
checks the method is a coroutine function, awaits it and closes the client.

``numerapi_keys`` reads numerapi 3.1.1's own GraphQL document for a method and
returns the keys it selects at a path, the dict keys numerapi's result has.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import graphql
import numerapi
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
#: One mode per behaviour test: the sync run, with the async twin's plan
#: checked against it (see the module docstring).
MODES = ["sync"]


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
        self._twin = CLIENTS[kind][1](**self.options) if mode == "sync" else None

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()
        if self._twin is not None:
            asyncio.run(self._twin.close())

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if self._sync is not None:
            return functools.partial(self._call_sync, name)
        async_class = CLIENTS[self.kind][1]

        def run(*args: Any, **kwargs: Any) -> Any:
            async def call() -> Any:
                async with async_class(**self.options) as api:
                    method = getattr(api, name)
                    assert inspect.iscoroutinefunction(method), f"{name} is not async"
                    return await method(*args, **kwargs)

            return asyncio.run(call())

        return run

    def _call_sync(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Run the sync method; check its async twin builds the same plan."""
        assert self._sync is not None and self._twin is not None
        if not inspect.iscoroutinefunction(getattr(type(self._twin), name)):
            # A plain helper (e.g. set_global_data_dir): both twins get it.
            getattr(self._twin, name)(*args, **kwargs)
            return getattr(self._sync, name)(*args, **kwargs)
        sync_plans: list[tuple[Any, dict[str, Any]]] = []
        run = self._sync._run

        def recording_run(plan: Any) -> Any:
            sync_plans.append(_plan_identity(plan))
            return run(plan)

        self._sync._run = recording_run  # type: ignore[method-assign]
        try:
            with warnings.catch_warnings(record=True) as sync_warnings:
                warnings.simplefilter("always")
                try:
                    result = getattr(self._sync, name)(*args, **kwargs)
                except Exception as exc:
                    error: Exception | None = exc
                else:
                    error = None
        finally:
            del self._sync._run
        twin_plans, twin_error, twin_warnings = _twin_plans(
            self._twin, name, args, kwargs
        )
        assert twin_plans == sync_plans, f"async {name} builds another plan"
        assert _describe(twin_error) == _describe(error if not sync_plans else None)
        assert _warned(twin_warnings) == _warned(sync_warnings[: len(twin_warnings)])
        for caught in sync_warnings:  # to the test, as if never intercepted
            warnings.warn_explicit(
                caught.message, caught.category, caught.filename, caught.lineno
            )
        if error is not None:
            raise error
        return result


def _plan_identity(plan: Any) -> tuple[Any, dict[str, Any]]:
    """A plan not yet started: its function and the arguments it was given."""
    assert inspect.getgeneratorstate(plan) == inspect.GEN_CREATED
    return plan.gi_code, {k: _Same(v) for k, v in plan.gi_frame.f_locals.items()}


class _Same:
    """An argument compared by value, or by identity where ``==`` says no bool
    (DataFrames) -- the same object given to both twins compares equal."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Same):
            return NotImplemented
        if self.value is other.value:
            return True
        try:
            return bool(
                type(self.value) is type(other.value) and self.value == other.value
            )
        except (TypeError, ValueError):
            return False

    def __repr__(self) -> str:
        return repr(self.value)


def _twin_plans(
    twin: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[list[Any], Exception | None, list[warnings.WarningMessage]]:
    """The plan the async ``name`` hands its runner (which runs nothing)."""
    plans: list[Any] = []

    async def recording_run(plan: Any) -> Any:
        plans.append(_plan_identity(plan))
        plan.close()
        return None

    method = getattr(twin, name)
    assert inspect.iscoroutinefunction(method), f"{name} is not async"
    twin._run = recording_run
    error: Exception | None = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            coroutine = method(*args, **kwargs)
            try:
                coroutine.send(None)
            except StopIteration:
                pass
            except Exception as exc:
                error = exc
            else:
                coroutine.close()
                raise AssertionError(f"async {name} awaited more than its plan")
    finally:
        del twin._run
    return plans, error, caught


def _describe(error: Exception | None) -> tuple[type[Exception], str] | None:
    return None if error is None else (type(error), str(error))


def _warned(caught: list[warnings.WarningMessage]) -> list[tuple[type[Warning], str]]:
    return [(w.category, str(w.message)) for w in caught]


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
