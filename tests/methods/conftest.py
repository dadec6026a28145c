"""The method tests' server: the session's shared fake, reset for each test."""

from __future__ import annotations

from pathlib import Path

import pytest
from _write_support import clean_environment

from numerapi_gen.testing import FakeNumerai


@pytest.fixture
def server(
    fake_numerai: FakeNumerai, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> FakeNumerai:
    """No keys or Compute ids from the shell, cwd in a temp dir."""
    clean_environment(monkeypatch, tmp_path)
    return fake_numerai
