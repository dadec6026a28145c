"""Tables at a terminal, JSON when piped (as gh does); --json/--table force one."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

from _cli_support import Run, fails, ok, server_env

from numerapi_gen.testing import FakeNumerai

AUTO = {"NUMERAPI_GEN_OUTPUT": None}  # neither forced by the environment


def test_piped_output_is_json_unless_a_table_is_asked_for(
    run: Run, server: FakeNumerai
) -> None:
    expected = {m.name: m.id for m in server.world.own_models(8)}
    assert json.loads(ok(run("models", env=AUTO))) == expected
    for args in (("models", "--table"), ("--table", "models")):
        text = ok(run(*args, env=AUTO))
        assert text.startswith("name") or ": " in text
        for name, model_id in expected.items():
            assert any(
                line.split() == [f"{name}:", model_id] for line in text.splitlines()
            ), text
    assert json.loads(ok(run("models", env={"NUMERAPI_GEN_OUTPUT": "json"})))
    # a single value stays plain text, as numerapi's CLI printed it
    assert ok(run("version", env=AUTO)).strip() == json.loads(
        ok(run("--json", "version", env=AUTO))
    )
    started = ok(run("check-new-round", env=AUTO)).strip()
    assert started in ("0", "1")
    assert json.loads(ok(run("check-new-round", "--json", env=AUTO))) is (
        started == "1"
    )


def _at_terminal(server: FakeNumerai, *args: str) -> str:
    """Run the script with a terminal as stdout; what it printed there."""
    controller, terminal = pty.openpty()
    env = {**os.environ, **server_env(server)}
    env.pop("NUMERAPI_GEN_OUTPUT", None)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "numerapi_gen.cli", *args],
            stdout=terminal,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
    output = b""
    try:
        while chunk := os.read(controller, 65536):
            output += chunk
    except OSError:  # EIO: the terminal side is closed and drained
        pass
    finally:
        os.close(controller)
    assert result.returncode == 0, result.stderr
    return output.decode().replace("\r\n", "\n")


def test_a_terminal_gets_a_table_unless_json_is_asked_for(
    server: FakeNumerai,
) -> None:
    header, rule, *rows = _at_terminal(
        server, "leaderboard", "--limit", "3"
    ).splitlines()
    assert header.split()[:2] == ["username", "rank"]
    assert set(rule) <= {"-", " "}
    leaders = json.loads(_at_terminal(server, "leaderboard", "--limit", "3", "--json"))
    assert [row["username"] for row in leaders] == [row.split()[0] for row in rows]


def test_a_bad_output_setting_is_a_usage_error(run: Run) -> None:
    line = fails(run("models", env={"NUMERAPI_GEN_OUTPUT": "yaml"}), 2)
    assert "NUMERAPI_GEN_OUTPUT" in line


def test_error_hints_name_commands_not_python_methods(run: Run) -> None:
    line = fails(run("stake-increase", "1", "--model_id", "zenwalrus", "--yes"), 2)
    assert "`numerapi-gen models`" in line, line
    assert "get_models()" not in line
