"""to_dataframe(): one rule for columns and types, empty results included."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from pydantic import BaseModel

from numerapi_gen import NumerAPI
from numerapi_gen.testing import FakeNumerai


def _aliases(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def test_frames_follow_one_rule_and_empty_results_keep_it(
    fake_numerai: FakeNumerai,
) -> None:
    scored = fake_numerai.world.own_models(8)[0]
    fresh = fake_numerai.world.add_model("no_scores_yet")
    with NumerAPI(
        fake_numerai.public_id, fake_numerai.secret_key, api_url=fake_numerai.url
    ) as api:
        scores = api.submission_scores(scored.id)
        none_yet = api.submission_scores(fresh.id)
        wallet = api.wallet_transactions()
    assert scores and none_yet == []
    full, empty = scores.to_dataframe(), none_yet.to_dataframe()
    # the model's columns, in its order, named as numerapi's keys
    assert list(full.columns) == _aliases(type(scores[0])) == list(empty.columns)
    assert full.dtypes.to_dict() == empty.dtypes.to_dict()
    assert str(full["roundResolveTime"].dtype) == "datetime64[us, UTC]"
    assert full["roundNumber"].dtype == "Int64"
    assert full["resolved"].dtype == "boolean"
    assert full["displayName"].dtype == "string"
    assert full["value"].dtype == "float64"
    # what numerapi users do with a model that has no scores yet
    assert empty.sort_values("roundNumber").empty
    assert pd.concat([empty, full]).dtypes.to_dict() == full.dtypes.to_dict()

    # amounts: float64 by default, the exact Decimal on request
    amounts = [t.amount for t in wallet]
    assert amounts and all(isinstance(a, Decimal) for a in amounts)
    assert wallet.to_dataframe()["amount"].dtype == "float64"
    assert wallet.to_dataframe()["amount"].tolist() == [float(a) for a in amounts]
    exact = wallet.to_dataframe(decimals="object")["amount"].tolist()
    assert exact == amounts and all(isinstance(a, Decimal) for a in exact)
    # snake_case names by option, the same for an empty result
    snake = scores.to_dataframe(by_alias=False)
    assert list(snake.columns) == list(type(scores[0]).model_fields)
    assert list(none_yet.to_dataframe(by_alias=False).columns) == list(snake.columns)
