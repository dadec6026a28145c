"""Checking a submission's values in bounded memory, batch by batch.

A CSV is read with pyarrow's streaming reader, a parquet file by record
batches and a DataFrame in slices, so a file of any size is checked with the
same rules as a frame while holding a few megabytes of it at a time. Every
source is reduced to the same numpy-level batch (ids and dates as arrow-style
string buffers, predictions as float64 with NaN for missing), and one
:class:`SubmissionCheck` applies the rules to it. Files never go through
pandas: importing it alone would cost more memory than a whole upload may use.

Ids are kept only as 64-bit hashes (spilled to disk by hash range when there
are many); a hash seen twice is confirmed against the ids themselves in a
second pass, so a hash collision never rejects a valid file.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from ._rules import Layout, Rules

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Hashes held in memory before they are spilled to disk (8 bytes each).
_HASHES_IN_MEMORY = 512 * 1024
#: Hash ranges (files) a spill is split into by the top bits; each is sorted
#: on its own, so a range of a 1 GiB file's hashes is a few megabytes.
_SPILL_BITS = 6
#: Rows per batch of a parquet file or a DataFrame.
BATCH_ROWS = 16 * 1024
#: Bytes of CSV parsed at once (whole lines); a longer line is refused.
CSV_BLOCK_BYTES = 256 * 1024
_LONGEST_LINE = 1024 * 1024
#: Bytes per buffered parquet read.
PARQUET_BUFFER_BYTES = 512 * 1024

# splitmix64's constants: a cheap 64-bit mix with good avalanche.
_GOLDEN_INT = 0x9E3779B97F4A7C15
_GOLDEN = np.uint64(_GOLDEN_INT)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_NULL_HASH = np.uint64(0x6A09E667F3BCC908)
#: The low ``n`` bytes of a little-endian word, for n = 0..8.
_BYTE_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)


class SubmissionProblem(ValueError):
    """The submission breaks a rule; the message says which and where."""


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, element-wise (uint64 arithmetic wraps)."""
    values = values ^ (values >> np.uint64(30))
    values *= _MIX1
    values ^= values >> np.uint64(27)
    values *= _MIX2
    values ^= values >> np.uint64(31)
    return values


def unaligned_words(data: np.ndarray) -> np.ndarray:
    """Every byte offset of ``data`` as the start of a little-endian 8-byte
    word (zeros past the end): ``words[i]`` holds ``data[i:i+8]``."""
    padded = np.zeros(len(data) + 8, dtype=np.uint8)
    padded[: len(data)] = data
    return np.ndarray((len(data) + 1,), dtype="<u8", buffer=padded, strides=(1,))


@dataclass(frozen=True)
class Texts:
    """Strings in a byte buffer: row ``i`` is ``data[starts[i]:ends[i]]`` (UTF-8);
    ``valid`` is False where a row is missing (None: none is)."""

    starts: np.ndarray
    ends: np.ndarray
    data: np.ndarray
    valid: np.ndarray | None

    def __len__(self) -> int:
        return len(self.starts)

    def missing(self) -> int:
        return 0 if self.valid is None else int(len(self) - self.valid.sum())

    def text(self, row: int) -> str | None:
        if self.valid is not None and not self.valid[row]:
            return None
        start, end = int(self.starts[row]), int(self.ends[row])
        return bytes(self.data[start:end]).decode("utf-8", "replace")

    def hashes(self) -> np.ndarray:
        """A 64-bit hash per row, vectorised over rows.

        Each string is read as little-endian 8-byte words (the last one masked
        to the string's end); word ``k`` is mixed with ``k`` and the words are
        summed, then mixed with the length. A string's hash depends on its
        bytes alone, never on its neighbours in the batch; the loop runs once
        per word of the longest string, over the rows that still have words.
        A missing row hashes to a constant.
        """
        rows = len(self)
        if rows == 0:
            return np.empty(0, dtype=np.uint64)
        words = unaligned_words(self.data)
        lengths = self.ends - self.starts
        summed = np.zeros(rows, dtype=np.uint64)
        alive: np.ndarray | None = None  # the rows still read (None: all)
        position, left = self.starts.copy(), lengths.copy()
        word = 0
        while True:
            values = words[position] & _BYTE_MASKS[np.minimum(left, 8)]
            values ^= np.uint64(word * _GOLDEN_INT % 2**64)
            if alive is None:
                summed += _mix(values)
            else:
                summed[alive] += _mix(values)
            word += 1
            position += 8
            left -= 8
            more = left > 0
            if not more.all():
                if not more.any():
                    break
                alive = np.flatnonzero(more) if alive is None else alive[more]
                position, left = position[more], left[more]
        hashed = _mix(summed ^ _mix(lengths.astype(np.uint64) + _GOLDEN))
        if self.valid is not None:
            hashed[~self.valid] = _NULL_HASH
        return hashed


@dataclass(frozen=True)
class Batch:
    """One slice of a submission, whatever its source.

    ``predictions`` is float64 with NaN where a value is missing, or None when
    the column is not numeric (``prediction_type`` then names its type).
    """

    ids: Texts
    predictions: np.ndarray | None
    prediction_type: str
    dates: Texts | None

    def keys(self) -> np.ndarray:
        """What must be unique, hashed: the id as text, with the date if any."""
        hashed = self.ids.hashes()
        if self.dates is not None:
            hashed = _mix(hashed ^ (self.dates.hashes() * _MIX1 + _GOLDEN))
        return hashed

    def key(self, row: int) -> tuple[str | None, ...]:
        texts = (self.ids,) if self.dates is None else (self.ids, self.dates)
        return tuple(t.text(row) for t in texts)


class _RepeatedHashes:
    """Finds hashes added more than once, in bounded memory.

    Beyond ``_HASHES_IN_MEMORY`` they are appended to one file per range of
    their top bits, kept open until :meth:`repeated` reads them back one
    range at a time.
    """

    def __init__(self) -> None:
        self._held: list[np.ndarray] = []
        self._held_count = 0
        self._directory: tempfile.TemporaryDirectory[str] | None = None
        self._files: list[BinaryIO] = []

    def add(self, hashes: np.ndarray) -> None:
        self._held.append(hashes)
        self._held_count += len(hashes)
        if self._held_count > _HASHES_IN_MEMORY:
            self._spill()

    def _spill(self) -> None:
        if self._directory is None:
            self._directory = tempfile.TemporaryDirectory(prefix="numerapi-gen-ids-")
            folder = Path(self._directory.name)
            for bucket in range(1 << _SPILL_BITS):
                self._files.append((folder / f"{bucket}.u64").open("w+b"))
        if not self._held:
            return
        held = np.concatenate(self._held)
        self._held, self._held_count = [], 0
        buckets = (held >> np.uint64(64 - _SPILL_BITS)).astype(np.uint8)
        held = held[np.argsort(buckets, kind="stable")]  # a radix sort: O(n)
        bounds = np.zeros(len(self._files) + 1, dtype=np.intp)
        np.cumsum(np.bincount(buckets, minlength=len(self._files)), out=bounds[1:])
        for bucket, handle in enumerate(self._files):
            if bounds[bucket + 1] > bounds[bucket]:
                handle.write(held[bounds[bucket] : bounds[bucket + 1]].tobytes())

    def repeated(self) -> set[int]:
        """The hashes seen more than once."""

        def repeats(values: np.ndarray) -> set[int]:
            values.sort()
            return set(values[1:][values[1:] == values[:-1]].tolist())

        if self._directory is None:
            held = np.concatenate(self._held) if self._held else np.empty(0, np.uint64)
            return repeats(held)
        self._spill()
        found: set[int] = set()
        for handle in self._files:
            handle.seek(0)
            found |= repeats(np.fromfile(handle, dtype=np.uint64))
        return found

    def close(self) -> None:
        """Remove the spill files."""
        for handle in self._files:
            handle.close()
        self._files = []
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None


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

    def close(self) -> None:
        self._hashes.close()

    def fail(self, problem: str) -> SubmissionProblem:
        return SubmissionProblem(f"{self.what}: {problem}")

    def feed(self, batch: Batch) -> None:
        missing_ids = batch.ids.missing()
        if missing_ids:
            raise self.fail(f"{missing_ids} row(s) have no {self.layout.id_column!r}")
        predictions = batch.predictions
        if predictions is None:
            raise self.fail(
                f"{self.layout.prediction_column!r} must be numbers, "
                f"not {batch.prediction_type}"
            )
        self.rows += len(predictions)
        present = predictions[~np.isnan(predictions)]
        self._missing_predictions += len(predictions) - len(present)
        if len(present):
            self._merge(present)
        self._hashes.add(batch.keys())

    def _merge(self, values: np.ndarray) -> None:
        """Chan et al.'s parallel update of count, mean and squared deviations."""
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
        wanted = np.fromiter(repeated, dtype=np.uint64)
        seen: set[tuple[str | None, ...]] = set()
        doubled: list[tuple[str | None, ...]] = []
        for batch in batches:
            for row in np.flatnonzero(np.isin(batch.keys(), wanted)).tolist():
                key = batch.key(row)
                if key in seen:
                    doubled.append(key)
                seen.add(key)
        if doubled:
            kind = "id and date" if _date_key(self.layout, self.rules) else "id"
            sample = ", ".join(" ".join(map(str, key)) for key in doubled[:3])
            raise self.fail(
                f"{len(doubled)} duplicate {self.layout.id_column!r} ({kind}) "
                f"value(s), e.g. {sample}"
            )


def check_batches(
    rules: Rules, layout: Layout, what: str, batches: Callable[[], Iterator[Batch]]
) -> None:
    """Run every rule over ``batches()`` (called again to confirm duplicates)."""
    check = SubmissionCheck(rules, layout, what)
    try:
        for batch in batches():
            check.feed(batch)
            del batch  # freed before the next is read
        check.finish(batches)
    finally:
        check.close()


def _date_key(layout: Layout, rules: Rules) -> str | None:
    """The date column that is part of the unique key, if any."""
    return layout.date_column if rules.unique_per_date else None


# --- arrow arrays (files) -----------------------------------------------------


def _validity(array: pa.Array) -> np.ndarray | None:
    """Where ``array`` has a value, from its validity bitmap (None: everywhere)."""
    if array.null_count == 0:
        return None
    bitmap = np.frombuffer(array.buffers()[0], dtype=np.uint8)
    bits = np.unpackbits(bitmap, bitorder="little")
    return bits[array.offset : array.offset + len(array)].astype(bool)


def arrow_texts(array: pa.Array) -> Texts:
    """An arrow array's values as text (non-string columns are cast to text)."""
    import pyarrow as pa

    if array.type == pa.string():
        offset_type: Any = np.int32
    else:
        if array.type != pa.large_string():
            array = array.cast(pa.large_string())
        offset_type = np.int64
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)
    offsets = offsets[array.offset : array.offset + len(array) + 1].astype(np.int64)
    if data_buffer is None or len(offsets) == 1:
        data = np.empty(0, dtype=np.uint8)
    else:
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        data = data[int(offsets[0]) : int(offsets[-1])]
    offsets -= offsets[0]
    return Texts(offsets[:-1], offsets[1:], data, _validity(array))


def arrow_numbers(array: pa.Array) -> np.ndarray | None:
    """An integer or floating-point arrow array as float64 (NaN where
    missing); None for any other type (as pandas would not call it numeric)."""
    import pyarrow as pa

    kind = array.type
    if pa.types.is_null(kind):  # a CSV block whose values are all empty
        return np.full(len(array), np.nan)
    if pa.types.is_floating(kind):
        code = "f"
    elif pa.types.is_signed_integer(kind):
        code = "i"
    elif pa.types.is_unsigned_integer(kind):
        code = "u"
    else:
        return None
    raw = np.frombuffer(array.buffers()[1], dtype=f"<{code}{kind.bit_width // 8}")
    values = raw[array.offset : array.offset + len(array)].astype(np.float64)
    valid = _validity(array)
    if valid is not None:
        values[~valid] = np.nan
    return values


def _arrow_batch(table: Any, layout: Layout, date: str | None) -> Batch:
    """A record batch's or a table's columns as a :class:`Batch`."""

    def column(name: str) -> pa.Array:
        found = table.column(name)
        if not hasattr(found, "chunks"):
            return found  # a record batch's
        return found.chunk(0) if found.num_chunks == 1 else found.combine_chunks()

    predictions = column(layout.prediction_column)
    return Batch(
        ids=arrow_texts(column(layout.id_column)),
        predictions=arrow_numbers(predictions),
        prediction_type=str(predictions.type),
        dates=arrow_texts(column(date)) if date else None,
    )


def csv_batches(
    path: Path, columns: list[str], start: int, layout: Layout, rules: Rules
) -> Iterator[Batch]:
    """The CSV's rows from byte ``start`` (after the header, whose fields are
    ``columns``), in blocks of whole lines: ids and dates as text,
    predictions as numbers.

    A plain block is read with numpy (see :mod:`._csv_blocks`); any other by
    pyarrow, imported only then.
    """
    from ._csv_blocks import simple_block

    date = _date_key(layout, rules)
    fields = (
        columns.index(layout.id_column),
        columns.index(layout.prediction_column),
        columns.index(date) if date else None,
    )
    parse: Callable[[bytes], Batch] | None = None
    for lines in _line_blocks(path, start):
        batch = simple_block(lines, len(columns), *fields)
        if batch is None:
            if parse is None:
                parse = _pyarrow_csv(path, columns, layout, rules)
            batch = parse(lines)
        del lines  # nothing of one block outlives its batch
        yield batch
        del batch


def _line_blocks(path: Path, start: int) -> Iterator[bytes]:
    """The file from byte ``start``, ``CSV_BLOCK_BYTES`` at a time, each
    block cut after its last line end."""
    with path.open("rb") as handle:
        handle.seek(start)
        rest = b""
        while block := handle.read(CSV_BLOCK_BYTES):
            lines = rest + block
            # After the last LF (so a CRLF stays whole); CR alone ends lines
            # only in files without LF.
            cut = (lines.rfind(b"\n") + 1) or (lines.rfind(b"\r") + 1)
            if len(lines) - cut > _LONGEST_LINE:
                raise SubmissionProblem(
                    f"{path.name}: a line is longer than {_LONGEST_LINE} bytes"
                )
            rest = lines[cut:]
            if cut:
                yield lines[:cut]
        if rest:
            yield rest


def _pyarrow_csv(
    path: Path, columns: list[str], layout: Layout, rules: Rules
) -> Callable[[bytes], Batch]:
    """pyarrow's reading of one block of whole lines, on this thread.

    Not pyarrow's streaming reader: its background thread reads 32 blocks
    ahead, and mimalloc (the default pool) keeps arenas per thread.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    date = _date_key(layout, rules)
    text_columns = [layout.id_column] + ([date] if date else [])
    read_options = pa_csv.ReadOptions(
        column_names=columns, block_size=CSV_BLOCK_BYTES, use_threads=False
    )
    convert_options = pa_csv.ConvertOptions(
        column_types=dict.fromkeys(text_columns, pa.string()),
        include_columns=[*text_columns, layout.prediction_column],
        strings_can_be_null=True,
    )
    pool = pa.system_memory_pool()

    def parse(lines: bytes) -> Batch:
        try:
            table = pa_csv.read_csv(
                pa.BufferReader(lines),
                read_options=read_options,
                convert_options=convert_options,
                memory_pool=pool,
            )
        except pa.ArrowException as exc:
            raise _unreadable(path, rules, exc) from None
        return _arrow_batch(table, layout, date)

    return parse


def _unreadable(path: Path, rules: Rules, exc: Exception) -> SubmissionProblem:
    return SubmissionProblem(
        f"{path.name} cannot be read as a {rules.kind} upload: {exc}"
    )


def parquet_batches(path: Path, layout: Layout, rules: Rules) -> Iterator[Batch]:
    """The parquet file's rows, record batch by record batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    date = _date_key(layout, rules)
    columns = [layout.id_column, layout.prediction_column] + ([date] if date else [])
    try:
        # Buffered reads, one column chunk page at a time, no read-ahead threads.
        with pq.ParquetFile(
            path, pre_buffer=False, buffer_size=PARQUET_BUFFER_BYTES
        ) as parquet:
            for record_batch in parquet.iter_batches(
                batch_size=BATCH_ROWS, columns=columns, use_threads=False
            ):
                yield _arrow_batch(record_batch, layout, date)
    except pa.ArrowException as exc:
        raise _unreadable(path, rules, exc) from None


# --- DataFrames ---------------------------------------------------------------


def _series_texts(series: pd.Series) -> Texts:
    """A column as text, as numerai-tools compares ids (``astype(str)``)."""
    import pyarrow as pa

    text = series.astype(str).to_numpy(dtype=object)
    return arrow_texts(
        pa.array(text, type=pa.large_string(), mask=series.isna().to_numpy())
    )


def frame_batches(df: pd.DataFrame, layout: Layout, rules: Rules) -> Iterator[Batch]:
    """The frame in slices of rows; numeric means what pandas calls numeric."""
    import pandas as pd

    date = _date_key(layout, rules)
    column = df[layout.prediction_column]
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
        column
    )
    for start in range(0, len(df) or 1, BATCH_ROWS):
        part = df.iloc[start : start + BATCH_ROWS]
        predictions = part[layout.prediction_column]
        yield Batch(
            ids=_series_texts(part[layout.id_column]),
            predictions=(
                predictions.to_numpy(dtype=np.float64, na_value=np.nan)
                if numeric
                else None
            ),
            prediction_type=str(column.dtype),
            dates=_series_texts(part[date]) if date else None,
        )
