"""Helpers for the CLI tests: run ``numerapi-gen`` in-process, read its output.

Commands run with click's ``CliRunner`` (stdout and stderr kept apart) against
:class:`~numerapi_gen.testing.FakeNumerai`; keys and the API URL are passed
through the environment, as users do.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Mapping
from typing import Any

from click.testing import CliRunner, Result

from numerapi_gen.cli import cli
from numerapi_gen.testing import FakeNumerai

ENV_NAMES = ("NUMERAI_PUBLIC_ID", "NUMERAI_SECRET_KEY", "NUMERAI_API_URL")

Run = Callable[..., Result]


def server_env(fake: FakeNumerai) -> dict[str, str]:
    """The environment that points the CLI at ``fake`` with its keys."""
    return {
        "NUMERAI_API_URL": fake.url,
        "NUMERAI_PUBLIC_ID": fake.public_id,
        "NUMERAI_SECRET_KEY": fake.secret_key,
    }


def invoke(args: list[str], env: Mapping[str, str | None] | None = None) -> Result:
    """Run ``numerapi-gen ARGS`` in-process.

    Output is text unless the arguments (or ``env``) ask for JSON: the runner's
    stdout is not a terminal, where the CLI would default to JSON.
    """
    runner = CliRunner()
    environment = {"NUMERAPI_GEN_OUTPUT": "table", **(env or {})}
    return runner.invoke(cli, args, env=environment, prog_name="numerapi-gen")


def ok(result: Result) -> str:
    """The stdout of a successful run (with a helpful failure message)."""
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
    return result.stdout


def ok_json(result: Result) -> Any:
    """The parsed JSON stdout of a successful run."""
    return json.loads(ok(result))


def fails(result: Result, code: int) -> str:
    """The stderr of a run that exited with ``code``; one ``Error:`` line."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: "), result.stderr
    return lines[-1]


def unused_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
