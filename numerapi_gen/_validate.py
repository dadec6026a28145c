"""Argument checks that run before any request.

Each returns the normalised value or raises :class:`NumeraiValidationError`
naming the argument, so a typo fails fast on the caller's line instead of as a
GraphQL error (or worse, a request to the wrong model) after a round trip.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable
from decimal import Decimal
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


#: The notation an NMR amount string may use: digits, optionally a point and
#: more digits, optionally signed. No grouping, exponent or inner whitespace,
#: so "0,05" can never be read as 5 or "1e3" as 1000.
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)
#: NMR has 18 decimals; a finer amount cannot be sent without rounding it.
NMR_DECIMAL_PLACES = 18


def _amount_error(argument: str, value: object, problem: str) -> NumeraiValidationError:
    return NumeraiValidationError(
        f"{argument} must be {problem}, got {value!r}", argument=argument
    )


def _amount_from(value: object, argument: str) -> Decimal:
    """The exact Decimal a user-given amount denotes, or a validation error."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise NumeraiValidationError(
            f"{argument} must be a number of NMR (Decimal, int, float or a string "
            f"like '0.05'), got {type(value).__name__} {value!r}",
            argument=argument,
        )
    if isinstance(value, str):
        text = value.strip()
        if not _PLAIN_DECIMAL.fullmatch(text):
            hint = (
                " (write the decimal separator as a point, without thousands "
                "separators, e.g. '0.05')"
                if "," in text
                else " (plain decimal notation, e.g. '0.05' or '12')"
            )
            raise _amount_error(argument, value, "a plain decimal number" + hint)
        return Decimal(text)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float.
        return Decimal(repr(value))
    return Decimal(value)


def nmr_amount(
    value: object, argument: str = "nmr", *, allow_zero: bool = False
) -> Decimal:
    """An NMR amount exactly as the user wrote it, never reinterpreted.

    Accepted: a finite ``Decimal``, an ``int``, a finite ``float`` (read
    through its shortest repr, so ``0.1`` is ``0.1``) or a string in plain
    decimal notation (``"0.05"``, ``"12"``). Everything else, more than 18
    decimal places, and amounts below the operation's minimum are refused.
    """
    amount = _amount_from(value, argument)
    if not amount.is_finite():
        raise _amount_error(argument, value, "a finite number of NMR")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -NMR_DECIMAL_PLACES:
        raise _amount_error(
            argument, value, f"at most {NMR_DECIMAL_PLACES} decimal places"
        )
    if amount < 0 or (amount == 0 and not allow_zero):
        bound = "zero or more NMR" if allow_zero else "more than zero NMR"
        raise _amount_error(argument, value, bound)
    return amount


def amount_text(amount: Decimal) -> str:
    """An amount as the API takes it: plain notation, no exponent."""
    return format(amount, "f")


#: The tournaments the API serves, by the number every call takes.
TOURNAMENTS = {8: "Classic", 11: "Signals", 12: "Crypto"}


def tournament(value: object, argument: str = "tournament") -> int:
    """A tournament number: an int naming a known tournament (not "8", 8.0, True)."""
    listed = ", ".join(f"{n} ({name})" for n, name in TOURNAMENTS.items())
    if isinstance(value, bool) or not isinstance(value, int):
        raise NumeraiValidationError(
            f"{argument} must be an int, one of {listed}; got "
            f"{type(value).__name__} {value!r}",
            argument=argument,
        )
    if value not in TOURNAMENTS:
        raise NumeraiValidationError(
            f"{argument} must be one of {listed}; got {value!r}", argument=argument
        )
    return value


def optional_tournament(value: object, argument: str = "tournament") -> int | None:
    return None if value is None else tournament(value, argument)


#: A dataset file as the API names it: ``v5.0/train.parquet`` (a version
#: folder and a file name; no absolute paths, ``..`` or backslashes).
_DATASET_FILENAME = re.compile(
    r"(?:[A-Za-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9]+",
    re.ASCII,
)


def dataset_filename(value: object, argument: str = "filename") -> str:
    """A dataset file name the API can serve, e.g. ``v5.0/train.parquet``."""
    text = non_empty(value, argument)
    if not _DATASET_FILENAME.fullmatch(text) or ".." in text.split("/"):
        raise NumeraiValidationError(
            f"{argument} must be a dataset name like 'v5.0/train.parquet' (see "
            f"list_datasets()), got {value!r}",
            argument=argument,
        )
    return text


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


def optional_positive_int(
    value: object, argument: str, *, allow_zero: bool = False
) -> int | None:
    return (
        None if value is None else positive_int(value, argument, allow_zero=allow_zero)
    )


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


#: Only the extended form: ``fromisoformat`` also reads ``20261128``.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def iso_date(value: object, argument: str = "date") -> str:
    """A ``YYYY-MM-DD`` string from a date, datetime or string."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise NumeraiValidationError(
        f"{argument} must be a date or 'YYYY-MM-DD', got {value!r}", argument=argument
    )
