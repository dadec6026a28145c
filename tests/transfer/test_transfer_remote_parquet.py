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
from numerapi_gen._transfer._lock import lock_path

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


def versions() -> tuple[bytes, bytes]:
    """Two versions of one parquet file with the same size and layout (plain
    encoding, no compression), so bytes of one spliced into the other still
    read as a table: a mix shows only in the values. The last row group is
    short, so its column chunks lie within the probed tail."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    def version(step: int) -> bytes:
        x = np.arange(35_000, dtype=np.int64) * step
        table = pa.table({"a": x, "b": x + 1})
        buffer = io.BytesIO()
        pq.write_table(
            table,
            buffer,
            compression="none",
            use_dictionary=False,
            row_group_size=10_000,
        )
        return buffer.getvalue()

    old, new = version(1), version(3)
    assert len(old) == len(new) > 4 * 64 * 1024  # more than the probed tail
    return old, new


@pytest.mark.parametrize(
    ("validators", "by_ranges"),
    [
        ({}, True),  # a strong ETag
        ({"only_validator": "weak-etag"}, False),
        ({"only_validator": "last-modified"}, False),  # changed within the second
        ({"strip_validators": True}, False),
    ],
    ids=["strong-etag", "weak-etag", "last-modified", "none"],
)
def test_a_file_changed_between_range_reads_is_never_mixed(
    files: Files, validators: dict[str, object], by_ranges: bool
) -> None:
    """The file is replaced right after the first request (the tail probe):
    with a strong ETag the next range read sees it (If-Range) and the read
    starts over on the new version; without one, ranges are not trusted and
    the whole file comes in one response. Either way: one version."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    old, new = versions()
    url = files.add("moving-ranges.parquet", old)
    first_etag = files.etag("moving-ranges.parquet")
    if validators:
        files.server.faults.add(path="/files/moving-ranges.parquet", **validators)
    sent: list[httpx.Request] = []

    def replace_after_the_probe(request: httpx.Request) -> None:
        sent.append(request)
        if len(sent) == 2:
            files.server.world.blobs.add_bytes("moving-ranges.parquet", new)

    with httpx.Client(event_hooks={"request": [replace_after_the_probe]}) as client:
        table = read_remote_parquet(client, url, columns=["b"], max_retries=MAX_RETRIES)

    expected = pq.read_table(pa.BufferReader(new), columns=["b"])
    assert table.equals(expected), "the rows are a mix of two versions"
    gets = files.gets()
    probe = "bytes=-65536"
    assert header(gets[0], "Range") == probe
    reads = [g for g in gets if header(g, "Range") != probe]
    if by_ranges:
        # If-Range named the old version: the server answered with all anew,
        # and the read started over (one more probe) on the new version.
        # (The server logs in the order answers ended: tell reads by name.)
        assert len(gets) - len(reads) == 2
        assert {(header(g, "If-Range"), g.status) for g in reads} == {
            (first_etag, 200),
            (files.etag("moving-ranges.parquet"), 206),
        }
    else:  # the rest is one whole-file response
        assert [header(g, "Range") for g in reads] == ["bytes=0-"]


def test_a_file_that_keeps_changing_is_a_transfer_error(
    files: Files, parquet_bytes: bytes
) -> None:
    url = files.add("restless.parquet", parquet_bytes)
    sent: list[httpx.Request] = []

    def replace_before_every_read(request: httpx.Request) -> None:
        sent.append(request)
        data = bytearray(parquet_bytes)
        data[0] ^= len(sent)  # another version (another ETag) each time
        files.server.world.blobs.add_bytes("restless.parquet", bytes(data))

    with (
        httpx.Client(event_hooks={"request": [replace_before_every_read]}) as client,
        pytest.raises(TransferError, match="changed 2 times"),
    ):
        read_remote_parquet(client, url, max_retries=1)


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


def test_download_subset_holds_the_destination_lock(
    files: Files, frame: pd.DataFrame, parquet_bytes: bytes, tmp_path: Path
) -> None:
    """Like download_file, it writes ``dest`` only while holding
    ``<dest>.lock``: every request is made with the lock taken."""
    import fcntl
    import os

    url = files.add("locked.parquet", parquet_bytes)
    dest = tmp_path / "locked.parquet"
    held: list[bool] = []

    def lock_is_held(request: httpx.Request) -> None:
        try:
            fd = os.open(lock_path(dest), os.O_RDWR)
        except FileNotFoundError:
            held.append(False)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held.append(True)
        else:
            held.append(False)
        finally:
            os.close(fd)

    with httpx.Client(event_hooks={"request": [lock_is_held]}) as client:
        download_parquet_subset(
            client, url, dest, filters=[("era", "=", "0005")], max_retries=MAX_RETRIES
        )

    assert held and all(held)
    pd.testing.assert_frame_equal(pd.read_parquet(dest), frame[frame.era == "0005"])
    assert not lock_path(dest).exists()


def test_write_parquet_atomically_accepts_a_dataframe(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    dest = write_parquet_atomically(frame.head(3), tmp_path / "x.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(dest), frame.head(3))
    assert leftovers(tmp_path) == []
