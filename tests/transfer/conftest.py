"""Fixtures for file-transfer tests: the fake server's file host and a client.

The client is built like the real one (``_client._APICore._transfers``): a
plain ``httpx.Client`` without auth; every backoff sleep is recorded, not slept.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from _transfer_support import Files

from numerapi_gen import _retry
from numerapi_gen.testing import FakeNumerai


@pytest.fixture(autouse=True)
def backoffs(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The transfer code's backoff delays, recorded instead of slept."""
    delays: list[float] = []
    monkeypatch.setattr(_retry, "sleep", delays.append)
    return delays


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(
        timeout=httpx.Timeout(10.0),
        headers={"User-Agent": "numerapi-gen-tests"},
        follow_redirects=True,
    ) as http:
        yield http


@pytest.fixture
def files(fake_numerai: FakeNumerai) -> Files:
    return Files(fake_numerai)
