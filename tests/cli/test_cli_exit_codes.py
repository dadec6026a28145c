"""Exit codes, one-line errors on stderr, --debug, and secrets never printed."""

from __future__ import annotations

import time
import uuid

import pytest
from _cli_support import Run, fails, invoke, ok

from numerapi_gen.cli import ExitCode
from numerapi_gen.testing import FakeNumerai


def test_exit_code_values() -> None:
    """The documented numbers; scripts depend on them."""
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 5]
    help_text = ok(invoke(["--help"]))
    for line in (
        "0  success",
        "2  usage error",
        "3  authentication error",
        "4  API error",
        "5  network error",
    ):
        assert line in help_text


# --- 2: usage -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-command"],
        ["current-round", "--no-such-option"],
        ["profile"],  # missing USERNAME
        ["leaderboard", "--limit", "many"],
        ["current-round", "--tournament", "9"],
        ["schema", "diff", "--url", "http://x", "--from-file", "pyproject.toml"],
    ],
)
def test_usage_errors_exit_2(run: Run, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert "Error:" in result.stderr
    assert result.stdout == ""


def test_tournament_must_be_known(run: Run) -> None:
    result = run("current-round", "--tournament", "9")
    assert result.exit_code == 2
    assert "8 (Classic), 11 (Signals), 12 (Crypto)" in result.stderr


def test_command_missing_for_tournament_is_a_usage_error(run: Run) -> None:
    result = run("competitions", "--tournament", "11")
    assert result.exit_code == 2
    assert "not available for tournament 11" in result.stderr


def test_rejected_argument_exits_2(run: Run, server: FakeNumerai) -> None:
    """NumeraiValidationError (caught before any request) is a usage error."""
    before = len(server.requests)
    line = fails(run("leaderboard", "--limit", "-1"), 2)
    assert line.startswith("Error: invalid argument: ")
    assert "limit" in line
    assert len(server.requests) == before


def test_invalid_api_url_exits_2(run: Run) -> None:
    line = fails(run("--api-url", "ftp://example.com", "current-round"), 2)
    assert "api_url" in line


# --- 3: authentication -------------------------------------------------------------


def test_missing_keys_exit_3(server: FakeNumerai) -> None:
    result = invoke(["account"], {"NUMERAI_API_URL": server.url})
    line = fails(result, 3)
    assert line.startswith("Error: authentication failed: ")
    assert "NUMERAI_PUBLIC_ID" in line
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1  # no traceback


def test_half_a_key_pair_exits_3(server: FakeNumerai) -> None:
    env = {"NUMERAI_API_URL": server.url, "NUMERAI_PUBLIC_ID": server.public_id}
    line = fails(invoke(["account"], env), 3)
    assert "secret_key is missing" in line


def test_rejected_keys_exit_3_without_printing_the_secret(server: FakeNumerai) -> None:
    secret = "WRONG-" + uuid.uuid4().hex
    env = {
        "NUMERAI_API_URL": server.url,
        "NUMERAI_PUBLIC_ID": server.public_id,
        "NUMERAI_SECRET_KEY": secret,
    }
    for args in (["account"], ["--debug", "account"]):
        result = invoke(args, env)
        fails(result, 3)
        assert secret not in result.stdout + result.stderr


def test_keys_from_options(server: FakeNumerai) -> None:
    """--public-id/--secret-key work; one option is completed from the env."""
    url = {"NUMERAI_API_URL": server.url}
    both = ["--public-id", server.public_id, "--secret-key", server.secret_key]
    ok(invoke([*both, "account"], url))
    env = {**url, "NUMERAI_SECRET_KEY": server.secret_key}
    ok(invoke(["--public-id", server.public_id, "account"], env))


def test_keys_from_dotenv(server: FakeNumerai, isolated: object) -> None:
    from pathlib import Path

    Path(".env").write_text(
        f"NUMERAI_PUBLIC_ID={server.public_id}\nNUMERAI_SECRET_KEY={server.secret_key}\n"
    )
    ok(invoke(["account"], {"NUMERAI_API_URL": server.url}))


# --- 4: API errors --------------------------------------------------------------


def test_unknown_dataset_exits_4(run: Run) -> None:
    line = fails(run("download-dataset", "--filename", "no/such/file.parquet"), 4)
    assert line.startswith("Error: API error: ")
    assert "no/such/file.parquet" in line


def test_unknown_model_exits_4(run: Run) -> None:
    missing = str(uuid.uuid4())
    line = fails(run("submission-filenames", "--model_id", missing), 4)
    assert missing in line


def test_unknown_user_profile_exits_4(run: Run) -> None:
    fails(run("profile", "no_such_model_" + uuid.uuid4().hex[:8]), 4)


# --- 5: network -------------------------------------------------------------------


def test_unreachable_api_exits_5(dead_url: str) -> None:
    started = time.monotonic()
    result = invoke(["--api-url", dead_url, "current-round"])
    line = fails(result, 5)
    assert line.startswith("Error: network error: ")
    assert time.monotonic() - started < 30


def test_unreachable_schema_endpoint_exits_5(dead_url: str) -> None:
    fails(invoke(["schema", "diff", "--url", dead_url]), 5)


# --- 1: unexpected; --debug ---------------------------------------------------------


def test_unexpected_error_exits_1(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from numerapi_gen import NumerAPI

    def boom(self: object, tournament: int | None = None) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(NumerAPI, "get_current_round", boom)
    result = run("current-round")
    line = fails(result, 1)
    assert line == (
        "Error: unexpected RuntimeError: boom (rerun with --debug for the traceback)"
    )
    assert "Traceback" not in result.stderr

    result = run("--debug", "current-round")
    fails(result, 1)
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: boom" in result.stderr


def test_debug_logs_to_stderr_without_the_secret(run: Run, server: FakeNumerai) -> None:
    result = run("--debug", "account")
    assert result.exit_code == 0, result.stderr
    assert "DEBUG" in result.stderr
    assert server.secret_key not in result.stderr
    assert server.secret_key not in result.stdout
    assert "DEBUG" not in result.stdout


def test_no_debug_output_by_default(run: Run) -> None:
    result = run("account")
    assert result.exit_code == 0
    assert result.stderr == ""
