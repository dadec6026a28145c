"""to_dataframe(): one rule for columns and types, empty results included."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from numerai_graphql import (
    GetSubmissionScoresSubmissionScores,
    GetWalletTransactionsAccountWalletTxns,
)

from numerapi_gen import NumerAPI, Records
from numerapi_gen.testing import FakeNumerai

SCORE = {
    "roundId": "r1",
    "submissionId": "s1",
    "roundNumber": 900,
    "roundResolveTime": "2026-11-27T13:00:00Z",
    "roundScoreTime": "2026-11-20T13:00:00Z",
    "roundCloseStakingTime": "2026-11-01T13:00:00Z",
    "value": 0.0123,
    "percentile": 0.7,
    "displayName": "v5_corr",
    "version": "1",
    "date": "2026-11-20T00:00:00Z",
    "day": 5,
    "resolveDate": "2026-11-27T00:00:00Z",
    "resolved": True,
}
TXN = {
    "amount": "1,234.500000000000000000",
    "from": "0x1",
    "status": "confirmed",
    "to": "0x2",
    "time": "2026-11-20T10:00:00Z",
    "tournament": 8,
    "txHash": "0xabc",
    "type": "payout",
}


def test_an_empty_result_has_the_columns_and_types_of_a_full_one() -> None:
    model = GetSubmissionScoresSubmissionScores
    full = Records([model.model_validate(SCORE)], model).to_dataframe()
    empty = Records[GetSubmissionScoresSubmissionScores]([], model).to_dataframe()
    assert list(full.columns) == list(SCORE) == list(empty.columns)
    assert full.dtypes.to_dict() == empty.dtypes.to_dict()
    assert empty.empty
    assert str(full["roundResolveTime"].dtype) == "datetime64[us, UTC]"
    assert full["roundNumber"].dtype == "Int64"
    assert full["resolved"].dtype == "boolean"
    assert full["displayName"].dtype == "string"
    assert full["value"].dtype == "float64"
    # what numerapi users do with a model that has no scores yet
    assert empty.sort_values("roundNumber").empty
    both = pd.concat([empty, full])
    assert both.dtypes.to_dict() == full.dtypes.to_dict()


def test_column_names_and_amounts_by_choice() -> None:
    model = GetWalletTransactionsAccountWalletTxns
    records = Records([model.model_validate(TXN)], model)
    default = records.to_dataframe()
    assert sorted(default.columns) == sorted(TXN)
    assert list(default.columns) == [
        info.alias or name for name, info in model.model_fields.items()
    ]
    assert default["amount"].dtype == "float64"
    assert default["amount"].iloc[0] == 1234.5
    exact = records.to_dataframe(decimals="object")
    assert exact["amount"].iloc[0] == Decimal("1234.500000000000000000")
    assert isinstance(exact["amount"].iloc[0], Decimal)
    snake = records.to_dataframe(by_alias=False)
    assert list(snake.columns) == list(model.model_fields)
    assert "tx_hash" in snake.columns and "from_" in snake.columns
    empty = Records[GetWalletTransactionsAccountWalletTxns]([], model)
    assert list(empty.to_dataframe(by_alias=False).columns) == list(snake.columns)
    assert empty.to_dataframe(decimals="object")["amount"].dtype == object


def test_methods_give_empty_results_their_model(fake_numerai: FakeNumerai) -> None:
    fresh = fake_numerai.world.add_model("no_scores_yet")
    with NumerAPI(
        fake_numerai.public_id, fake_numerai.secret_key, api_url=fake_numerai.url
    ) as api:
        scores = api.submission_scores(fresh.id)
    assert scores == []
    frame = scores.to_dataframe()
    assert list(frame.columns) == list(SCORE)
    assert frame.sort_values("roundNumber").empty
