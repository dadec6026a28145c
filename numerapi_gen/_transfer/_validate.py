"""Checking a submission's values in bounded memory, batch by batch.

A DataFrame is one batch; a CSV is read with pyarrow's streaming reader and a
parquet file by record batches, so a file of any size is checked with the
same rules as a frame while holding a few megabytes of it at a time. Ids are
kept only as 64-bit hashes (spilled to disk by hash range when there are
many); a hash seen twice is confirmed against the ids themselves in a second
pass, so a hash collision never rejects a valid file.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._rules import Layout, Rules

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: Hashes held in memory before they are spilled to disk (8 bytes each).
_HASHES_IN_MEMORY = 250_000
#: Hash ranges (files) a spill is split into; each is sorted on its own.
_SPILL_BUCKETS = 64
#: Rows per batch read from a parquet file; bytes per block read from a CSV.
PARQUET_BATCH_ROWS = 32 * 1024
CSV_BLOCK_BYTES = 512 * 1024


class SubmissionProblem(ValueError):
    """The submission breaks a rule; the message says which and where."""


@dataclass(frozen=True)
class Batch:
    """One slice of a submission: its ids, predictions and (optional) dates."""

    ids: pd.Series
    predictions: pd.Series
    dates: pd.Series | None


def _keys(batch: Batch) -> pd.DataFrame:
    """What must be unique: the id (as text, as numerai-tools compares) and date."""
    import pandas as pd

    keys = {"id": batch.ids.astype(str).reset_index(drop=True)}
    if batch.dates is not None:
        keys["date"] = batch.dates.astype(str).reset_index(drop=True)
    return pd.DataFrame(keys)


def _hashes(batch: Batch) -> np.ndarray:
    import numpy as np
    import pandas as pd

    hashed = pd.util.hash_pandas_object(_keys(batch), index=False)
    return np.asarray(hashed, dtype=np.uint64)


class _RepeatedHashes:
    """Finds hashes added more than once, in bounded memory."""

    def __init__(self) -> None:
        self._held: list[np.ndarray] = []
        self._held_count = 0
        self._directory: tempfile.TemporaryDirectory[str] | None = None

    def add(self, hashes: np.ndarray) -> None:
        self._held.append(hashes)
        self._held_count += len(hashes)
        if self._held_count > _HASHES_IN_MEMORY:
            self._spill()

    def _bucket_path(self, bucket: int) -> Path:
        assert self._directory is not None
        return Path(self._directory.name) / f"{bucket}.u64"

    def _spill(self) -> None:
        import numpy as np

        if self._directory is None:
            self._directory = tempfile.TemporaryDirectory(prefix="numerapi-gen-ids-")
        if not self._held:
            return
        held = np.concatenate(self._held)
        self._held, self._held_count = [], 0
        buckets = (held >> np.uint64(58)).astype(np.intp)  # the top 6 bits
        for bucket in range(_SPILL_BUCKETS):
            part = held[buckets == bucket]
            if len(part):
                with self._bucket_path(bucket).open("ab") as handle:
                    handle.write(part.tobytes())

    def repeated(self) -> set[int]:
        """The hashes seen more than once (then the spill files are removed)."""
        import numpy as np

        def repeats(values: np.ndarray) -> set[int]:
            ordered = np.sort(values)
            return set(ordered[1:][ordered[1:] == ordered[:-1]].tolist())

        if self._directory is None:
            held = np.concatenate(self._held) if self._held else np.empty(0, np.uint64)
            return repeats(held)
        self._spill()
        try:
            found: set[int] = set()
            for bucket in range(_SPILL_BUCKETS):
                path = self._bucket_path(bucket)
                if path.exists():
                    found |= repeats(np.fromfile(path, dtype=np.uint64))
            return found
        finally:
            self._directory.cleanup()


class SubmissionCheck:
    """Numerai's value rules over a submission fed batch by batch."""

    def __init__(self, rules: Rules, layout: Layout, what: str) -> None:
        self.rules = rules
        self.layout = layout
        self.what = what
        self.rows = 0
        self._missing_predictions = 0
        self._count = 0
        self._mean = 0.0
        self._m2 = 0.0
        self._min = math.inf
        self._max = -math.inf
        self._hashes = _RepeatedHashes()

    def fail(self, problem: str) -> SubmissionProblem:
        return SubmissionProblem(f"{self.what}: {problem}")

    def feed(self, batch: Batch) -> None:
        import numpy as np
        import pandas as pd

        id_column = self.layout.id_column
        missing_ids = int(batch.ids.isna().sum())
        if missing_ids:
            raise self.fail(f"{missing_ids} row(s) have no {id_column!r}")
        predictions = batch.predictions
        column = self.layout.prediction_column
        if not pd.api.types.is_numeric_dtype(predictions) or pd.api.types.is_bool_dtype(
            predictions
        ):
            raise self.fail(f"{column!r} must be numbers, not {predictions.dtype}")
        self.rows += len(predictions)
        present = predictions.dropna().to_numpy(dtype=np.float64)
        self._missing_predictions += len(predictions) - len(present)
        if len(present):
            self._merge(present)
        self._hashes.add(_hashes(batch))

    def _merge(self, values: np.ndarray) -> None:
        """Chan et al.'s parallel update of count, mean and squared deviations."""
        import numpy as np

        count = len(values)
        with np.errstate(invalid="ignore", over="ignore"):  # inf: the range check
            mean = float(values.mean())
            m2 = float(((values - mean) ** 2).sum())
        total = self._count + count
        delta = mean - self._mean
        self._mean += delta * count / total
        self._m2 += m2 + delta * delta * self._count * count / total
        self._count = total
        self._min = min(self._min, float(values.min()))
        self._max = max(self._max, float(values.max()))

    def finish(self, batches: Callable[[], Iterable[Batch]]) -> None:
        """The checks that need every row; ``batches`` re-reads for duplicates."""
        import numpy as np

        column = self.layout.prediction_column
        if self.rows < self.rules.min_rows:
            raise self.fail(
                f"{self.rows} row(s); a {self.rules.kind} upload needs at least "
                f"{self.rules.min_rows}"
            )
        if self._missing_predictions:
            raise self.fail(
                f"{column!r} has {self._missing_predictions} missing value(s) (NaN)"
            )
        low, high = self._min, self._max
        near_low, near_high = bool(np.isclose(low, 0)), bool(np.isclose(high, 1))
        if not (
            (low >= 0 and high <= 1)
            or (near_low and high <= 1)
            or (low >= 0 and near_high)
            or (near_low and near_high)
        ):
            raise self.fail(
                f"{column!r} values must be within [0, 1]; found {low!r} to {high!r}"
            )
        std = math.sqrt(self._m2 / (self._count - 1)) if self._count > 1 else math.nan
        if bool(np.isclose(0, std)):
            raise self.fail(f"{column!r} is constant (standard deviation 0)")
        repeated = self._hashes.repeated()
        if repeated:
            self._confirm_duplicates(repeated, batches())

    def _confirm_duplicates(self, repeated: set[int], batches: Iterable[Batch]) -> None:
        """Raise for the keys behind ``repeated`` hashes that really repeat."""
        import numpy as np
        import pandas as pd

        wanted = np.fromiter(repeated, dtype=np.uint64)
        suspects = [_keys(batch)[np.isin(_hashes(batch), wanted)] for batch in batches]
        keys = pd.concat(suspects, ignore_index=True)
        doubled = keys[keys.duplicated()]
        if not doubled.empty:
            key = "id and date" if _date_key(self.layout, self.rules) else "id"
            sample = ", ".join(" ".join(row) for row in doubled.astype(str).values[:3])
            raise self.fail(
                f"{len(doubled)} duplicate {self.layout.id_column!r} ({key}) "
                f"value(s), e.g. {sample}"
            )


def check_batches(
    rules: Rules, layout: Layout, what: str, batches: Callable[[], Iterator[Batch]]
) -> None:
    """Run every rule over ``batches()`` (called again to confirm duplicates)."""
    check = SubmissionCheck(rules, layout, what)
    for batch in batches():
        check.feed(batch)
    check.finish(batches)


def _date_key(layout: Layout, rules: Rules) -> str | None:
    """The date column that is part of the unique key, if any."""
    return layout.date_column if rules.unique_per_date else None


def frame_batch(df: pd.DataFrame, layout: Layout, rules: Rules) -> Batch:
    date = _date_key(layout, rules)
    dates = df[date] if date else None
    return Batch(df[layout.id_column], df[layout.prediction_column], dates)


def csv_batches(path: Path, layout: Layout, rules: Rules) -> Iterator[Batch]:
    """The CSV's rows in blocks, ids and dates as text, predictions as numbers."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    date = _date_key(layout, rules)
    text_columns = [layout.id_column] + ([date] if date else [])
    types: dict[str, Any] = dict.fromkeys(text_columns, pa.string())
    reader = pa_csv.open_csv(
        path,
        # One block at a time: threads would read ahead many blocks at once.
        read_options=pa_csv.ReadOptions(block_size=CSV_BLOCK_BYTES, use_threads=False),
        convert_options=pa_csv.ConvertOptions(
            column_types=types,
            include_columns=[*text_columns, layout.prediction_column],
            strings_can_be_null=True,
        ),
    )
    try:
        for record_batch in reader:
            yield _arrow_batch(record_batch, layout, date)
    finally:
        reader.close()


def parquet_batches(path: Path, layout: Layout, rules: Rules) -> Iterator[Batch]:
    """The parquet file's rows, record batch by record batch."""
    import pyarrow.parquet as pq

    date = _date_key(layout, rules)
    columns = [layout.id_column, layout.prediction_column] + ([date] if date else [])
    # Buffered reads, one column chunk page at a time, no read-ahead threads.
    with pq.ParquetFile(path, pre_buffer=False, buffer_size=CSV_BLOCK_BYTES) as parquet:
        for record_batch in parquet.iter_batches(
            batch_size=PARQUET_BATCH_ROWS, columns=columns, use_threads=False
        ):
            yield _arrow_batch(record_batch, layout, date)


def _arrow_batch(record_batch: Any, layout: Layout, date: str | None) -> Batch:
    def column(name: str) -> pd.Series:
        series: pd.Series = record_batch.column(name).to_pandas()
        return series

    dates = column(date) if date else None
    return Batch(column(layout.id_column), column(layout.prediction_column), dates)
