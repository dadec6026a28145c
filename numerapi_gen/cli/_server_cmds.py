"""``numerapi-gen fake-server``: the bundled fake Numerai API, in the foreground."""

from __future__ import annotations

import signal
import sys
from types import FrameType

import click


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _echo(line: str) -> None:
    click.echo(line)
    sys.stdout.flush()


@click.command("fake-server", short_help="Run the fake Numerai API (foreground).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option("--seed", default=0, show_default=True, help="Seed of the fake world.")
@click.option("--verbose", is_flag=True, help="Log every request.")
def fake_server(host: str, port: int, seed: int, verbose: bool) -> None:
    """Run the fake Numerai API in the foreground until Ctrl+C (or SIGTERM).

    It accepts only its printed demo keys (not your real ones). Point a client
    at it with --api-url or NUMERAI_API_URL; no network is needed.
    """
    from ..testing import serve

    # SIGTERM (a supervisor, `docker stop`) stops it as cleanly as Ctrl+C does.
    signal.signal(signal.SIGTERM, _interrupt)
    serve(host, port, seed=seed, verbose=verbose, echo=_echo)


@click.command("demo", short_help="Run the main workflow against a local fake.")
@click.option("--seed", default=0, show_default=True, help="Seed of the fake world.")
@click.pass_context
def demo(ctx: click.Context, seed: int) -> None:
    """Run a tournament round end to end against an in-process fake Numerai API.

    Current round, datasets and a download, predictions built with pandas and
    uploaded, the submission in the model's list, scores, a stake change — all
    typed results, printed. No keys or network needed.
    """
    from .._demo import run_demo

    no_progress = bool(ctx.find_root().params.get("no_progress", False))
    run_demo(sys.stdout, show_progress=not no_progress, seed=seed)
