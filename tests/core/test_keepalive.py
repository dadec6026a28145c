"""The keep-alive API clients (sync and async): connection reuse, reconnects,
threads, cancellation, every response framing, compressed bodies and header
safety, on real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import http.server
import json
import threading
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from numerapi_gen import (
    APITimeoutError,
    AsyncNumerAPI,
    InvalidResponseError,
    NumeraiValidationError,
    NumerAPI,
)
from numerapi_gen._keepalive import AsyncKeepAliveClient, KeepAliveClient
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


# --- answers framed and encoded every legal way, from a tiny server -------------

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


class TinyServer:
    """Answers every POST with ``ROUND``, shaped by the URL path: ``/gzip``,
    ``/deflate``, ``/broken`` (says gzip, is not), ``/chunked``, ``/close``
    (``Connection: close``), ``/http10`` (HTTP/1.0, body ends at close),
    ``/trickle`` (the body in 8 pieces, 0.1 s apart) or ``/stall`` (half the
    body, then nothing for a second)."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.connections = 0
        tiny = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                tiny.connections += 1

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                tiny.seen.append(dict(self.headers.items()))
                tiny.answer(self, self.path.strip("/"))

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, handler: http.server.BaseHTTPRequestHandler, shape: str) -> None:
        body = json.dumps(ROUND).encode()
        if shape == "http10":
            handler.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json")
            handler.wfile.write(b"\r\n\r\n" + body)
            handler.close_connection = True
            return
        headers = {"Content-Type": "application/json"}
        if shape in ("gzip", "deflate", "broken"):
            headers["Content-Encoding"] = "deflate" if shape == "deflate" else "gzip"
            body = {
                "gzip": gzip.compress(body),
                "deflate": zlib.compress(body),
                "broken": b"not compressed at all",
            }[shape]
        if shape == "close":
            headers["Connection"] = "close"
            handler.close_connection = True
        if shape == "chunked":
            headers["Transfer-Encoding"] = "chunked"
            half = len(body) // 2
            framed = b"".join(
                b"%x\r\n%s\r\n" % (len(piece), piece)
                for piece in (body[:half], body[half:], b"")
            )
        else:
            headers["Content-Length"] = str(len(body))
            framed = body
        handler.send_response(200)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if shape in ("trickle", "stall"):
            pieces = 8 if shape == "trickle" else 2
            step = -(-len(framed) // pieces)
            for start in range(0, len(framed), step):
                handler.wfile.write(framed[start : start + step])
                handler.wfile.flush()
                if start + step < len(framed):
                    time.sleep(0.1 if shape == "trickle" else 1.0)
            return
        handler.wfile.write(framed)


@pytest.fixture
def tiny_server() -> Iterator[TinyServer]:
    server = TinyServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_answers_are_decoded(tiny_server: TinyServer, encoding: str) -> None:
    with NumerAPI(api_url=f"{tiny_server.url}/{encoding}") as api:
        assert api.get_current_round() == 777
    assert "gzip" in tiny_server.seen[0]["Accept-Encoding"]
    assert "Authorization" not in tiny_server.seen[0]


def test_a_corrupt_compressed_answer_is_an_invalid_response(
    tiny_server: TinyServer,
) -> None:
    with (
        NumerAPI(api_url=f"{tiny_server.url}/broken", max_retries=0) as api,
        pytest.raises(InvalidResponseError, match="decoded"),
    ):
        api.get_current_round()
    assert len(tiny_server.seen) == 1


@pytest.mark.parametrize(
    "shape, connections",
    [("chunked", 1), ("close", 3), ("http10", 3)],
)
def test_every_framing_is_read_and_closing_servers_get_new_connections(
    tiny_server: TinyServer, shape: str, connections: int
) -> None:
    with NumerAPI(api_url=f"{tiny_server.url}/{shape}") as api:
        assert [api.get_current_round() for _ in range(3)] == [777] * 3
    assert tiny_server.connections == connections


# --- the async twin --------------------------------------------------------------


def async_api_for(server: FakeNumerai, **kwargs: object) -> AsyncNumerAPI:
    return AsyncNumerAPI(
        server.public_id,
        server.secret_key,
        api_url=server.url,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_async_calls_reuse_connections(fake_numerai: FakeNumerai) -> None:
    expected = fake_numerai.world.current_round(8).number
    async with async_api_for(fake_numerai) as api:
        assert isinstance(api._http, AsyncKeepAliveClient)
        for _ in range(3):
            numbers = await asyncio.gather(
                *(api.get_current_round() for _ in range(20))
            )
            assert numbers == [expected] * 20
    assert len(fake_numerai.requests) == 60
    assert fake_numerai.connections_accepted <= 20  # reused across the batches


async def test_async_reconnects_after_idle_connections_are_closed(
    fake_numerai: FakeNumerai,
) -> None:
    model = fake_numerai.world.own_models(8)[0]
    async with async_api_for(fake_numerai) as api:
        await api.get_current_round()
        fake_numerai.close_connections()
        await asyncio.sleep(0.05)  # the loop sees the server's FIN
        await api.set_bio(model.id, "async reconnect")
    assert fake_numerai.requests.operations() == ["GetCurrentRound", "SetBio"]
    assert fake_numerai.world.models[model.id].bio == "async reconnect"


async def test_a_cancelled_call_leaves_no_half_read_connection(
    fake_numerai: FakeNumerai,
) -> None:
    fake_numerai.faults.add(operation="GetCurrentRound", latency=1.0, times=1)
    async with async_api_for(fake_numerai) as api:
        slow = asyncio.ensure_future(api.get_current_round())
        await asyncio.sleep(0.2)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        assert api._http._idle == []  # type: ignore[union-attr]
        account = await api.get_account()  # on a fresh connection
    assert account.username == fake_numerai.world.account.username


async def test_an_async_client_survives_a_new_event_loop(
    fake_numerai: FakeNumerai,
) -> None:
    api = async_api_for(fake_numerai)
    await api.get_current_round()

    def in_another_loop() -> int | None:
        return asyncio.run(api.get_current_round())

    number = await asyncio.to_thread(in_another_loop)
    assert number == fake_numerai.world.current_round(8).number
    await api.close()


@pytest.mark.parametrize(
    "shape, connections",
    [("gzip", 1), ("deflate", 1), ("chunked", 1), ("close", 3), ("http10", 3)],
)
async def test_async_reads_every_framing(
    tiny_server: TinyServer, shape: str, connections: int
) -> None:
    async with AsyncNumerAPI(api_url=f"{tiny_server.url}/{shape}") as api:
        assert [await api.get_current_round() for _ in range(3)] == [777] * 3
    assert tiny_server.connections == connections


async def test_async_corrupt_body_is_an_invalid_response(
    tiny_server: TinyServer,
) -> None:
    async with AsyncNumerAPI(api_url=f"{tiny_server.url}/broken") as api:
        with pytest.raises(InvalidResponseError, match="decoded"):
            await api.get_current_round()


# --- read timeouts: a limit on each wait for more bytes, not on the answer ---


def test_a_slow_but_steady_answer_is_not_a_timeout(tiny_server: TinyServer) -> None:
    started = time.monotonic()
    with NumerAPI(api_url=f"{tiny_server.url}/trickle", timeout=0.35) as api:
        assert api.get_current_round() == 777
    assert time.monotonic() - started > 0.6  # longer than the limit, in all


async def test_async_slow_but_steady_answer_is_not_a_timeout(
    tiny_server: TinyServer,
) -> None:
    started = time.monotonic()
    async with AsyncNumerAPI(api_url=f"{tiny_server.url}/trickle", timeout=0.35) as api:
        assert await api.get_current_round() == 777
    assert time.monotonic() - started > 0.6


async def test_async_stall_mid_body_is_a_timeout_and_the_connection_is_dropped(
    tiny_server: TinyServer,
) -> None:
    async with AsyncNumerAPI(
        api_url=f"{tiny_server.url}/stall", timeout=0.3, max_retries=1
    ) as api:
        with pytest.raises(APITimeoutError):
            await api.get_current_round()
    assert len(tiny_server.seen) == 2  # retried once (a query), then gave up
    assert tiny_server.connections == 2  # the stalled connection was not reused


async def test_async_idle_connections_outlive_the_read_limit(
    tiny_server: TinyServer,
) -> None:
    async with AsyncNumerAPI(api_url=f"{tiny_server.url}/plain", timeout=0.2) as api:
        assert await api.get_current_round() == 777
        await asyncio.sleep(0.5)  # idle for longer than the limit
        assert await api.get_current_round() == 777
    assert tiny_server.connections == 1


def _child_round(api: NumerAPI, answers: Any) -> None:
    answers.put(api.get_current_round())


def test_a_forked_child_opens_its_own_connection(fake_numerai: FakeNumerai) -> None:
    """Two processes reading one inherited socket would mix up their answers."""
    import multiprocessing

    expected = fake_numerai.world.current_round(8).number
    context = multiprocessing.get_context("fork")
    with api_for(fake_numerai) as api:
        assert api.get_current_round() == expected  # leaves an idle connection
        answers = context.Queue()
        child = context.Process(target=_child_round, args=(api, answers))
        child.start()
        child.join(30)
        assert child.exitcode == 0
        assert answers.get(timeout=5) == expected
        assert api.get_current_round() == expected  # the parent's is intact
    assert fake_numerai.connections_accepted == 2
    assert len(fake_numerai.requests) == 3
