"""Helpers for the write-side method tests: one test body, sync and async.

``Caller`` is the read tests' ``Api`` runner (see ``_read_support``).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from _read_support import Api

from numerapi_gen.testing import FakeNumerai

STAKER = "0x" + "ab" * 20
ENV = (
    "NUMERAI_PUBLIC_ID",
    "NUMERAI_SECRET_KEY",
    "NUMERAI_API_URL",
    "TRIGGER_ID",
    "NUMERAI_COMPUTE_ID",
)


#: The read tests' runner: one body for the sync and async twins.
Caller = Api


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
