"""Shared fixtures: repository paths and the project's fake Numerai server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["numerapi_gen.testing.pytest_plugin"]

ROOT = Path(__file__).resolve().parent.parent


def _find_shared() -> Path | None:
    candidates = [
        os.environ.get("NUMERAPI_GEN_SHARED"),
        ROOT.parent / "shared",
        "/work/shared",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "schema").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's reference material (never committed, see DEVELOPERS.md)."""
    shared = _find_shared()
    if shared is None:
        pytest.fail(
            "reference material not found: set NUMERAPI_GEN_SHARED to the "
            "'shared' directory (it holds schema/numerai-introspection.json)"
        )
    return shared
