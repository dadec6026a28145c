"""Downloads (ranges, validators, HEAD) and presigned-style uploads."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import httpx
import pytest
from fake_server_helpers import HTTP, GraphQL, query_documents

from numerapi_gen.testing import FakeNumerai

DOCUMENTS = query_documents()
CONTENT = bytes(range(256)) * 40  # 10,240 bytes, every offset distinguishable


@pytest.fixture
def blob_url(server: FakeNumerai) -> str:
    server.world.add_dataset("custom/bytes.bin", CONTENT)
    return server.dataset_url("custom/bytes.bin")


def _get(url: str, **headers: str) -> httpx.Response:
    return HTTP.get(url, headers=headers)


def test_dataset_query_points_at_the_server(server: FakeNumerai, gql: GraphQL) -> None:
    url = gql(
        DOCUMENTS["GetDatasetUrl"], {"filename": "v5.0/features.json"}, auth=False
    )
    url = url["data"]["dataset"]
    assert url == server.url + "files/datasets/v5.0/features.json"
    response = _get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    features = json.loads(response.content)
    assert set(features) == {"feature_sets", "targets"}
    assert len(features["feature_sets"]["all"]) > len(features["feature_sets"]["small"])


def test_full_get_has_validators(blob_url: str) -> None:
    response = _get(blob_url)
    assert response.status_code == 200
    assert response.content == CONTENT
    assert response.headers["content-length"] == str(len(CONTENT))
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"].startswith('"')
    assert response.headers["last-modified"].endswith("GMT")


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=5000-5099", 5000, 5099),
        ("bytes=-100", len(CONTENT) - 100, len(CONTENT) - 1),
        ("bytes=10000-", 10000, len(CONTENT) - 1),
        ("bytes=10200-99999", 10200, len(CONTENT) - 1),
    ],
)
def test_single_ranges(blob_url: str, header: str, start: int, end: int) -> None:
    response = _get(blob_url, Range=header)
    assert response.status_code == 206
    assert response.content == CONTENT[start : end + 1]
    assert response.headers["content-range"] == f"bytes {start}-{end}/{len(CONTENT)}"
    assert response.headers["content-length"] == str(end - start + 1)


def test_unsatisfiable_and_ignored_ranges(blob_url: str) -> None:
    response = _get(blob_url, Range=f"bytes={len(CONTENT)}-")
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(CONTENT)}"
    for header in ("bytes=0-1,5-6", "items=0-5", "bytes=9-3"):
        response = _get(blob_url, Range=header)
        assert response.status_code == 200 and response.content == CONTENT


def test_if_range(blob_url: str) -> None:
    first = _get(blob_url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert _get(blob_url, Range="bytes=10-19", **{"If-Range": etag}).status_code == 206
    assert (
        _get(blob_url, Range="bytes=10-19", **{"If-Range": modified}).status_code == 206
    )
    stale = _get(blob_url, Range="bytes=10-19", **{"If-Range": '"stale-etag"'})
    assert stale.status_code == 200 and stale.content == CONTENT
    old = _get(
        blob_url, Range="bytes=10-19", **{"If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert old.status_code == 200
    assert _get(blob_url, **{"If-None-Match": etag}).status_code == 304


def test_head(blob_url: str) -> None:
    response = HTTP.head(blob_url)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(CONTENT))
    assert response.headers["accept-ranges"] == "bytes"
    ranged = HTTP.head(blob_url, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.headers["content-length"] == "10"
    assert HTTP.head(blob_url + "-missing").status_code == 404


def test_large_file_is_served_from_disk(server: FakeNumerai, tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    size = 64 * 1024 * 1024
    with path.open("wb") as handle:  # sparse: costs no disk or memory
        handle.truncate(size)
        handle.seek(size - 4)
        handle.write(b"END!")
    server.world.add_dataset("v5.0/big.parquet", path)
    blob = server.world.blobs.get("datasets/v5.0/big.parquet")
    assert blob is not None and blob.path == path.resolve()
    url = server.dataset_url("v5.0/big.parquet")
    received = 0
    tail = b""
    with HTTP.stream("GET", url) as response:
        assert response.headers["content-length"] == str(size)
        for chunk in response.iter_bytes(1024 * 1024):
            received += len(chunk)
            tail = (tail + chunk)[-4:]
    assert received == size and tail == b"END!"
    assert _get(url, Range=f"bytes={size - 4}-").content == b"END!"


def test_parquet_datasets_are_usable_with_pandas(server: FakeNumerai) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    train = _get(server.dataset_url("v5.0/train.parquet")).content
    frame = pd.read_parquet(io.BytesIO(train))
    assert frame.index.name == "id"
    assert {"era", "data_type", "target"} <= set(frame.columns)
    features = [c for c in frame.columns if c.startswith("feature_")]
    assert len(features) >= 20 and str(frame[features[0]].dtype) == "int8"
    era = frame["era"].iloc[0]
    filtered = pq.read_table(
        io.BytesIO(train), columns=["era", features[0]], filters=[("era", "=", era)]
    )
    assert filtered.num_rows == int((frame["era"] == era).sum()) > 0
    live = pd.read_parquet(
        io.BytesIO(_get(server.dataset_url("signals/v2.0/live.parquet")).content)
    )
    assert (
        "numerai_ticker" in live.columns
        and live["numerai_ticker"].str.contains(" ").all()
    )
    universe = _get(server.dataset_url("crypto/v1.0/live_universe.parquet")).content
    assert "symbol" in pd.read_parquet(io.BytesIO(universe)).columns
    # Deterministic per seed: a second server with the same seed serves the same bytes.
    with FakeNumerai(seed=server.seed) as twin:
        assert _get(twin.dataset_url("v5.0/train.parquet")).content == train


def test_upload_streams_to_disk_and_cleans_up(gql: GraphQL) -> None:
    with FakeNumerai(seed=3) as server:
        auth = HTTP.post(
            server.url,
            json={
                "query": DOCUMENTS["GetSubmissionUploadAuth"],
                "variables": {"filename": "dir/preds.csv", "tournament": 8},
            },
            headers=server.auth_headers,
        ).json()["data"]["submissionUploadAuth"]
        assert auth["filename"].endswith("/preds.csv")
        assert "signature=" in auth["url"]
        data = os.urandom(3 * 1024 * 1024 + 7)
        response = HTTP.put(auth["url"], content=data)
        assert response.status_code == 200
        upload = server.world.uploads[auth["filename"]]
        assert upload.length == len(data)
        assert upload.sha256 == hashlib.sha256(data).hexdigest()
        assert upload.path is not None and upload.path.read_bytes() == data
        assert server.requests.last.body_length == len(data)
        assert server.requests.last.method == "PUT"
        stored = upload.path
    assert not stored.exists()


def test_upload_errors(server: FakeNumerai) -> None:
    upload = server.world.create_upload(
        "submissions", "p.csv", model_id=None, tournament=8
    )
    url = f"{server.url}uploads/{upload.key}"

    def chunks():  # type: ignore[no-untyped-def]
        yield b"id,prediction\n"
        yield b"n1,0.5\n"

    chunked = HTTP.put(f"{url}?signature={upload.signature}", content=chunks())
    assert chunked.status_code == 411
    assert HTTP.put(f"{url}?signature=forged", content=b"x").status_code == 403
    assert (
        HTTP.put(
            f"{server.url}uploads/unknown/key.csv?signature=x", content=b"x"
        ).status_code
        == 403
    )
    assert not upload.complete
    assert (
        HTTP.put(f"{url}?signature={upload.signature}", content=b"ok").status_code
        == 200
    )
    assert upload.complete and upload.read_bytes() == b"ok"
