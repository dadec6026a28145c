"""Fixtures for file-transfer tests: the fake server's file host and a client.

The client is built like the real one (``_client._APICore._transfers``): a
``RetryTransport`` without auth, here with every backoff sleep skipped.
Downloads read bodies over ``http.client`` (``_wire``) unless a test asks for
``body_path``, which runs it over that path and over httpx.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from _transfer_support import MAX_RETRIES, Files

from numerapi_gen._retry import RetryPolicy, RetryTransport
from numerapi_gen._transfer import _common, _wire
from numerapi_gen.testing import FakeNumerai


@pytest.fixture(autouse=True)
def backoffs(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The transfer code's backoff delays, recorded instead of slept."""
    delays: list[float] = []
    monkeypatch.setattr(_common, "sleep", delays.append)
    return delays


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy in the environment would send every download through httpx."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(params=["wire", "httpx"])
def body_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The way download bodies are read: the fast path, or httpx's."""
    monkeypatch.setattr(_wire, "ENABLED", request.param == "wire")
    return str(request.param)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    transport = RetryTransport(
        httpx.HTTPTransport(),
        RetryPolicy(max_retries=MAX_RETRIES),
        sleep=lambda _: None,
    )
    with httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(10.0),
        headers={"User-Agent": "numerapi-gen-tests"},
        follow_redirects=True,
    ) as http:
        yield http


@pytest.fixture
def files(fake_numerai: FakeNumerai) -> Files:
    return Files(fake_numerai)
