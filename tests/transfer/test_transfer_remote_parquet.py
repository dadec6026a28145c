"""read_remote_parquet: filters pushed down to HTTP range reads."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx
import pandas as pd
import pytest
from _transfer_support import MAX_RETRIES, Files, header, leftovers

from numerapi_gen._errors import NumeraiValidationError, TransferError
from numerapi_gen._transfer import (
    HTTPRangeFile,
    download_parquet_subset,
    read_remote_parquet,
    write_parquet_atomically,
)

ERAS = [f"{i:04d}" for i in range(1, 21)]
ROWS_PER_ERA = 2000


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(0)
    rows = len(ERAS) * ROWS_PER_ERA
    data = {"era": np.repeat(ERAS, ROWS_PER_ERA)}
    for i in range(5):
        data[f"feature_{i}"] = rng.random(rows)
    data["target"] = rng.random(rows)
    index = pd.Index([f"n{i:08d}" for i in range(rows)], name="id")
    return pd.DataFrame(data, index=index)


@pytest.fixture(scope="module")
def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, row_group_size=ROWS_PER_ERA)  # one row group per era
    return buffer.getvalue()


def requested_bytes(files: Files) -> int:
    total = 0
    for request in files.gets():
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", header(request, "Range") or "")
        assert match, "every read is a range request"
        first, last = match.groups()
        total += int(last or 0) - int(first) + 1 if first else int(last)
    return total


def test_filters_fetch_only_matching_row_groups(
    client: httpx.Client, files: Files, frame: pd.DataFrame, parquet_bytes: bytes
) -> None:
    url = files.add("datasets/v5.0/train.parquet", parquet_bytes)
    wanted = ["0003", "0004"]

    table = read_remote_parquet(
        client, url, filters=[("era", "in", wanted)], max_retries=MAX_RETRIES
    )

    result = table.to_pandas()
    pd.testing.assert_frame_equal(result, frame[frame.era.isin(wanted)])
    assert requested_bytes(files) < len(parquet_bytes) / 4
    assert all(r.status == 206 for r in files.gets())


def test_columns_and_dnf_disjunction(
    client: httpx.Client, files: Files, frame: pd.DataFrame, parquet_bytes: bytes
) -> None:
    url = files.add("train.parquet", parquet_bytes)
    filters = [[("era", "=", "0001")], [("era", "=", "0020")]]

    table = read_remote_parquet(
        client, url, filters=filters, columns=["era", "target"], max_retries=MAX_RETRIES
    )

    assert table.column_names == ["era", "target"]
    assert sorted(set(table.column("era").to_pylist())) == ["0001", "0020"]
    assert table.num_rows == 2 * ROWS_PER_ERA


def test_dropped_range_reads_are_resumed(
    client: httpx.Client, files: Files, frame: pd.DataFrame, parquet_bytes: bytes
) -> None:
    url = files.add("drop.parquet", parquet_bytes)
    files.server.faults.add(path="/files/drop.parquet", drop_after=5000, times=3)

    table = read_remote_parquet(
        client, url, filters=[("era", ">=", "0019")], max_retries=MAX_RETRIES
    )

    pd.testing.assert_frame_equal(table.to_pandas(), frame[frame.era >= "0019"])


def test_server_without_ranges_gets_a_full_download(
    client: httpx.Client, files: Files, frame: pd.DataFrame, parquet_bytes: bytes
) -> None:
    url = files.add("noranges.parquet", parquet_bytes)
    files.server.faults.add(path="/files/noranges.parquet", ignore_range=True)

    table = read_remote_parquet(
        client, url, filters=[("era", "=", "0007")], max_retries=MAX_RETRIES
    )

    pd.testing.assert_frame_equal(table.to_pandas(), frame[frame.era == "0007"])


def test_file_replaced_mid_read_is_detected(
    client: httpx.Client, files: Files, parquet_bytes: bytes
) -> None:
    url = files.add("moving.parquet", parquet_bytes)
    remote = HTTPRangeFile(client, url, max_retries=MAX_RETRIES)
    files.server.world.blobs.add_bytes("moving.parquet", parquet_bytes[::-1])

    remote.seek(0)
    with pytest.raises(TransferError, match="changed while it was being read"):
        remote.read(100)


def test_range_file_reads_like_a_file(
    client: httpx.Client, files: Files, parquet_bytes: bytes
) -> None:
    url = files.add("plain.parquet", parquet_bytes)
    remote = HTTPRangeFile(client, url, max_retries=MAX_RETRIES)

    assert remote.size == len(parquet_bytes)
    assert remote.read(4) == b"PAR1"
    remote.seek(-8, io.SEEK_END)
    assert remote.read() == parquet_bytes[-8:]
    remote.seek(100_000)
    buffer = bytearray(70_000)
    assert remote.readinto(buffer) == 70_000
    assert bytes(buffer) == parquet_bytes[100_000:170_000]
    assert remote.read(10) == parquet_bytes[170_000:170_010]  # from the read-ahead
    remote.seek(len(parquet_bytes) + 5)
    assert remote.read(10) == b""


def test_bad_filters_are_a_validation_error(
    client: httpx.Client, files: Files, parquet_bytes: bytes
) -> None:
    url = files.add("f.parquet", parquet_bytes)
    with pytest.raises(NumeraiValidationError):
        read_remote_parquet(
            client, url, filters=[("no_such_column", "=", 1)], max_retries=MAX_RETRIES
        )


def test_not_a_parquet_file(client: httpx.Client, files: Files) -> None:
    url = files.add("f.parquet", b"this is not parquet" * 10)
    with pytest.raises(TransferError, match="not a parquet file"):
        read_remote_parquet(client, url, max_retries=MAX_RETRIES)


def test_download_subset_writes_dest_atomically(
    client: httpx.Client,
    files: Files,
    frame: pd.DataFrame,
    parquet_bytes: bytes,
    tmp_path: Path,
) -> None:
    url = files.add("v5.0/validation.parquet", parquet_bytes)
    dest = tmp_path / "sub" / "validation_eras.parquet"

    path = download_parquet_subset(
        client, url, dest, filters=[("era", "in", ["0002"])], max_retries=MAX_RETRIES
    )

    assert path == dest
    pd.testing.assert_frame_equal(pd.read_parquet(dest), frame[frame.era == "0002"])
    assert leftovers(dest.parent) == []


def test_write_parquet_atomically_accepts_a_dataframe(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    dest = write_parquet_atomically(frame.head(3), tmp_path / "x.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(dest), frame.head(3))
    assert leftovers(tmp_path) == []
