"""Exit codes of ``numerapi-gen`` and the one-line messages for failures.

Only :mod:`numerapi_gen._errors` (standard library only) is imported here, so
``--help`` stays fast.
"""

from __future__ import annotations

import enum
import re

from .._errors import (
    APIConnectionError,
    AuthenticationError,
    NumeraiError,
    NumeraiValidationError,
)


class ExitCode(enum.IntEnum):
    """Process exit codes; documented in ``numerapi-gen --help``."""

    OK = 0
    #: Anything unexpected. ``schema diff``/``schema check`` also use it for
    #: "breaking changes found" / "invalid operations found".
    FAILURE = 1
    #: Bad command line (click's own code) or an argument the client rejected.
    USAGE = 2
    #: API keys missing, incomplete or rejected.
    AUTHENTICATION = 3
    #: The API answered with an error, or something asked for does not exist.
    API = 4
    #: The API could not be reached (connection refused, reset, timeout).
    NETWORK = 5


EXIT_CODE_HELP = """\b
Exit codes:
  0  success
  1  unexpected error; schema diff: breaking changes; schema check: problems
  2  usage error (bad option or argument)
  3  authentication error (API keys missing, incomplete or rejected)
  4  API error (GraphQL/HTTP error, not found, transfer or submission failed)
  5  network error (API unreachable or timed out)"""


def exit_code_for(exc: BaseException) -> ExitCode:
    """The exit code for an exception raised by a command."""
    if isinstance(exc, NumeraiValidationError):
        return ExitCode.USAGE
    if isinstance(exc, AuthenticationError):
        return ExitCode.AUTHENTICATION
    if isinstance(exc, APIConnectionError):  # includes APITimeoutError
        return ExitCode.NETWORK
    if isinstance(exc, NumeraiError):
        return ExitCode.API
    return ExitCode.FAILURE


_LABELS = {
    ExitCode.USAGE: "invalid argument",
    ExitCode.AUTHENTICATION: "authentication failed",
    ExitCode.API: "API error",
    ExitCode.NETWORK: "network error",
}


def one_line(text: str) -> str:
    """Collapse whitespace (newlines included) so a message fits one line."""
    return " ".join(text.split())


#: Client methods that error hints name, and the commands that do the same.
COMMANDS_FOR_METHODS = {
    "get_models": "models",
    "get_account": "account",
    "list_datasets": "list-datasets",
    "get_current_round": "current-round",
    "get_leaderboard": "leaderboard",
    "get_competitions": "competitions",
    "public_user_profile": "profile",
    "wallet_transactions": "transactions",
    "stake_get": "stake-get",
    "get_submission_filenames": "submission-filenames",
    "daily_model_performances": "daily-model-performances",
    "compute_pickles": "pickles",
    "stake_transactions": "stake-history",
}
_METHOD_CALL = re.compile(r"\b([a-z_][a-z0-9_]*)\(\)")


def command_hints(message: str) -> str:
    """``message`` with ``get_models()`` and the like named as CLI commands."""

    def command(match: re.Match[str]) -> str:
        name = COMMANDS_FOR_METHODS.get(match.group(1))
        return f"`numerapi-gen {name}`" if name else match.group(0)

    return _METHOD_CALL.sub(command, message)


def error_line(exc: BaseException, code: ExitCode, secrets: tuple[str, ...]) -> str:
    """``Error: <label>: <message>``, on one line, with any secret masked.

    Hints naming a client method name the command that does the same instead.
    """
    message = command_hints(one_line(str(exc))) or type(exc).__name__
    if code is ExitCode.FAILURE:
        label = f"unexpected {type(exc).__name__}"
        message += " (rerun with --debug for the traceback)"
    else:
        label = _LABELS[code]
    return f"Error: {label}: {redact(message, secrets)}"


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every occurrence of each secret replaced by ``***``."""
    from .._redact import redact as mask

    return mask(text, secrets)
