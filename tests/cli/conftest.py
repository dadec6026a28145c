"""Fixtures for the CLI tests: fake servers, an isolated environment, runners."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from _cli_support import ENV_NAMES, Run, invoke, server_env, unused_port
from click.testing import Result

from numerapi_gen.testing import FakeNumerai


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No keys or URL from the developer's environment or a .env file."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def server(fake_numerai: FakeNumerai) -> FakeNumerai:
    """The session's fake server, reset for each test."""
    return fake_numerai


@pytest.fixture
def fresh_server(server: FakeNumerai) -> FakeNumerai:
    """For tests that change the world: the same reset server (reset is what
    makes it fresh); kept as a name for readability."""
    return server


def _runner(fake: FakeNumerai) -> Run:
    def run(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
        return invoke(list(args), {**server_env(fake), **(env or {})})

    return run


@pytest.fixture
def run(server: FakeNumerai) -> Run:
    """``run(*args)``: the CLI against the shared server, keys in the env."""
    return _runner(server)


@pytest.fixture
def run_fresh(fresh_server: FakeNumerai) -> Run:
    """``run_fresh(*args)``: the CLI against ``fresh_server``."""
    return _runner(fresh_server)


@pytest.fixture
def dead_url() -> str:
    """An API URL on 127.0.0.1 where connections are refused."""
    return f"http://127.0.0.1:{unused_port()}/"
