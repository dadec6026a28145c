"""The installed console script, run as a subprocess; and what --help imports."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from _cli_support import server_env

from numerapi_gen import __version__
from numerapi_gen.testing import FakeNumerai


def script() -> list[str]:
    """The ``numerapi-gen`` script of this environment (else ``python -m``)."""
    found = shutil.which("numerapi-gen", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "numerapi_gen.cli"]


def run_script(
    *args: str, env: dict[str, str] | None = None, stdin: int | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NUMERAI_PUBLIC_ID", "NUMERAI_SECRET_KEY", "NUMERAI_API_URL")
    }
    return subprocess.run(
        [*script(), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **(env or {})},
        check=False,
        stdin=stdin,
    )


def run_at_terminal(answer: str, *args: str, env: dict[str, str]) -> str:
    """Run the script with a terminal as stdin that types ``answer``; its stderr."""
    import pty

    controller, terminal = pty.openpty()
    try:
        os.write(controller, answer.encode() + b"\n")
        result = run_script(*args, env=env, stdin=terminal)
    finally:
        os.close(terminal)
        os.close(controller)
    return f"{result.returncode}\n{result.stdout}{result.stderr}"


def test_help() -> None:
    result = run_script("--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: numerapi-gen" in result.stdout
    for command in ("account", "download-dataset", "stake-increase", "schema"):
        assert command in result.stdout
    assert "Exit codes:" in result.stdout


def test_version() -> None:
    result = run_script("version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{__version__}\n"


def test_api_command_json(server: FakeNumerai) -> None:
    result = run_script("--json", "models", env=server_env(server))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        m.name: m.id for m in server.world.own_models(8)
    }
    assert server.secret_key not in result.stdout + result.stderr


def test_exit_code_of_the_process(server: FakeNumerai) -> None:
    result = run_script("account", env={"NUMERAI_API_URL": server.url})
    assert result.returncode == 3
    assert result.stderr.startswith("Error: authentication failed: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_stake_change_asks_at_a_terminal(fresh_server: FakeNumerai) -> None:
    model = fresh_server.world.own_models(8)[0]
    before = model.stake
    env = server_env(fresh_server)
    args = ("stake-increase", "0.05", "--model_id", model.id, "--table")
    declined = run_at_terminal("n", *args, env=env)
    assert declined.startswith("1\n")
    assert f"stake increase of 0.05 NMR for model {model.id}" in declined
    assert "no stake request was sent" in declined
    assert "ChangeStake" not in fresh_server.requests.operations()
    accepted = run_at_terminal("y", *args, env=env)
    assert accepted.startswith("0\n")
    assert re.search(r"^sentAmount: +0\.05$", accepted, re.MULTILINE)
    assert model.stake == before + Decimal("0.05")


HEAVY = ("pandas", "numerai_graphql", "pydantic", "httpx", "graphql", "pyarrow", "tqdm")


def test_help_and_version_import_nothing_heavy() -> None:
    code = f"""
import sys
from numerapi_gen.cli import main
for argv in (["numerapi-gen", "--help"], ["numerapi-gen", "version"]):
    sys.argv = argv
    try:
        main()
    except SystemExit as exc:
        assert exc.code in (0, None), exc.code
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
print("HEAVY=" + ",".join(heavy))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY="


def test_fake_server_runs_in_the_foreground() -> None:
    """`fake-server --port 0` prints its URL, serves, and stops on SIGTERM."""
    process = subprocess.Popen(
        [*script(), "fake-server", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Fake Numerai API listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        with FakeNumerai(seed=3) as twin:  # same seed: the same world
            current = twin.world.current_round(8)
        assert current is not None
        result = run_script("--json", "current-round", env={"NUMERAI_API_URL": url})
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == current.number
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0
