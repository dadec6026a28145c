"""Typed usage that ``mypy --strict`` must reject: results are not ``Any``."""

from __future__ import annotations

from decimal import Decimal

from numerapi_gen import AsyncNumerAPI, NumerAPI


def wrong(api: NumerAPI, aapi: AsyncNumerAPI) -> None:
    api.get_current_round() + 1  # None is possible
    api.get_account().available_nmr + Decimal(1)  # None is possible
    api.get_models()["name"].upper(1)  # str.upper takes no argument
    aapi.get_current_round() + 1  # a coroutine, not an int
    api.list_rounds(status="opne")  # not a round status
    api.increase_stake("model-id")  # the amount has no default
    api.v3_change_payout_selection("model-id")  # nor has take_profit
    api.nmr_price().price_usd + 1.5  # None is possible
    for _entry in aapi.iter_leaderboard():  # an async iterator needs async for
        pass
