"""Argument checks that run before any request.

Each returns the normalised value or raises :class:`NumeraiValidationError`
naming the argument, so a typo fails fast on the caller's line instead of as a
GraphQL error (or worse, a request to the wrong model) after a round trip.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from ._errors import NumeraiValidationError

E = TypeVar("E")


def uuid_string(value: object, argument: str, *, hint: str = "") -> str:
    """A UUID (submission, diagnostics, model id...) as its canonical string."""
    if not isinstance(value, (str, uuid.UUID)):
        raise NumeraiValidationError(
            f"{argument} must be a UUID string, got {type(value).__name__}",
            argument=argument,
        )
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise NumeraiValidationError(
            f"{argument} must be a UUID, got {value!r}{hint}", argument=argument
        ) from None


def model_id(value: object, argument: str = "model_id") -> str:
    """A model id must be a UUID string."""
    return uuid_string(
        value,
        argument,
        hint=" (is it a model name? use get_models() to look up ids)",
    )


def optional_model_id(value: object, argument: str = "model_id") -> str | None:
    return None if value is None else model_id(value, argument)


def nmr_amount(
    value: object, argument: str = "nmr", *, allow_zero: bool = False
) -> Decimal:
    """A finite, non-negative NMR amount from a Decimal, int, float or string."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise NumeraiValidationError(
            f"{argument} must be a number of NMR, got {type(value).__name__}",
            argument=argument,
        )
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise NumeraiValidationError(
            f"{argument} must be a number of NMR, got {value!r}", argument=argument
        ) from None
    if not amount.is_finite():
        raise NumeraiValidationError(
            f"{argument} must be finite, got {value!r}", argument=argument
        )
    if amount < 0 or (amount == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "more than zero"
        raise NumeraiValidationError(
            f"{argument} must be {bound} NMR, got {value!r}", argument=argument
        )
    return amount


def non_empty(value: object, argument: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise NumeraiValidationError(
            f"{argument} must be a non-empty string, got {value!r}", argument=argument
        )
    return value


def positive_int(value: object, argument: str, *, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NumeraiValidationError(
            f"{argument} must be an integer, got {value!r}", argument=argument
        )
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise NumeraiValidationError(
            f"{argument} must be {bound}, got {value}", argument=argument
        )
    return value


def optional_positive_int(value: object, argument: str) -> int | None:
    return None if value is None else positive_int(value, argument)


def one_of(value: E, choices: Iterable[E], argument: str) -> E:
    options = list(choices)
    if value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise NumeraiValidationError(
            f"{argument} must be one of {listed}; got {value!r}", argument=argument
        )
    return value


def exactly_one(argument_values: dict[str, object]) -> str:
    """Name of the single argument given (not None) among mutually exclusive ones."""
    given = [name for name, value in argument_values.items() if value is not None]
    if len(given) != 1:
        names = " or ".join(argument_values)
        problem = "both" if len(given) > 1 else "neither"
        raise NumeraiValidationError(
            f"pass exactly one of {names} ({problem} given)",
            argument=", ".join(argument_values),
        )
    return given[0]


def iso_date(value: object, argument: str = "date") -> str:
    """A ``YYYY-MM-DD`` string from a date, datetime or string."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise NumeraiValidationError(
        f"{argument} must be a date or 'YYYY-MM-DD', got {value!r}", argument=argument
    )
