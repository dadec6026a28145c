"""Downloads over httpx: retries, redirects, timeouts, encodings and framings.

What the transfer code asks of httpx and adds itself (retrying busy answers
and failed requests, refusing endless redirects), against the fake server's
file host and a small scripted server on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from _transfer_support import MAX_RETRIES, SIGNATURE, Files, random_bytes

from numerapi_gen._errors import APIConnectionError, APITimeoutError, TransferError
from numerapi_gen._transfer import download_file

MiB = 1024 * 1024


def fetch(client: httpx.Client, url: str, dest: Path) -> Path:
    return download_file(
        client, url, dest, show_progress=False, max_retries=MAX_RETRIES, connections=1
    )


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


def test_a_server_too_slow_to_answer_times_out(files: Files, tmp_path: Path) -> None:
    url = files.add("slow.bin", b"data")
    fault = files.server.faults.add(path="/files/slow.bin", latency=0.3)

    with (
        httpx.Client(timeout=httpx.Timeout(0.1)) as client,
        pytest.raises(APITimeoutError, match="ReadTimeout"),
    ):
        fetch(client, url, tmp_path / "slow.bin")

    assert fault.fired == MAX_RETRIES + 1


# --- a scripted server -------------------------------------------------------------

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


def test_endless_redirects_end_in_a_transfer_error(
    scripted: _Scripted, tmp_path: Path
) -> None:
    scripted.routes["/loop?sig=1"] = (302, {"Location": "/loop?sig=1"}, b"")

    with (
        httpx.Client(follow_redirects=True, max_redirects=3) as client,
        pytest.raises(TransferError, match="redirect") as caught,
    ):
        fetch(client, f"{_base(scripted)}/loop?sig=1", tmp_path / "loop.bin")

    assert len(scripted.seen) == 4
    assert "sig=1" not in str(caught.value)
    assert not (tmp_path / "loop.bin").exists()


def test_an_encoded_body_is_decoded(
    client: httpx.Client, scripted: _Scripted, tmp_path: Path
) -> None:
    data = b"era,target\n" * 10_000
    headers = {"Content-Encoding": "gzip", "ETag": '"e"', "Accept-Ranges": "bytes"}
    scripted.routes["/data.csv"] = (200, headers, gzip.compress(data))

    fetch(client, f"{_base(scripted)}/data.csv", tmp_path / "data.csv")

    assert (tmp_path / "data.csv").read_bytes() == data
    assert len(scripted.seen) == 1


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

    with httpx.Client(timeout=httpx.Timeout(0.2)) as client:
        fetch(client, f"{_base(scripted)}/stall.bin", tmp_path / "stall.bin")

    assert (tmp_path / "stall.bin").read_bytes() == data
    assert len(scripted.seen) == 2


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
