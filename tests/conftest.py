"""Shared fixtures: repository paths and the project's fake Numerai server."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["numerapi_gen.testing.pytest_plugin"]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
