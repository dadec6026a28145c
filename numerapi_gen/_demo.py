"""``numerapi-gen demo``: the main workflow end to end, against a local fake.

It starts :class:`~numerapi_gen.testing.FakeNumerai` in-process and walks
through what a tournament pipeline does each round — current round, datasets,
a download, predictions built with pandas and uploaded, the submission seen
in the model's submissions, its scores, a stake change — printing the typed
results. Nothing leaves 127.0.0.1 and no keys are needed.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TextIO


def _section(out: TextIO, title: str) -> None:
    out.write(f"\n== {title}\n")


def run_demo(
    out: TextIO,
    *,
    show_progress: bool = True,
    workdir: Path | None = None,
    seed: int = 0,
) -> None:
    """Run the workflow, writing a readable account of it to ``out``."""
    import pandas as pd

    from ._api import NumerAPI
    from .testing import FakeNumerai

    with (
        FakeNumerai(seed=seed) as server,
        tempfile.TemporaryDirectory(prefix="numerapi-gen-demo-") as scratch,
        NumerAPI(
            server.public_id,
            server.secret_key,
            api_url=server.url,
            show_progress_bars=show_progress,
        ) as api,
    ):
        directory = workdir or Path(scratch)

        def say(line: str) -> None:
            out.write(line + "\n")

        username = server.world.account.username
        say(f"fake Numerai API at {server.url} (account {username})")

        _section(out, "round")
        current = api.get_current_round()
        say(f"get_current_round() -> {current!r}")
        say(f"check_round_open() -> {api.check_round_open()!r}")

        _section(out, "datasets")
        names = api.list_datasets()
        say(f"list_datasets() -> {len(names)} files, e.g. {names[:3]}")
        live = api.download_dataset(
            "v5.0/live.parquet", str(directory / "live.parquet")
        )
        size = Path(live).stat().st_size
        say(f"download_dataset('v5.0/live.parquet') -> {live} ({size:,} bytes)")

        _section(out, "predictions")
        frame = pd.read_parquet(live)
        feature = next(c for c in frame.columns if c.startswith("feature_"))
        predictions = pd.DataFrame(
            {
                "id": frame.index,
                "prediction": frame[feature].rank(pct=True).to_numpy(),
            }
        )
        say(f"{len(predictions)} predictions from {feature!r} ranked into [0, 1]")
        models = api.get_models()
        model_name, model_id = next(iter(models.items()))
        say(f"get_models() -> {len(models)} models; using {model_name!r}")
        submission_id = api.upload_predictions(
            "predictions.csv", model_id=model_id, df=predictions
        )
        say(f"upload_predictions(df=...) -> submission {submission_id}")
        listed = api.submission_ids(model_id)
        newest = next(s for s in listed if s.id == submission_id)
        say(
            f"submission_ids({model_name!r}) lists it: {newest.filename} "
            f"at {newest.inserted_at:%Y-%m-%d %H:%M} UTC"
        )

        _section(out, "scores")
        scores = api.submission_scores(model_id)
        table = scores.to_dataframe()
        say(f"submission_scores() -> {len(scores)} typed scores; latest rounds:")
        latest = table.sort_values("roundNumber", ascending=False).head(4)
        out.write(
            latest[["roundNumber", "displayName", "value", "percentile"]].to_string(
                index=False
            )
            + "\n"
        )

        _section(out, "stake")
        before = api.stake_get(model_name)
        change = api.stake_increase(Decimal("1.5"), model_id)
        after = api.stake_get(model_name)
        say(f"stake_get({model_name!r}) -> {before}")
        say(
            f"stake_increase(1.5) -> {change.type_} of {change.requested_amount} NMR, "
            f"status {change.status!r}"
        )
        say(f"stake_get({model_name!r}) -> {after}")
        say(f"\n{len(server.requests)} requests served; done.")
