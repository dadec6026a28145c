"""The ``numerapi-gen`` command group, its global options and the API commands.

The API commands are numerapi 3.1.1's, with the same names, arguments, options
and defaults (its underscore options such as ``--round_num`` also have dashed
spellings). Clients, httpx and the generated models are imported inside the
commands, so ``--help`` and ``version`` start fast.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .._version import __version__
from ._errors import EXIT_CODE_HELP, error_line, exit_code_for, redact
from ._output import render_json, render_text, scalar_text

if TYPE_CHECKING:
    from .._api import CryptoAPI, NumerAPI, SignalsAPI

    API = NumerAPI | SignalsAPI | CryptoAPI

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_TOURNAMENT = 8
TOURNAMENTS = {8: "Classic", 11: "Signals", 12: "Crypto"}
ENV_PUBLIC_ID = "NUMERAI_PUBLIC_ID"
ENV_SECRET_KEY = "NUMERAI_SECRET_KEY"
ENV_API_URL = "NUMERAI_API_URL"
#: "json" or "table": the output when neither --json nor --table is given.
ENV_OUTPUT = "NUMERAPI_GEN_OUTPUT"


@dataclasses.dataclass(frozen=True)
class Settings:
    """The global options, shared by every command through ``ctx.obj``."""

    api_url: str | None = None
    public_id: str | None = None
    secret_key: str | None = dataclasses.field(default=None, repr=False)
    #: "json", "table", or None: JSON when stdout is not a terminal (as gh does).
    output: str | None = None
    debug: bool = False
    progress: bool = True

    @property
    def json(self) -> bool:
        """Whether results are printed as JSON (forced, or stdout is piped)."""
        if self.output is not None:
            return self.output == "json"
        return not _stdout_is_terminal()

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values never to print: the secret key from the option, env or .env
        (any length), with the public id where it is paired with it."""
        from .._redact import known_secrets, secrets_of

        public_ids = [self.public_id, os.environ.get(ENV_PUBLIC_ID)]
        found: list[str] = []
        for secret in (
            self.secret_key,
            os.environ.get(ENV_SECRET_KEY),
            _dotenv_secret(),
        ):
            for public_id in public_ids:
                found += secrets_of(public_id, secret)
        return tuple(dict.fromkeys([*found, *known_secrets()]))


def _dotenv_secret() -> str | None:
    """The secret key of the nearest .env file, if any (read only when needed)."""
    try:
        from dotenv import dotenv_values, find_dotenv
    except ImportError:  # pragma: no cover - python-dotenv is a dependency
        return None
    path = find_dotenv(usecwd=True)
    return dotenv_values(path).get(ENV_SECRET_KEY) if path else None


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


#: ``ctx.meta`` key (shared by all contexts of a run) set by a command's
#: ``--json`` or ``--table``.
_OUTPUT_META = "numerapi_gen.output"


def settings(ctx: click.Context) -> Settings:
    """The global options of the running command (defaults outside the CLI)."""
    found = ctx.find_object(Settings) or Settings()
    chosen = ctx.meta.get(_OUTPUT_META)
    if chosen is not None and found.output != chosen:
        found = dataclasses.replace(found, output=chosen)
    return found


def _set_output(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_OUTPUT_META] = param.name


def _output_options() -> list[click.Option]:
    return [
        click.Option(
            [f"--{name}"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_output,
            help=help_text,
        )
        for name, help_text in _OUTPUT_HELP.items()
    ]


_OUTPUT_HELP = {
    "json": "Print exact, machine-readable JSON [default when stdout is piped].",
    "table": "Print aligned text for people [default on a terminal].",
}


class NumeraiCommand(click.Command):
    """A command that also takes ``--json``/``--table`` after its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_output_options())


class CommandGroup(click.Group):
    """A group whose commands take ``--json``/``--table`` (see NumeraiCommand)."""

    command_class = NumeraiCommand


class CommandWithSubcommands(CommandGroup):
    """A command that does its own work alone, or runs one of its subcommands.

    ``models`` lists the models; ``models add NAME`` creates one. Like every
    command it takes ``--json``/``--table`` after its name.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invoke_without_command", True)
        super().__init__(*args, **kwargs)
        self.params.extend(_output_options())


class NumeraiGroup(CommandGroup):
    """The top group: turns exceptions into one stderr line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click reports these itself
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # `numerapi-gen ... | head`: click handles
                raise
            fail(ctx, exc)
        except Exception as exc:
            fail(ctx, exc)


def fail(ctx: click.Context, exc: BaseException) -> None:
    """Report ``exc`` on stderr (a traceback too with ``--debug``) and exit."""
    options = settings(ctx)
    secrets = options.secrets
    code = exit_code_for(exc)
    if options.debug:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        click.echo(redact(text, secrets).rstrip(), err=True)
    click.echo(error_line(exc, code, secrets), err=True)
    ctx.exit(int(code))


class _RedactingFilter(logging.Filter):
    """Masks secrets in every log record before it is written."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg = redact(record.getMessage(), self._secrets)
            record.args = None
        return True


def _enable_debug_logging(ctx: click.Context, secrets: tuple[str, ...]) -> None:
    """DEBUG logs to stderr until the command ends."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(_RedactingFilter(secrets))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)

    def restore() -> None:
        root.removeHandler(handler)
        root.setLevel(previous)

    ctx.call_on_close(restore)


@click.group(
    cls=NumeraiGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODE_HELP,
)
@click.option(
    "--api-url",
    envvar=ENV_API_URL,
    show_envvar=True,
    metavar="URL",
    help="GraphQL endpoint [default: the Numerai API].",
)
@click.option(
    "--public-id",
    metavar="ID",
    help=f"API key public id [default: ${ENV_PUBLIC_ID}, or from .env].",
)
@click.option(
    "--secret-key",
    metavar="KEY",
    help=(
        f"API key secret [default: ${ENV_SECRET_KEY}, or from .env]. Prefer the "
        "environment: other users can see command lines."
    ),
)
@click.option(
    "--json",
    "output",
    flag_value="json",
    help="Print exact, machine-readable JSON [default when stdout is piped].",
)
@click.option(
    "--table",
    "output",
    flag_value="table",
    help="Print aligned text for people [default on a terminal].",
)
@click.option("--no-progress", is_flag=True, help="Hide transfer progress bars.")
@click.option(
    "--debug", is_flag=True, help="Log DEBUG to stderr; show error tracebacks."
)
@click.version_option(
    __version__, "--version", prog_name="numerapi-gen", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(
    ctx: click.Context,
    api_url: str | None,
    public_id: str | None,
    secret_key: str | None,
    output: str | None,
    no_progress: bool,
    debug: bool,
) -> None:
    """Command line client for the Numerai tournament API.

    It talks to https://api-tournament.numer.ai unless --api-url says otherwise.
    API keys are read from NUMERAI_PUBLIC_ID and NUMERAI_SECRET_KEY (the
    environment or a .env file) unless given as options. Commands that take
    --tournament choose Classic (8, default), Signals (11) or Crypto (12).
    """
    if output is None:
        output = os.environ.get(ENV_OUTPUT) or None
        if output not in (None, "json", "table"):
            raise click.BadParameter(
                f"{ENV_OUTPUT} must be 'json' or 'table', got {output!r}"
            )
    options = Settings(
        api_url=api_url or None,
        public_id=public_id or None,
        secret_key=secret_key or None,
        output=output,
        debug=debug,
        progress=not no_progress,
    )
    ctx.obj = options
    if debug:
        _enable_debug_logging(ctx, options.secrets)


def main() -> None:
    """Entry point of the ``numerapi-gen`` console script."""
    cli(prog_name="numerapi-gen")


# --- helpers for the API commands ------------------------------------------------


def emit(ctx: click.Context, value: Any, text: str | None = None) -> None:
    """Print a result as JSON or as text for people.

    JSON with ``--json``; when stdout is piped, JSON for records and lists,
    while a single value (a round number, numerapi's 1/0) stays plain text,
    as scripts written for numerapi's CLI read it.
    """
    options = settings(ctx)
    if options.output == "json" or (options.json and _structured(value)):
        click.echo(render_json(value))
    else:
        click.echo(render_text(value) if text is None else text)


def _structured(value: Any) -> bool:
    return isinstance(value, (list, tuple, dict)) or hasattr(value, "model_dump")


def _keys(options: Settings) -> tuple[str | None, str | None]:
    """Keys from the options; one given fills the other from the environment."""
    public_id, secret_key = options.public_id, options.secret_key
    if (public_id is None) == (secret_key is None):
        return public_id, secret_key  # both given, or neither: the client decides
    from .._config import _dotenv_values, _setting

    dotenv = _dotenv_values()
    return (
        public_id or _setting(ENV_PUBLIC_ID, dotenv),
        secret_key or _setting(ENV_SECRET_KEY, dotenv),
    )


def make_api(ctx: click.Context, tournament: int) -> API:
    """The client for ``tournament``, closed when the command ends."""
    from .._api import CryptoAPI, NumerAPI, SignalsAPI

    options = settings(ctx)
    public_id, secret_key = _keys(options)
    kwargs: dict[str, Any] = {
        "api_url": options.api_url,
        "show_progress_bars": options.progress,
        "verbosity": "DEBUG" if options.debug else "WARNING",
    }
    api: API
    if tournament == 11:
        api = SignalsAPI(public_id, secret_key, **kwargs)
    elif tournament == 12:
        api = CryptoAPI(public_id, secret_key, **kwargs)
    else:
        api = NumerAPI(public_id, secret_key, **kwargs)
    ctx.with_resource(api)  # closed when the command ends
    return api


def method(api: API, name: str, command: str) -> Callable[..., Any]:
    """``api.<name>``, or a usage error when the tournament lacks it."""
    found = getattr(api, name, None)
    if not callable(found):
        number = api.tournament_id
        raise click.UsageError(
            f"the {command!r} command is not available for tournament {number} "
            f"({TOURNAMENTS.get(number, 'unknown')})"
        )
    return found  # type: ignore[no-any-return]


def _check_tournament(ctx: click.Context, param: click.Parameter, value: int) -> int:
    if value not in TOURNAMENTS:
        choices = ", ".join(f"{n} ({name})" for n, name in TOURNAMENTS.items())
        raise click.BadParameter(f"{value} is not one of {choices}")
    return value


def tournament_option(func: F) -> F:
    """``--tournament``: 8 Classic (default), 11 Signals, 12 Crypto."""
    return click.option(
        "--tournament",
        type=int,
        default=DEFAULT_TOURNAMENT,
        show_default=True,
        callback=_check_tournament,
        help="8 Classic, 11 Signals or 12 Crypto.",
    )(func)


def round_num_option(help_text: str) -> Callable[[F], F]:
    """``--round_num`` (also ``--round-num``)."""
    return click.option(
        "--round_num", "--round-num", "round_num", type=int, help=help_text
    )


def model_id_option(func: F) -> F:
    """``--model_id`` (also ``--model-id``)."""
    return click.option(
        "--model_id",
        "--model-id",
        "model_id",
        type=str,
        default=None,
        help="The model's UUID (needed when the account has several models).",
    )(func)


# --- the API commands ----------------------------------------------------------


@cli.command()
@round_num_option("Round you are interested in [default: the current round].")
@tournament_option
@click.pass_context
def list_datasets(ctx: click.Context, round_num: int | None, tournament: int) -> None:
    """Names of the dataset files published for a round (default: current)."""
    api = make_api(ctx, tournament)
    emit(ctx, api.list_datasets(round_num=round_num))


@cli.command()
@round_num_option("Round you are interested in [default: the current round].")
@click.option(
    "--filename",
    default="numerai_live_data.parquet",
    show_default=True,
    help="Dataset file name, as list-datasets prints it.",
)
@click.option(
    "--dest_path",
    "--dest-path",
    "dest_path",
    help="Where to write it [default: the dataset's own name].",
)
@tournament_option
@click.pass_context
def download_dataset(
    ctx: click.Context,
    round_num: int | None,
    filename: str,
    dest_path: str | None,
    tournament: int,
) -> None:
    """Fetch one dataset file (resumable and size-checked) to a local path."""
    api = make_api(ctx, tournament)
    path = api.download_dataset(
        filename=filename, dest_path=dest_path, round_num=round_num
    )
    emit(ctx, path)


@cli.command()
@tournament_option
@click.pass_context
def competitions(ctx: click.Context, tournament: int) -> None:
    """Every round of the tournament: number, open and resolve times."""
    api = make_api(ctx, tournament)
    emit(ctx, method(api, "get_competitions", "competitions")(tournament=tournament))


@cli.command()
@tournament_option
@click.pass_context
def current_round(ctx: click.Context, tournament: int) -> None:
    """Print the number of the round that is open now."""
    api = make_api(ctx, tournament)
    number = api.get_current_round(tournament=tournament)
    emit(ctx, number, "no round is open" if number is None else str(number))


@cli.command()
@click.option("--limit", default=20, show_default=True, help="Entries per page.")
@click.option("--offset", default=0, show_default=True, help="Entries to skip first.")
@tournament_option
@click.pass_context
def leaderboard(ctx: click.Context, limit: int, offset: int, tournament: int) -> None:
    """One page of the tournament's model leaderboard."""
    api = make_api(ctx, tournament)
    emit(ctx, method(api, "get_leaderboard", "leaderboard")(limit=limit, offset=offset))


@cli.command()
@round_num_option("Filter by round number [default: all rounds].")
@model_id_option
@tournament_option
@click.pass_context
def submission_filenames(
    ctx: click.Context, round_num: int | None, model_id: str | None, tournament: int
) -> None:
    """File names of your uploaded predictions, by round."""
    api = make_api(ctx, tournament)
    get = method(api, "get_submission_filenames", "submission-filenames")
    emit(ctx, get(tournament=tournament, round_num=round_num, model_id=model_id))


@cli.command(short_help="Whether the open round began within --hours.")
@click.option(
    "--hours", default=12, show_default=True, help="How recent counts as new."
)
@tournament_option
@click.pass_context
def check_new_round(ctx: click.Context, hours: int, tournament: int) -> None:
    """Whether the open round began within the last --hours.

    Prints 1 or 0, as numerapi does (true/false with --json).
    """
    api = make_api(ctx, tournament)
    started = api.check_new_round(hours=hours)
    emit(ctx, started, str(int(started)))


@cli.command()
@tournament_option
@click.pass_context
def account(ctx: click.Context, tournament: int) -> None:
    """Your account: balance, e-mail, API tokens and models."""
    api = make_api(ctx, tournament)
    emit(ctx, api.get_account())


@cli.group(cls=CommandWithSubcommands)
@tournament_option
@click.pass_context
def models(ctx: click.Context, tournament: int) -> None:
    """Your models in the tournament: name and id.

    With a subcommand (add, rename, archive, unarchive), manage them instead.
    """
    if ctx.invoked_subcommand is None:
        api = make_api(ctx, tournament)
        emit(ctx, api.get_models(tournament))


@cli.command()
@click.argument("username")
@tournament_option
@click.pass_context
def profile(ctx: click.Context, username: str, tournament: int) -> None:
    """Public profile of a model (by name)."""
    api = make_api(ctx, tournament)
    emit(ctx, method(api, "public_user_profile", "profile")(username))


@cli.command()
@click.argument("username")
@tournament_option
@click.pass_context
def daily_model_performances(
    ctx: click.Context, username: str, tournament: int
) -> None:
    """Day-by-day reputation and ranks of a model (by name)."""
    api = make_api(ctx, tournament)
    get = method(api, "daily_model_performances", "daily-model-performances")
    emit(ctx, get(username))


@cli.command()
@tournament_option
@click.pass_context
def transactions(ctx: click.Context, tournament: int) -> None:
    """Your wallet's transactions: deposits, withdrawals, stakes, payouts."""
    api = make_api(ctx, tournament)
    emit(ctx, api.wallet_transactions())


@cli.command()
@model_id_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@tournament_option
@click.pass_context
def submit(
    ctx: click.Context, model_id: str | None, path: str, tournament: int
) -> None:
    """Submit a predictions file (CSV or parquet) for a model."""
    api = make_api(ctx, tournament)
    emit(ctx, api.upload_predictions(path, model_id=model_id))


@cli.command()
@click.argument("username")
@tournament_option
@click.pass_context
def stake_get(ctx: click.Context, username: str, tournament: int) -> None:
    """Print the NMR currently staked on a model (by name)."""
    api = make_api(ctx, tournament)
    stake = method(api, "stake_get", "stake-get")(username)
    emit(ctx, stake, scalar_text(stake))


def yes_option(func: F) -> F:
    """``--yes``: do not ask before moving NMR."""
    return click.option(
        "--yes",
        "-y",
        is_flag=True,
        help="Do not ask for confirmation (asked only when stdin is a terminal).",
    )(func)


def confirm_stake(ctx: click.Context, yes: bool, question: str) -> None:
    """Ask before a stake request when a person is at the terminal.

    A script (stdin not a terminal) or ``--yes`` is not asked; declining
    sends nothing and exits with status 1.
    """
    if yes or sys.stdin is None or not sys.stdin.isatty():
        return
    if not click.confirm(question, default=False, err=True):
        click.echo("Cancelled: no stake request was sent.", err=True)
        ctx.exit(1)


def _model_words(model_id: str | None) -> str:
    return f"model {model_id}" if model_id else "the account's only model"


def _stake_question(action: str, nmr: str, model_id: str | None, t: int) -> str:
    from .. import _validate

    amount = _validate.amount_text(_validate.nmr_amount(nmr, "nmr"))
    return (
        f"Request a stake {action} of {amount} NMR for {_model_words(model_id)} "
        f"in tournament {t} ({TOURNAMENTS[t]})?"
    )


@cli.command()
@model_id_option
@tournament_option
@yes_option
@click.pass_context
def stake_drain(
    ctx: click.Context, model_id: str | None, tournament: int, yes: bool
) -> None:
    """Request the release of a model's whole stake."""
    api = make_api(ctx, tournament)
    if model_id:
        confirm_stake(ctx, yes, f"Release the whole stake of {_model_words(model_id)}?")
    emit(ctx, api.stake_drain(model_id))


@cli.command()
@click.argument("nmr")
@model_id_option
@tournament_option
@yes_option
@click.pass_context
def stake_decrease(
    ctx: click.Context, nmr: str, model_id: str | None, tournament: int, yes: bool
) -> None:
    """Request a stake decrease of NMR (plain decimal notation, e.g. 0.05)."""
    api = make_api(ctx, tournament)
    confirm_stake(ctx, yes, _stake_question("decrease", nmr, model_id, tournament))
    # numerapi's model_id "" means "the account's only model", like None here.
    emit(ctx, api.stake_decrease(nmr, model_id or ""))


@cli.command()
@click.argument("nmr")
@model_id_option
@tournament_option
@yes_option
@click.pass_context
def stake_increase(
    ctx: click.Context, nmr: str, model_id: str | None, tournament: int, yes: bool
) -> None:
    """Add NMR (plain decimal notation, e.g. 0.05) to a model's stake."""
    api = make_api(ctx, tournament)
    confirm_stake(ctx, yes, _stake_question("increase", nmr, model_id, tournament))
    emit(ctx, api.stake_increase(nmr, model_id or ""))


@cli.command()
@click.pass_context
def version(ctx: click.Context) -> None:
    """Installed numerapi-gen version."""
    emit(ctx, __version__)
