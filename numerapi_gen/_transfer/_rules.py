"""Numerai's submission rules, per tournament and kind of upload.

numerai-tools (``numerai_tools.submissions``) is the reference: the accepted
id/ticker and prediction column names, exactly two columns in that order
(Signals may add a date column and the deprecated ``data_type``), no missing
ids or predictions, no duplicate ids, predictions within [0, 1] (with its
tolerance at the ends) and not constant, and a minimum number of rows.

The checks here cannot know the live universe, so they judge a submission as
numerai-tools does when every submitted id is live: Classic needs at least one
row, Signals and Crypto at least 100 tickers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

#: What kind of predictions a frame or file holds; decides the rules.
FrameKind = Literal[
    "classic",
    "signals",
    "crypto",
    "classic-diagnostics",
    "signals-diagnostics",
    "crypto-diagnostics",
]
#: What is uploaded; decides the accepted extensions (and rules).
UploadKind = Literal[FrameKind, "model"]

CLASSIC_ID_COLUMNS = ("id",)
CLASSIC_PREDICTION_COLUMNS = ("prediction", "probability")
SIGNALS_ID_COLUMNS = (
    "ticker",
    "sedol",
    "bloomberg_ticker",
    "composite_figi",
    "numerai_ticker",
)
SIGNALS_PREDICTION_COLUMNS = ("prediction", "signal")
SIGNALS_DATE_COLUMNS = ("friday_date", "date")
#: Accepted in Signals files and ignored (numerai-tools warns it is deprecated).
SIGNALS_IGNORED_COLUMNS = ("data_type",)
CRYPTO_ID_COLUMNS = ("symbol",)
CRYPTO_PREDICTION_COLUMNS = ("prediction", "signal")
SIGNALS_MIN_ROWS = 100
CRYPTO_MIN_ROWS = 100


@dataclass(frozen=True)
class Rules:
    """What one kind of prediction upload must look like."""

    kind: str
    id_columns: tuple[str, ...]
    prediction_columns: tuple[str, ...]
    min_rows: int
    date_columns: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    #: Ids repeat across dates (diagnostics); unique per id and date then.
    unique_per_date: bool = False


_CLASSIC = Rules("classic", CLASSIC_ID_COLUMNS, CLASSIC_PREDICTION_COLUMNS, 1)
_SIGNALS = Rules(
    "signals",
    SIGNALS_ID_COLUMNS,
    SIGNALS_PREDICTION_COLUMNS,
    SIGNALS_MIN_ROWS,
    date_columns=SIGNALS_DATE_COLUMNS,
    ignored_columns=SIGNALS_IGNORED_COLUMNS,
)
_CRYPTO = Rules("crypto", CRYPTO_ID_COLUMNS, CRYPTO_PREDICTION_COLUMNS, CRYPTO_MIN_ROWS)

RULES: dict[str, Rules] = {
    "classic": _CLASSIC,
    "signals": _SIGNALS,
    "crypto": _CRYPTO,
    # Diagnostics score validation predictions: Classic's by id; Signals' and
    # Crypto's by ticker, and by ticker and date when a date column is given
    # (validation data spans many dates).
    "classic-diagnostics": Rules(
        "classic diagnostics", CLASSIC_ID_COLUMNS, CLASSIC_PREDICTION_COLUMNS, 1
    ),
    "signals-diagnostics": Rules(
        "signals diagnostics",
        SIGNALS_ID_COLUMNS,
        SIGNALS_PREDICTION_COLUMNS,
        SIGNALS_MIN_ROWS,
        date_columns=SIGNALS_DATE_COLUMNS,
        ignored_columns=SIGNALS_IGNORED_COLUMNS,
        unique_per_date=True,
    ),
    "crypto-diagnostics": Rules(
        "crypto diagnostics",
        CRYPTO_ID_COLUMNS,
        CRYPTO_PREDICTION_COLUMNS,
        CRYPTO_MIN_ROWS,
        date_columns=("date",),
        unique_per_date=True,
    ),
}


def upload_kind(tournament: int, *, diagnostics: bool = False) -> FrameKind:
    """The kind of prediction upload a tournament takes."""
    base = {11: "signals", 12: "crypto"}.get(tournament, "classic")
    kind = f"{base}-diagnostics" if diagnostics else base
    return kind  # type: ignore[return-value]


@dataclass(frozen=True)
class Layout:
    """Which columns of an upload hold the ids, the predictions and the date."""

    id_column: str
    prediction_column: str
    date_column: str | None


class LayoutError(ValueError):
    """The columns do not follow the rules; the message says how."""


def layout(columns: Sequence[str], rules: Rules) -> Layout:
    """The roles of ``columns`` under ``rules`` (numerai-tools' header check)."""
    names = [str(c) for c in columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise LayoutError(f"duplicate column(s) {', '.join(duplicated)}")
    remaining = [n for n in names if n not in rules.ignored_columns]
    date = next((n for n in remaining if n in rules.date_columns), None)
    if date is not None:
        remaining.remove(date)
    if (
        len(remaining) != 2
        or remaining[0] not in rules.id_columns
        or remaining[1] not in rules.prediction_columns
    ):
        extra = (
            f", plus optionally {' or '.join(rules.date_columns)}"
            if rules.date_columns
            else ""
        )
        raise LayoutError(
            f"a {rules.kind} upload has exactly two columns, in this order: one of "
            f"{', '.join(rules.id_columns)} and then one of "
            f"{', '.join(rules.prediction_columns)}{extra}; "
            f"found: {', '.join(names) or 'none'}"
        )
    return Layout(remaining[0], remaining[1], date)
