"""Typed usage that ``mypy --strict`` must accept (checked by test_typing.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import assert_type

import pandas as pd
from numerai_graphql import GetAccountAccount

from numerapi_gen import AsyncNumerAPI, NumeraiError, NumerAPI, Records, SignalsAPI


def classic(api: NumerAPI) -> Decimal:
    account = api.get_account()
    assert_type(account, GetAccountAccount)
    balance = (account.available_nmr or Decimal(0)) + Decimal(1)
    assert_type(api.get_current_round(), int | None)
    assert_type(api.check_round_open(), bool)
    assert_type(api.get_models(), dict[str, str])
    assert_type(api.stake_get("model"), Decimal | None)
    assert_type(api.list_datasets(), list[str])
    board = api.get_leaderboard(limit=10)
    assert isinstance(board, Records)
    frame: pd.DataFrame = board.to_dataframe()
    first_open: datetime.datetime | None = api.list_rounds(status="open")[0].open_time
    del frame, first_open
    return balance


def beyond_numerapi(api: NumerAPI) -> Decimal:
    """The participant methods numerapi lacks are typed too."""
    price = api.nmr_price().price_usd
    assert_type(price, Decimal | None)
    names = [entry.username for entry in api.iter_leaderboard(max_items=10)]
    assert_type(names, list[str | None])
    model = api.add_model("new_model")
    assert_type(model.archived, bool | None)
    sent: Decimal = api.increase_stake(model.id or "", "1.5").sent_amount
    labels = [p.label for p in api.compute_pickles(model_id=model.id)]
    del names, labels
    return (price or Decimal(0)) * sent


def signals(api: SignalsAPI) -> list[str]:
    return api.ticker_universe()


async def asynchronous(api: AsyncNumerAPI) -> int | None:
    try:
        account = await api.get_account()
    except NumeraiError:
        return None
    assert_type(account, GetAccountAccount)
    async for entry in api.iter_stake_transactions(max_items=5):
        assert_type(entry.amount, Decimal | None)
    return await api.get_current_round()
