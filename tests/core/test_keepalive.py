"""The sync API's keep-alive client: connection reuse, reconnects, threads,
compressed bodies and header safety, on real sockets on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from numerapi_gen import InvalidResponseError, NumeraiValidationError, NumerAPI
from numerapi_gen._keepalive import KeepAliveClient
from numerapi_gen.testing import FakeNumerai


def api_for(server: FakeNumerai) -> NumerAPI:
    return NumerAPI(server.public_id, server.secret_key, api_url=server.url)


def test_the_default_sync_client_is_the_keepalive_one(
    fake_numerai: FakeNumerai,
) -> None:
    with api_for(fake_numerai) as api:
        assert isinstance(api._http, KeepAliveClient)


def test_calls_share_one_connection(fake_numerai: FakeNumerai) -> None:
    with api_for(fake_numerai) as api:
        for _ in range(30):
            api.get_current_round()
        api.get_account()
    assert fake_numerai.connections_accepted == 1
    assert len(fake_numerai.requests) == 31


def test_a_connection_closed_while_idle_is_replaced_without_resending(
    fake_numerai: FakeNumerai,
) -> None:
    model = fake_numerai.world.own_models(8)[0]
    with api_for(fake_numerai) as api:
        api.get_current_round()
        fake_numerai.close_connections()
        api.set_bio(model.id, "after a reconnect")  # a mutation: sent once
        api.get_current_round()
    assert fake_numerai.requests.operations() == [
        "GetCurrentRound",
        "SetBio",
        "GetCurrentRound",
    ]
    assert fake_numerai.connections_accepted == 2
    assert fake_numerai.world.models[model.id].bio == "after a reconnect"


def test_threads_can_share_a_client(fake_numerai: FakeNumerai) -> None:
    expected = fake_numerai.world.current_round(8).number
    with api_for(fake_numerai) as api, ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(lambda _: api.get_current_round(), range(200)))
    assert numbers == [expected] * 200
    assert 1 <= fake_numerai.connections_accepted <= 8


def test_a_closed_client_refuses_requests(fake_numerai: FakeNumerai) -> None:
    api = api_for(fake_numerai)
    api.get_current_round()
    api.close()
    assert api._http.is_closed
    with pytest.raises(RuntimeError, match="closed"):
        api.get_current_round()


@pytest.mark.parametrize(
    "public_id, secret_key",
    [
        ("PUBLIC\r\nX-Evil: 1", "SECRET"),
        ("PUBLIC", "SECRET KEY"),
        ("PÜBLIC", "SECRET-KEY"),
    ],
)
def test_keys_that_cannot_be_a_header_are_rejected_up_front(
    fake_numerai: FakeNumerai, public_id: str, secret_key: str
) -> None:
    with pytest.raises(NumeraiValidationError) as info:
        NumerAPI(public_id, secret_key, api_url=fake_numerai.url)
    assert secret_key not in str(info.value)
    assert len(fake_numerai.requests) == 0


# --- compressed answers, from a tiny server that compresses ----------------------

ROUND = {
    "data": {
        "rounds": [
            {
                "number": 777,
                "openTime": "2026-11-28T13:00:00Z",
                "closeStakingTime": "2026-11-29T13:00:00Z",
            }
        ]
    }
}


def _encoded(encoding: str, body: bytes) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    return b"not compressed at all"  # "broken": declared gzip, is not


@pytest.fixture
def compressing_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """POST answers ``ROUND`` compressed as the path says (/gzip, /deflate,
    /broken); records each request's headers."""
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(dict(self.headers.items()))
            encoding = self.path.strip("/")
            body = _encoded(encoding, json.dumps(ROUND).encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header(
                "Content-Encoding", "gzip" if encoding == "broken" else encoding
            )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_answers_are_decoded(
    compressing_server: tuple[str, list[dict[str, str]]], encoding: str
) -> None:
    base, seen = compressing_server
    with NumerAPI(api_url=f"{base}/{encoding}") as api:
        assert api.get_current_round() == 777
    assert "gzip" in seen[0]["Accept-Encoding"]
    assert "Authorization" not in seen[0]


def test_a_corrupt_compressed_answer_is_an_invalid_response(
    compressing_server: tuple[str, list[dict[str, str]]],
) -> None:
    base, seen = compressing_server
    with (
        NumerAPI(api_url=f"{base}/broken", max_retries=0) as api,
        pytest.raises(InvalidResponseError, match="decoded"),
    ):
        api.get_current_round()
    assert len(seen) == 1
