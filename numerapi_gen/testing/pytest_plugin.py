"""pytest plugin: fixtures for testing against a local fake Numerai server.

Not auto-enabled. Enable it with ``pytest_plugins =
["numerapi_gen.testing.pytest_plugin"]`` in a top-level conftest.py or with
``pytest -p numerapi_gen.testing.pytest_plugin``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._server import FakeNumerai

__all__ = ["fake_numerai", "fake_numerai_env"]


@pytest.fixture
def fake_numerai(request: pytest.FixtureRequest) -> Iterator[FakeNumerai]:
    """A started :class:`FakeNumerai` (seed 0), stopped after the test.

    Parametrize the seed with ``@pytest.mark.fake_numerai(seed=3)``.
    """
    marker = request.node.get_closest_marker("fake_numerai")
    options = dict(marker.kwargs) if marker else {}
    with FakeNumerai(**options) as server:
        yield server


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
