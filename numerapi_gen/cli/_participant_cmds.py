"""Commands beyond numerapi's: models, pickles, stake history, rounds, NMR price.

``models add/rename/archive/unarchive``, ``pickles`` (list, download, assign,
trigger, logs), ``stake-history``, ``round-details`` and ``nmr-price``. Like
the other API commands they print aligned text, or exact JSON with ``--json``.
"""

from __future__ import annotations

import click

from ._app import (
    CommandWithSubcommands,
    cli,
    emit,
    make_api,
    models,
    tournament_option,
)
from ._output import scalar_text


def _model_id_argument(func: click.decorators.FC) -> click.decorators.FC:
    return click.argument("model_id", metavar="MODEL_ID")(func)


@models.command("add")
@click.argument("name")
@tournament_option
@click.pass_context
def models_add(ctx: click.Context, name: str, tournament: int) -> None:
    """Create a model called NAME in the tournament; prints the new model."""
    emit(ctx, make_api(ctx, tournament).add_model(name))


@models.command("rename")
@_model_id_argument
@click.argument("name")
@click.pass_context
def models_rename(ctx: click.Context, model_id: str, name: str) -> None:
    """Rename the model MODEL_ID (a UUID, see `models`) to NAME."""
    emit(ctx, make_api(ctx, 8).rename_model(model_id, name))


@models.command("archive")
@_model_id_argument
@click.pass_context
def models_archive(ctx: click.Context, model_id: str) -> None:
    """Archive the model MODEL_ID (undo with `models unarchive`)."""
    emit(ctx, make_api(ctx, 8).archive_model(model_id))


@models.command("unarchive")
@_model_id_argument
@click.pass_context
def models_unarchive(ctx: click.Context, model_id: str) -> None:
    """Bring the archived model MODEL_ID back."""
    emit(ctx, make_api(ctx, 8).unarchive_model(model_id))


@cli.group(cls=CommandWithSubcommands)
@click.option("--model-id", "--model_id", "model_id", help="Only this model's.")
@click.option("--unassigned", is_flag=True, help="Only pickles of no model.")
@click.pass_context
def pickles(ctx: click.Context, model_id: str | None, unassigned: bool) -> None:
    """Your Numerai Compute pickles (with a subcommand: manage one)."""
    if ctx.invoked_subcommand is None:
        api = make_api(ctx, 8)
        emit(ctx, api.compute_pickles(model_id=model_id, unassigned=unassigned))


@pickles.command("download")
@_model_id_argument
@click.argument("dest", type=click.Path(dir_okay=False))
@click.option("--pickle-id", "--pickle_id", "pickle_id", help="[default: assigned]")
@click.pass_context
def pickles_download(
    ctx: click.Context, model_id: str, dest: str, pickle_id: str | None
) -> None:
    """Download MODEL_ID's pickle to DEST (complete and exact, or not at all)."""
    path = make_api(ctx, 8).download_compute_pickle(model_id, dest, pickle_id)
    emit(ctx, path, path)


@pickles.command("assign")
@click.argument("pickle_id")
@_model_id_argument
@click.pass_context
def pickles_assign(ctx: click.Context, pickle_id: str, model_id: str) -> None:
    """Make PICKLE_ID the pickle Compute runs for MODEL_ID."""
    emit(ctx, make_api(ctx, 8).assign_pickle_to_model(pickle_id, model_id))


@pickles.command("trigger")
@click.argument("pickle_id")
@_model_id_argument
@click.option("--validation", is_flag=True, help="Run the validation instead.")
@click.pass_context
def pickles_trigger(
    ctx: click.Context, pickle_id: str, model_id: str, validation: bool
) -> None:
    """Run PICKLE_ID now for MODEL_ID; prints the pickle's new status."""
    api = make_api(ctx, 8)
    emit(ctx, api.trigger_compute_pickle(pickle_id, model_id, validation))


@pickles.command("logs")
@click.argument("trigger_id")
@click.pass_context
def pickles_logs(ctx: click.Context, trigger_id: str) -> None:
    """The log lines of one Compute run (TRIGGER_ID, from `pickles --json`)."""
    emit(ctx, make_api(ctx, 8).trigger_logs(trigger_id))


@cli.command()
@click.option("--model-id", "--model_id", "model_id", help="Only this model's.")
@click.option("--type", "type_", help="Only this type (stake, release, payout...).")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="At most this many, newest first (0: all).",
)
@click.pass_context
def stake_history(
    ctx: click.Context, model_id: str | None, type_: str | None, limit: int
) -> None:
    """Your stake transactions: stakes, releases, payouts and burns."""
    from .._tables import Records

    api = make_api(ctx, 8)
    walk = api.iter_stake_transactions(model_id, type_, max_items=limit or None)
    emit(ctx, Records(walk))


@cli.command()
@click.argument("round_num", type=int)
@click.option(
    "--models/--no-models",
    "with_models",
    default=False,
    show_default=True,
    help="Also list every model's scores in the round.",
)
@tournament_option
@click.pass_context
def round_details(
    ctx: click.Context, round_num: int, with_models: bool, tournament: int
) -> None:
    """A round's schedule and totals (and with --models every model's scores)."""
    details = make_api(ctx, tournament).round_details(round_num)
    emit(ctx, details if with_models else details.model_copy(update={"models": None}))


@cli.command()
@click.pass_context
def nmr_price(ctx: click.Context) -> None:
    """The latest NMR price in US dollars."""
    price = make_api(ctx, 8).nmr_price()
    emit(ctx, price, scalar_text(price.price_usd))
