"""The http.client fast path for download bodies (``_wire``).

When it is taken, and when httpx keeps the job; what it must do itself that
httpx's client and RetryTransport did: redirects, retries, timeouts,
keep-alive, and handing content-encoded bodies back to httpx.
"""

from __future__ import annotations

import gzip
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from _transfer_support import MAX_RETRIES, SIGNATURE, Files, both_paths, random_bytes

from numerapi_gen._errors import APIConnectionError, APIStatusError, APITimeoutError
from numerapi_gen._retry import RetryPolicy, RetryTransport
from numerapi_gen._transfer import _download, _wire, download_file
from numerapi_gen._transfer._wire import Wire, wire_for
from numerapi_gen.testing import FakeNumerai

MiB = 1024 * 1024


def fetch(client: httpx.Client, url: str, dest: Path) -> Path:
    return download_file(
        client, url, dest, show_progress=False, max_retries=MAX_RETRIES, connections=1
    )


def retrying_client(**options: object) -> httpx.Client:
    """A client like the ``client`` fixture's, with other options."""
    transport = RetryTransport(
        httpx.HTTPTransport(), RetryPolicy(max_retries=MAX_RETRIES), sleep=lambda _: 0
    )
    return httpx.Client(transport=transport, **options)  # type: ignore[arg-type]


# --- when the fast path is taken ----------------------------------------------


def test_the_transfer_client_takes_the_fast_path(
    client: httpx.Client, files: Files
) -> None:
    assert wire_for(client, files.url("x.bin")) is not None
    with httpx.Client() as default:
        assert wire_for(default, "https://example.com/x.bin") is not None


@pytest.mark.parametrize(
    "make",
    [
        lambda: httpx.Client(proxy="http://127.0.0.1:3128"),
        lambda: httpx.Client(
            transport=httpx.MockTransport(lambda r: httpx.Response(200))
        ),
        lambda: httpx.Client(transport=httpx.HTTPTransport(proxy="http://127.0.0.1:1")),
        lambda: httpx.Client(transport=httpx.HTTPTransport(uds="/tmp/x.sock")),
        lambda: httpx.Client(auth=("user", "password")),
        lambda: httpx.Client(params={"a": "b"}),
        lambda: httpx.Client(event_hooks={"request": [print]}),
    ],
    ids=["proxy", "mock", "proxy-transport", "uds", "auth", "params", "hooks"],
)
def test_clients_it_cannot_imitate_keep_httpx(make: Callable[[], httpx.Client]) -> None:
    with make() as client:
        assert wire_for(client, "https://example.com/x.bin") is None


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x.bin", "https://user:pw@example.com/x", "not a url"]
)
def test_urls_it_cannot_fetch_keep_httpx(client: httpx.Client, url: str) -> None:
    assert wire_for(client, url) is None


def test_environment_proxies_keep_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    with retrying_client() as client:
        assert wire_for(client, "https://example.com/x") is None
        assert wire_for(client, "http://example.com/x") is not None
        monkeypatch.setenv("NO_PROXY", "example.com")
        assert wire_for(client, "https://example.com/x") is not None
    with retrying_client(trust_env=False) as client:
        monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:3128")
        assert wire_for(client, "http://example.org/x") is not None


def test_the_switch_turns_it_off(
    client: httpx.Client, files: Files, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_wire, "ENABLED", False)
    assert wire_for(client, files.url("x.bin")) is None


# --- what it does itself -------------------------------------------------------


def test_busy_answers_are_retried_after_retry_after(
    client: httpx.Client,
    files: Files,
    tmp_path: Path,
    backoffs: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = random_bytes(100_000, seed=50)
    url = files.add("busy.bin", data)
    files.server.faults.add(path="/files/busy.bin", statuses=[503, 429], retry_after=2)
    caplog.set_level(logging.DEBUG, logger="numerapi_gen")

    fetch(client, url, tmp_path / "busy.bin")

    assert (tmp_path / "busy.bin").read_bytes() == data
    assert [r.status for r in files.gets()] == [503, 429, 206]
    assert backoffs == [2.0, 2.0]
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2 and "HTTP 503" in retries[0]
    assert not any("s3cr3t" in m or "?" in m for m in retries)


def test_unreachable_host_is_retried_then_a_connection_error(
    client: httpx.Client, tmp_path: Path, backoffs: list[float]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once closed
    url = f"http://127.0.0.1:{port}/files/x.bin?{SIGNATURE}"

    with pytest.raises(APIConnectionError) as caught:
        fetch(client, url, tmp_path / "x.bin")

    assert not isinstance(caught.value, APITimeoutError)
    assert "ConnectError" in str(caught.value)
    assert "s3cr3t" not in str(caught.value) and "?" not in str(caught.value)
    assert len(backoffs) == MAX_RETRIES


@both_paths
def test_a_server_too_slow_to_answer_times_out(files: Files, tmp_path: Path) -> None:
    url = files.add("slow.bin", b"data")
    fault = files.server.faults.add(path="/files/slow.bin", latency=0.3)

    with (
        retrying_client(timeout=httpx.Timeout(0.1)) as client,
        pytest.raises(APITimeoutError, match="ReadTimeout"),
    ):
        fetch(client, url, tmp_path / "slow.bin")

    assert fault.fired == MAX_RETRIES + 1


def test_connections_are_kept_alive_and_stale_ones_replaced(
    client: httpx.Client,
    files: Files,
    fake_numerai: FakeNumerai,
    backoffs: list[float],
) -> None:
    url = files.add("small.bin", random_bytes(10_000, seed=51))
    wire = wire_for(client, url)
    assert wire is not None
    origin = _wire._origin(httpx.URL(url))

    def body(size: int = 64 * 1024, read_all: bool = True) -> int:
        response = wire.get(url, {})
        buffer = memoryview(bytearray(size))
        count = total = response.readinto(buffer)
        while read_all and count:
            count = response.readinto(buffer)
            total += count
        response.close()
        return total

    try:
        assert body() == 10_000
        (kept,) = wire._idle[origin]
        assert body() == 10_000
        assert wire._idle[origin] == [kept]  # reused, and back again
        assert fake_numerai._httpd is not None
        fake_numerai._httpd.close_connections()  # the server drops idle ones
        assert body() == 10_000  # on a new connection, without a retry
        (fresh,) = wire._idle[origin]
        assert fresh is not kept and backoffs == []
        assert body(size=100, read_all=False) == 100
        assert wire._idle[origin] == []  # an unread body: not reusable
    finally:
        wire.close()


# --- redirects and encoded bodies (a second, scripted server) ------------------

Route = tuple[int, dict[str, str], bytes] | Callable[["_Handler"], None]


class _Scripted(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    seen: list[str]


class _Handler(BaseHTTPRequestHandler):
    """Answers each path as scripted: (status, headers, body) or a function."""

    protocol_version = "HTTP/1.1"
    server: _Scripted

    def do_GET(self) -> None:
        self.server.seen.append(self.path)
        route = self.server.routes.get(self.path, (404, {}, b""))
        if callable(route):
            route(self)
            return
        status, headers, body = route
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[_Scripted]:
    server = _Scripted(("127.0.0.1", 0), _Handler)
    server.routes, server.seen = {}, []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _base(server: _Scripted) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@both_paths
def test_redirects_are_followed_to_another_host(
    client: httpx.Client, files: Files, scripted: _Scripted, tmp_path: Path
) -> None:
    data = random_bytes(MiB, seed=52)
    target = files.add("moved.bin", data)
    scripted.routes["/a?sig=1"] = (302, {"Location": "/b?sig=2"}, b"moved")
    scripted.routes["/b?sig=2"] = (307, {"Location": target}, b"")

    fetch(client, f"{_base(scripted)}/a?sig=1", tmp_path / "moved.bin")

    assert (tmp_path / "moved.bin").read_bytes() == data
    assert scripted.seen == ["/a?sig=1", "/b?sig=2"]


def test_endless_redirects_end_in_a_status_error(
    files: Files, scripted: _Scripted, tmp_path: Path
) -> None:
    scripted.routes["/loop"] = (302, {"Location": "/loop"}, b"")

    with (
        retrying_client(follow_redirects=True, max_redirects=3) as client,
        pytest.raises(APIStatusError) as caught,
    ):
        fetch(client, f"{_base(scripted)}/loop", tmp_path / "loop.bin")

    assert caught.value.status_code == 302
    assert len(scripted.seen) == 4


@both_paths
def test_an_encoded_body_is_decoded_by_httpx(
    client: httpx.Client, scripted: _Scripted, tmp_path: Path, body_path: str
) -> None:
    data = b"era,target\n" * 10_000
    headers = {"Content-Encoding": "gzip", "ETag": '"e"', "Accept-Ranges": "bytes"}
    scripted.routes["/data.csv"] = (200, headers, gzip.compress(data))

    fetch(client, f"{_base(scripted)}/data.csv", tmp_path / "data.csv")

    assert (tmp_path / "data.csv").read_bytes() == data
    # The fast path drops the encoded answer and asks again through httpx.
    assert len(scripted.seen) == (2 if body_path == "wire" else 1)


def test_wire_is_closed_after_the_download(
    client: httpx.Client,
    files: Files,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wires: list[Wire] = []

    def spy(client: httpx.Client, url: str) -> Wire:
        wire = wire_for(client, url)
        assert wire is not None
        wires.append(wire)
        return wire

    monkeypatch.setattr(_download, "wire_for", spy)
    url = files.add("done.bin", random_bytes(1000, seed=53))

    fetch(client, url, tmp_path / "done.bin")

    (wire,) = wires
    assert wire._closed and not wire._idle


@both_paths
def test_a_stalled_body_times_out_and_resumes(
    scripted: _Scripted, tmp_path: Path
) -> None:
    data = random_bytes(200_000, seed=54)
    stalls = [0.5]

    def serve(handler: BaseHTTPRequestHandler) -> None:
        start = int(handler.headers["Range"].removeprefix("bytes=").rstrip("-"))
        handler.send_response(206)
        handler.send_header("Content-Length", str(len(data) - start))
        handler.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/200000")
        handler.send_header("ETag", '"v1"')
        handler.end_headers()
        if stalls:
            handler.wfile.write(data[start : start + 50_000])
            time.sleep(stalls.pop())  # then give up on this response
            handler.close_connection = True
            return
        handler.wfile.write(data[start:])

    scripted.routes["/stall.bin"] = serve

    with retrying_client(timeout=httpx.Timeout(0.2)) as client:
        fetch(client, f"{_base(scripted)}/stall.bin", tmp_path / "stall.bin")

    assert (tmp_path / "stall.bin").read_bytes() == data
    assert len(scripted.seen) == 2


@both_paths
def test_a_chunked_body(
    client: httpx.Client, scripted: _Scripted, tmp_path: Path
) -> None:
    data = random_bytes(300_000, seed=55)

    def serve(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for start in range(0, len(data), 70_000):
            piece = data[start : start + 70_000]
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        handler.wfile.write(b"0\r\n\r\n")

    scripted.routes["/chunked.bin"] = serve

    fetch(client, f"{_base(scripted)}/chunked.bin", tmp_path / "chunked.bin")

    assert (tmp_path / "chunked.bin").read_bytes() == data


def test_the_clients_tls_settings_are_kept() -> None:
    with httpx.Client() as verifying, httpx.Client(verify=False) as trusting:
        strict = wire_for(verifying, "https://example.com/x")
        lax = wire_for(trusting, "https://example.com/x")
    assert strict is not None and lax is not None
    assert strict._ssl_context is not None and lax._ssl_context is not None
    assert strict._ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert strict._ssl_context.check_hostname
    assert lax._ssl_context.verify_mode == ssl.CERT_NONE
