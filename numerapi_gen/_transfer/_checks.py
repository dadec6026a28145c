"""Upload validation: catch a bad predictions file before anything is sent.

numerapi uploaded whatever it was given and let Numerai reject it minutes
later (after the upload-auth query, the PUT and the create mutation). These
checks are local and cheap: for a file only its header or parquet schema is
read, never the data; a DataFrame is checked fully because it is in memory
anyway and is about to be written.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .._errors import NumeraiValidationError
from ._files import atomic_output

if TYPE_CHECKING:
    import pandas as pd

UploadKind = Literal["classic", "signals", "crypto", "diagnostics", "model"]
FrameKind = Literal["classic", "signals", "crypto", "diagnostics"]

#: What Numerai accepts per kind of upload.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "classic": (".csv", ".parquet"),
    "signals": (".csv", ".parquet"),
    "crypto": (".csv", ".parquet"),
    "diagnostics": (".csv", ".parquet"),
    "model": (".pkl", ".pickle"),
}
#: Ticker columns Numerai Signals understands, in its order of preference.
SIGNALS_TICKER_COLUMNS = (
    "numerai_ticker",
    "bloomberg_ticker",
    "ticker",
    "cusip",
    "sedol",
)
CRYPTO_TICKER_COLUMNS = ("symbol",)
SIGNAL_COLUMNS = ("signal", "prediction")
_HEADER_LIMIT = 1024 * 1024


def _fail(message: str, argument: str) -> NumeraiValidationError:
    return NumeraiValidationError(message, argument=argument)


def _extension(path: Path) -> str:
    return path.suffix.lower()


def check_upload_file(path: str | os.PathLike[str], *, kind: UploadKind) -> Path:
    """Check a file before upload; return it as a ``Path``.

    It must be a readable, non-empty regular file with an extension Numerai
    accepts for ``kind``; a CSV's header line or a parquet schema must have
    the required columns (classic/diagnostics: ``id`` and ``prediction``;
    signals: a ticker column and ``signal`` or ``prediction``).
    """
    file_path = Path(path)
    try:
        info = file_path.stat()
    except FileNotFoundError:
        raise _fail(f"{file_path} does not exist", "file_path") from None
    except OSError as exc:
        raise _fail(
            f"cannot access {file_path}: {exc.strerror or exc}", "file_path"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise _fail(f"{file_path} is not a regular file", "file_path")
    if not os.access(file_path, os.R_OK):
        raise _fail(f"{file_path} is not readable", "file_path")
    if info.st_size == 0:
        raise _fail(f"{file_path} is empty", "file_path")
    allowed = EXTENSIONS[kind]
    extension = _extension(file_path)
    if extension not in allowed:
        raise _fail(
            f"{file_path.name}: a {kind} upload must be a {' or '.join(allowed)} file, "
            f"not {extension or 'a file without extension'}",
            "file_path",
        )
    if kind == "model":
        return file_path
    columns = (
        _csv_header(file_path) if extension == ".csv" else _parquet_columns(file_path)
    )
    _check_columns(columns, kind, f"{file_path.name}", "file_path")
    return file_path


def _csv_header(path: Path) -> list[str]:
    """The first line's fields; the rest of the file is not read."""
    try:
        with path.open("rb") as handle:
            raw = handle.readline(_HEADER_LIMIT)
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror or exc}", "file_path") from None
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(f"{path.name}: the header is not UTF-8 text", "file_path") from None
    if not line.strip():
        raise _fail(f"{path.name} has no header line", "file_path")
    return next(csv.reader(io.StringIO(line)), [])


def _parquet_columns(path: Path) -> list[str]:
    """Column names from the parquet footer (no row data is read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise _fail(
            f"{path.name} is not a readable parquet file: {exc}", "file_path"
        ) from None
    return list(schema.names)


def _required(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(key column choices, prediction column choices) for an upload kind."""
    if kind == "signals":
        return SIGNALS_TICKER_COLUMNS, SIGNAL_COLUMNS
    if kind == "crypto":
        return CRYPTO_TICKER_COLUMNS, SIGNAL_COLUMNS
    return ("id",), ("prediction",)


def _check_columns(
    columns: Sequence[str], kind: str, what: str, argument: str
) -> tuple[str, str]:
    """The key and prediction columns to use; raises if either is missing."""
    names = [str(c).strip() for c in columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise _fail(f"{what}: duplicate column(s) {', '.join(duplicated)}", argument)
    keys, predictions = _required(kind)
    key = next((k for k in keys if k in names), None)
    value = next((p for p in predictions if p in names), None)
    missing = []
    if key is None:
        missing.append(" or ".join(repr(k) for k in keys))
    if value is None:
        missing.append(" or ".join(repr(p) for p in predictions))
    if missing:
        raise _fail(
            f"{what}: missing required column {' and '.join(missing)} for a {kind} "
            f"upload (found: {', '.join(names) or 'none'})",
            argument,
        )
    assert key is not None and value is not None
    return key, value


def validate_frame(df: pd.DataFrame, *, kind: FrameKind) -> pd.DataFrame:
    """The frame to write, with a key index moved into a column; raises if bad.

    Checks: required columns, no missing keys or predictions, numeric
    predictions within [0, 1], no duplicate keys. The caller's frame is not
    modified.
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise _fail(f"expected a pandas DataFrame, got {type(df).__name__}", "df")
    keys, _ = _required(kind)
    if not any(k in df.columns for k in keys) and df.index.name in keys:
        df = df.reset_index()
    key, value = _check_columns([str(c) for c in df.columns], kind, "predictions", "df")
    if df.empty:
        raise _fail("predictions: the DataFrame has no rows", "df")
    if df[key].isna().any():
        raise _fail(f"predictions: {key!r} has missing values", "df")
    duplicated = df[key][df[key].duplicated()]
    if not duplicated.empty:
        sample = ", ".join(map(str, duplicated.unique()[:3]))
        raise _fail(
            f"predictions: {len(duplicated)} duplicate {key!r} value(s), e.g. {sample}",
            "df",
        )
    column = df[value]
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        raise _fail(f"predictions: {value!r} must be numeric, not {column.dtype}", "df")
    missing = int(column.isna().sum())
    if missing:
        raise _fail(
            f"predictions: {value!r} has {missing} missing value(s) (NaN)", "df"
        )
    outside = column[(column < 0) | (column > 1)]
    if not outside.empty:
        raise _fail(
            f"predictions: {len(outside)} {value!r} value(s) outside [0, 1], "
            f"e.g. {outside.iloc[0]!r}",
            "df",
        )
    return df


def write_upload_frame(
    df: pd.DataFrame, directory: Path, *, kind: FrameKind, filename: str
) -> Path:
    """Validate ``df`` and write it to ``directory/filename`` atomically.

    CSV (without the index) or parquet, chosen by the file name's extension.
    """
    target = Path(directory) / filename
    extension = _extension(target)
    if extension not in (".csv", ".parquet"):
        raise _fail(
            f"{filename}: predictions are written as .csv or .parquet", "filename"
        )
    frame = validate_frame(df, kind=kind)
    with atomic_output(target) as temporary:
        if extension == ".csv":
            frame.to_csv(temporary, index=False)
        else:
            frame.to_parquet(temporary, index=False)
    return target
