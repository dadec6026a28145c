"""The ``numerapi-gen`` console script: numerapi's commands, schema tools, fakes.

``main`` is the entry point. Only click and the standard library are imported
here; clients, pandas and the generated models load inside the commands.
"""

from __future__ import annotations

from . import _participant_cmds  # noqa: F401  (registers its commands)
from ._app import cli, main
from ._errors import ExitCode
from ._schema_cmds import schema
from ._server_cmds import demo, fake_server

cli.add_command(schema)
cli.add_command(fake_server)
cli.add_command(demo)

__all__ = ["ExitCode", "cli", "main"]
