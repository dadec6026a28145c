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
