"""Each fault knob does what it says, and only as often as asked."""

from __future__ import annotations

import time

import httpx
import pytest
from fake_server_helpers import HTTP, GraphQL, post, query_documents

from numerapi_gen.testing import FakeNumerai

DOCUMENTS = query_documents()
ROUND = DOCUMENTS["GetCurrentRound"]
CONTENT = bytes(range(256)) * 64  # 16 KiB


@pytest.fixture
def file_url(server: FakeNumerai) -> str:
    server.world.add_dataset("custom/fault.bin", CONTENT)
    return server.dataset_url("custom/fault.bin")


def test_status_sequence_then_success(server: FakeNumerai) -> None:
    fault = server.faults.add(operation="GetCurrentRound", statuses=[503, 502])
    codes = [post(server, ROUND, {"tournament": 8}).status_code for _ in range(3)]
    assert codes == [503, 502, 200]
    assert fault.fired == 2 and fault.exhausted
    # Other operations were never affected.
    assert post(server, DOCUMENTS["GetModels"]).status_code == 200
    records = server.requests.graphql("GetCurrentRound")
    assert [r.status for r in records] == [503, 502, 200]
    assert [r.fault for r in records] == [True, True, False]


def test_retry_after_on_files(server: FakeNumerai, file_url: str) -> None:
    server.faults.add(path="/files/", statuses=[429], retry_after=2)
    first = HTTP.get(file_url)
    assert first.status_code == 429 and first.headers["retry-after"] == "2"
    second = HTTP.get(file_url)
    assert second.status_code == 200 and second.content == CONTENT
    assert post(server, ROUND, {"tournament": 8}).status_code == 200


def test_latency_and_times(server: FakeNumerai) -> None:
    fault = server.faults.add(path="/", latency=0.1, times=1)
    started = time.perf_counter()
    assert post(server, ROUND, {"tournament": 8}).status_code == 200
    assert time.perf_counter() - started >= 0.1
    assert server.requests.last.fault and fault.fired == 1
    assert post(server, ROUND, {"tournament": 8}).status_code == 200
    assert not server.requests.last.fault and fault.fired == 1


def test_drop_after_n_bytes_truncates_a_download(
    server: FakeNumerai, file_url: str
) -> None:
    server.faults.add(path="/files/", drop_after=1000, times=1)
    received = bytearray()
    with (
        pytest.raises(httpx.RemoteProtocolError),
        HTTP.stream("GET", file_url) as response,
    ):
        assert response.headers["content-length"] == str(len(CONTENT))
        for chunk in response.iter_raw():
            received.extend(chunk)
    assert bytes(received) == CONTENT[:1000]
    # A resume with Range picks up where the dropped download stopped.
    resumed = HTTP.get(file_url, headers={"Range": f"bytes={len(received)}-"})
    assert resumed.status_code == 206 and bytes(received) + resumed.content == CONTENT


def test_short_body_on_graphql(server: FakeNumerai) -> None:
    server.faults.add(operation="GetModels", short_body=True)
    with pytest.raises(httpx.RemoteProtocolError):
        post(server, DOCUMENTS["GetModels"])
    assert post(server, ROUND, {"tournament": 8}).status_code == 200


def test_range_ignored(server: FakeNumerai, file_url: str) -> None:
    server.faults.add(path="/files/", ignore_range=True, times=1)
    response = HTTP.get(file_url, headers={"Range": "bytes=100-199"})
    assert response.status_code == 200 and response.content == CONTENT
    assert "content-range" not in response.headers
    assert HTTP.get(file_url, headers={"Range": "bytes=100-199"}).status_code == 206


def test_html_error_pages(server: FakeNumerai, gql: GraphQL) -> None:
    server.faults.add(operation="GetCurrentRound", html_status=502, times=1)
    server.faults.add(operation="ListDatasets", html_status=200, times=1)
    bad_gateway = post(server, ROUND, {"tournament": 8})
    assert bad_gateway.status_code == 502
    assert bad_gateway.headers["content-type"].startswith("text/html")
    assert "<html>" in bad_gateway.text
    ok_html = post(server, DOCUMENTS["ListDatasets"], {})
    assert ok_html.status_code == 200 and ok_html.headers["content-type"].startswith(
        "text/html"
    )
    assert "errors" not in gql(ROUND, {"tournament": 8})


def test_invalid_json(server: FakeNumerai) -> None:
    server.faults.add(operation="GetCurrentRound", invalid_json=True, times=1)
    response = post(server, ROUND, {"tournament": 8})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()


def test_clear_method_and_download_knobs(server: FakeNumerai, file_url: str) -> None:
    server.faults.add(method="HEAD", path="/files/", statuses=[403] * 5)
    assert HTTP.head(file_url).status_code == 403
    assert HTTP.get(file_url).status_code == 200
    server.faults.clear()
    assert len(server.faults) == 0 and HTTP.head(file_url).status_code == 200
    server.faults.add(
        path="/files/", content_range_shift=5, strip_validators=True, times=1
    )
    lying = HTTP.get(file_url, headers={"Range": "bytes=0-9"})
    assert lying.headers["content-range"] == f"bytes 5-14/{len(CONTENT)}"
    assert "etag" not in lying.headers and "accept-ranges" not in lying.headers


def test_upload_faults(server: FakeNumerai) -> None:
    upload = server.world.create_upload(
        "submissions", "p.csv", model_id=None, tournament=8
    )
    url = f"{server.url}uploads/{upload.key}?signature={upload.signature}"
    server.faults.add(path="/uploads/", statuses=[500])
    assert HTTP.put(url, content=b"x" * 5000).status_code == 500
    assert not upload.complete
    assert HTTP.put(url, content=b"x" * 5000).status_code == 200
    assert upload.length == 5000


def test_fault_validation() -> None:
    with FakeNumerai() as server:
        with pytest.raises(ValueError):
            server.faults.add(path="/")
        with pytest.raises(ValueError):
            server.faults.add(statuses=[99])
        fault = server.faults.add(path="/", latency=0.01)
        assert list(server.faults) == [fault]
        server.faults.remove(fault)
        assert len(server.faults) == 0
