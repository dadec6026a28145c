"""numerapi's calling conventions work on numerapi_gen.compat unchanged."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import numerapi
import pandas as pd
import pytest
from _compat_support import KINDS

from numerapi_gen import GraphQLError, MissingCredentialsError, compat
from numerapi_gen.testing import FakeNumerai


def _public(cls: type[Any]) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_")
    }


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_numerapi_method_exists_with_numerapis_parameters(kind: str) -> None:
    ours, theirs, _ = KINDS[kind]
    reference = _public(theirs)
    mine = _public(ours)
    assert set(reference) <= set(mine), set(reference) - set(mine)
    for name, method in reference.items():
        expected = list(inspect.signature(method).parameters.values())[1:]
        actual = list(inspect.signature(mine[name]).parameters.values())[1:]
        assert [(p.name, p.default, p.kind) for p in actual] == [
            (p.name, p.default, p.kind) for p in expected
        ], name


def test_numerapi_idioms_run_unchanged(
    server: FakeNumerai, clients: dict[str, tuple[Any, Any]]
) -> None:
    napi, reference = clients["classic"]
    name = server.world.own_models(8)[0].name
    frame = pd.DataFrame(napi.daily_model_performances(name))
    expected = pd.DataFrame(reference.daily_model_performances(name))
    pd.testing.assert_frame_equal(frame, expected)
    assert "date" in frame.columns
    account = napi.get_account()
    assert account["availableNmr"] == reference.get_account()["availableNmr"]
    assert dict(account.items()) == account
    config = napi.v3_stake_config()
    assert json.dumps(config) == json.dumps(reference.v3_stake_config())


def test_positional_verbosity_and_no_unclosed_connections(
    server: FakeNumerai,
) -> None:
    """Used numerapi-style (no ``with``, no ``close()``) nothing is left open."""
    script = f"""
import gc, logging
from numerapi_gen.compat import NumerAPI
napi = NumerAPI({server.public_id!r}, {server.secret_key!r}, "debug",
                api_url={server.url!r})
assert logging.getLogger("numerapi_gen").getEffectiveLevel() == logging.DEBUG
napi.get_account()
kept = NumerAPI({server.public_id!r}, {server.secret_key!r}, api_url={server.url!r})
kept.get_leaderboard()
del napi
gc.collect()
print("done")
"""
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "always::ResourceWarning", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"
    assert "ResourceWarning" not in result.stderr, result.stderr
    assert numerapi.__version__ == "3.1.1"


def test_what_numerapi_raised_as_value_error_still_is_one(
    server: FakeNumerai,
    clients: dict[str, tuple[Any, Any]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env with keys
    napi, reference = clients["classic"]
    unknown = str(uuid.UUID(int=1))
    with pytest.raises(ValueError, match="Model not found"):
        reference.modelid_to_modelname(unknown)
    with pytest.raises(ValueError, match="Model not found") as raised:
        napi.modelid_to_modelname(unknown)
    assert isinstance(raised.value, GraphQLError)
    anonymous = compat.NumerAPI(api_url=server.url)
    with pytest.raises(ValueError) as raised:
        anonymous.get_account()
    assert isinstance(raised.value, MissingCredentialsError)
    with pytest.raises(ValueError, match="API keys required"):
        numerapi.NumerAPI().get_account()
