"""Upload validation: catch a bad predictions file before anything is sent.

numerapi uploaded whatever it was given and let Numerai reject it minutes
later (after the upload-auth query, the PUT and the create mutation). The
rules are Numerai's own (see :mod:`._rules`, after numerai-tools), for files
and DataFrames alike; a file is checked in full but streamed (see
:mod:`._validate`), never loaded into memory.
"""

from __future__ import annotations

import csv
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .._errors import NumeraiValidationError
from ._files import atomic_output
from ._rules import RULES, FrameKind, Layout, LayoutError, Rules, UploadKind, layout

if TYPE_CHECKING:
    import pandas as pd

#: What Numerai accepts per kind of upload.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(RULES, (".csv", ".parquet")),
    "model": (".pkl", ".pickle"),
}
_HEADER_LIMIT = 1024 * 1024
_LINE_END = re.compile(rb"\r\n|\n|\r")
#: Columns pandas adds to a parquet file for an unnamed index.
_PANDAS_INDEX = re.compile(r"__index_level_\d+__")


def _fail(message: str, argument: str) -> NumeraiValidationError:
    return NumeraiValidationError(message, argument=argument)


def _extension(path: Path) -> str:
    return path.suffix.lower()


def check_upload_file(path: str | os.PathLike[str], *, kind: UploadKind) -> Path:
    """Check a file before upload; return it as a ``Path``.

    It must be a readable, non-empty regular file with an extension Numerai
    accepts for ``kind``; its columns (a CSV's header line, a parquet
    schema) and then every row must follow Numerai's rules for ``kind`` (see
    :mod:`._rules`). Rows are streamed in blocks, without pandas.
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
    rules = RULES[kind]
    header = _csv_header(file_path) if extension == ".csv" else None
    columns = header[0] if header is not None else _parquet_columns(file_path)
    found = _layout(columns, rules, file_path.name, "file_path")
    _check_file(rules, found, file_path, header)
    return file_path


def _check_file(
    rules: Rules, found: Layout, path: Path, csv_header: tuple[list[str], int] | None
) -> None:
    """Every row of the file, streamed; pandas is never imported, and pyarrow
    only for a parquet file or a CSV block that is not plain."""
    from . import _validate

    def batches() -> Iterator[_validate.Batch]:
        if csv_header is None:
            return _validate.parquet_batches(path, found, rules)
        return _validate.csv_batches(path, *csv_header, found, rules)

    try:
        _validate.check_batches(rules, found, path.name, batches)
    except _validate.SubmissionProblem as exc:
        raise _fail(str(exc), "file_path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(
            f"{path.name} cannot be read as a {rules.kind} upload: {exc}", "file_path"
        ) from None


def _layout(columns: list[str], rules: Rules, what: str, argument: str) -> Layout:
    try:
        return layout(columns, rules)
    except LayoutError as exc:
        raise _fail(f"{what}: {exc}", argument) from None


def _csv_header(path: Path) -> tuple[list[str], int]:
    """The first line's fields, and where the rows begin (after its line end:
    LF, CRLF or CR, as pyarrow reads them)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_HEADER_LIMIT)
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror or exc}", "file_path") from None
    end = _LINE_END.search(raw)
    first = raw[: end.start()] if end else raw
    try:
        line = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(f"{path.name}: the header is not UTF-8 text", "file_path") from None
    if not line.strip():
        raise _fail(f"{path.name} has no header line", "file_path")
    try:
        names = next(csv.reader([line]), [])
    except csv.Error as exc:
        raise _fail(
            f"{path.name}: the header cannot be read: {exc}", "file_path"
        ) from None
    return names, end.end() if end else len(raw)


def _parquet_columns(path: Path) -> list[str]:
    """Column names from the parquet footer, a pandas index first."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise _fail(
            f"{path.name} is not a readable parquet file: {exc}", "file_path"
        ) from None
    # A frame written with its ``id`` index keeps it as a column, last; it
    # counts as the first column, as it would after ``reset_index()``.
    metadata = schema.pandas_metadata or {}
    index = [n for n in metadata.get("index_columns", []) if isinstance(n, str)]
    names = [n for n in schema.names if n not in index]
    return [n for n in index + names if not _PANDAS_INDEX.fullmatch(n)]


def validate_frame(df: pd.DataFrame, *, kind: FrameKind) -> pd.DataFrame:
    """The frame to write, with an id index moved into a column; raises if bad.

    The caller's frame is not modified.
    """
    import pandas as pd

    from . import _validate

    if not isinstance(df, pd.DataFrame):
        raise _fail(f"expected a pandas DataFrame, got {type(df).__name__}", "df")
    rules = RULES[kind]
    if df.index.name in rules.id_columns and df.index.name not in df.columns:
        df = df.reset_index()
    found = _layout([str(c) for c in df.columns], rules, "predictions", "df")
    try:
        _validate.check_batches(
            rules,
            found,
            "predictions",
            lambda: _validate.frame_batches(df, found, rules),
        )
    except _validate.SubmissionProblem as exc:
        raise _fail(str(exc), "df") from None
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
