"""pytest plugin: a local fake Numerai server shared by a session, reset per test.

Not auto-enabled. Enable it with ``pytest_plugins =
["numerapi_gen.testing.pytest_plugin"]`` in a top-level conftest.py or with
``pytest -p numerapi_gen.testing.pytest_plugin``.

Seeding a world is the costly part of a server; a server is started once per
set of options for the whole session, and :meth:`FakeNumerai.reset` puts it
back to its started state before each test that asks for ``fake_numerai``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

import pytest

from ._server import FakeNumerai

__all__ = ["FakeNumeraiPool", "fake_numerai", "fake_numerai_env", "fake_numerai_pool"]


class FakeNumeraiPool:
    """Started servers by their :class:`FakeNumerai` keyword arguments."""

    def __init__(self) -> None:
        self._servers: dict[tuple[tuple[str, Hashable], ...], FakeNumerai] = {}

    def get(self, **options: Any) -> FakeNumerai:
        """The pool's started server for ``options``, reset to its start."""
        key = tuple(sorted(options.items()))
        server = self._servers.get(key)
        if server is None:
            server = self._servers[key] = FakeNumerai(**options).start()
        else:
            server.reset()
        return server

    def close(self) -> None:
        servers, self._servers = list(self._servers.values()), {}
        for server in servers:
            server.stop()


@pytest.fixture(scope="session")
def fake_numerai_pool() -> Iterator[FakeNumeraiPool]:
    """The session's shared servers (stopped when the session ends)."""
    pool = FakeNumeraiPool()
    yield pool
    pool.close()


@pytest.fixture
def fake_numerai(
    request: pytest.FixtureRequest, fake_numerai_pool: FakeNumeraiPool
) -> Iterator[FakeNumerai]:
    """A started :class:`FakeNumerai` (seed 0) as it was when it started.

    One server per set of options serves the whole session and is reset
    before each test (world, recorded requests, faults, connections). Pass
    options with ``@pytest.mark.fake_numerai(seed=3, lenient=True)``; options
    that cannot be shared (an unhashable value such as ``world=``) get a
    server of their own for the test.
    """
    marker = request.node.get_closest_marker("fake_numerai")
    options = dict(marker.kwargs) if marker else {}
    try:
        hash(tuple(options.items()))
    except TypeError:
        with FakeNumerai(**options) as server:
            yield server
        return
    yield fake_numerai_pool.get(**options)


@pytest.fixture
def fake_numerai_env(
    fake_numerai: FakeNumerai, monkeypatch: pytest.MonkeyPatch
) -> FakeNumerai:
    """``fake_numerai`` with ``NUMERAI_PUBLIC_ID``/``NUMERAI_SECRET_KEY`` set."""
    monkeypatch.setenv("NUMERAI_PUBLIC_ID", fake_numerai.public_id)
    monkeypatch.setenv("NUMERAI_SECRET_KEY", fake_numerai.secret_key)
    return fake_numerai


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fake_numerai(**options): FakeNumerai keyword arguments for the fixture",
    )
