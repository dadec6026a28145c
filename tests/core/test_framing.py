"""Framing, size and time guarantees, against a raw-socket server on 127.0.0.1.

Each answer is scripted byte for byte (and pause for pause), so the client
meets exactly the message a broken or hostile server would send. GraphQL
calls are checked on both clients (h11 parses for the sync one, aiohttp for
the async one); downloads through the transfer code over httpx.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from numerapi_gen import (
    APITimeoutError,
    AsyncNumerAPI,
    IncompleteDownloadError,
    InvalidResponseError,
    NumeraiError,
    NumerAPI,
    ResponseTooLargeError,
    TransferError,
    _retry,
)
from numerapi_gen._transfer import download_file

#: What a scripted answer is: bytes to send, and pauses (seconds) between them.
Script = list[bytes | float]

ROUND = json.dumps(
    {
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
).encode()


class RawServer:
    """Answers each request with ``script(request_head)``, then closes."""

    def __init__(self, script: Callable[[bytes], Script]) -> None:
        self.script = script
        self.heads: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(
                target=self._serve, args=(connection,), daemon=True
            ).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                piece = connection.recv(65536)
                if not piece:
                    return
                data += piece
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(body) < length:
                body += connection.recv(65536)
            self.heads.append(head)
            try:
                for step in self.script(head):
                    if isinstance(step, float):
                        time.sleep(step)
                    else:
                        connection.sendall(step)
            except OSError:
                return  # the client gave up first

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[bytes], Script]], RawServer]]:
    servers: list[RawServer] = []

    def start(script: Callable[[bytes], Script]) -> RawServer:
        servers.append(RawServer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_retry, "sleep", lambda _: None)


def answer(*headers: str, status: str = "200 OK", body: bytes = ROUND) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Content-Type: application/json", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(body: bytes) -> bytes:
    return b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)


QUERY = "query { rounds(tournament: 8) { number } }"


def current_round(url: str, stack: str, **options: object) -> int:
    """A round-number query on the sync or the async client (``raw_query``:
    the scripted answer need not carry every field of a generated result;
    one attempt, as ``raw_query`` counts them)."""
    if stack == "sync":
        with NumerAPI(api_url=url, **options) as api:  # type: ignore[arg-type]
            answer = api.raw_query(QUERY, retries=1)
    else:

        async def run() -> dict[str, object]:
            async with AsyncNumerAPI(api_url=url, **options) as api:  # type: ignore[arg-type]
                return await api.raw_query(QUERY, retries=1)

        answer = asyncio.run(run())
    return int(answer["data"]["rounds"][0]["number"])  # type: ignore[index]


STACKS = pytest.mark.parametrize("stack", ["sync", "async"])


# --- GraphQL answers ------------------------------------------------------------


@STACKS
def test_interim_responses_are_skipped(
    serve: Callable[..., RawServer], stack: str
) -> None:
    early = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
    server = serve(
        lambda _: [early, answer(f"Content-Length: {len(ROUND)}", "Connection: close")]
    )
    assert current_round(server.url, stack) == 777


@STACKS
@pytest.mark.parametrize(
    "framing",
    [
        [f"Content-Length: {len(ROUND)}", f"Content-Length: {len(ROUND) + 5}"],
        [f"Content-Length: {len(ROUND)}, {len(ROUND) - 3}"],
        ["Content-Length: 300000", "Transfer-Encoding: chunked"],
    ],
    ids=["two-lengths", "a-list-of-lengths", "length-and-chunked"],
)
def test_ambiguous_lengths_are_an_error_never_an_answer(
    serve: Callable[..., RawServer], stack: str, framing: list[str]
) -> None:
    body = chunked(ROUND) if "chunked" in framing[-1] else ROUND + b"     "
    server = serve(lambda _: [answer(*framing, "Connection: close", body=body)])
    with pytest.raises(NumeraiError):
        current_round(server.url, stack, max_retries=0)


def test_length_and_chunked_is_an_invalid_response(
    serve: Callable[..., RawServer],
) -> None:
    """h11 would read it as chunked; the client refuses to pick."""
    server = serve(
        lambda _: [
            answer(
                "Content-Length: 300000",
                "Transfer-Encoding: chunked",
                body=chunked(ROUND),
            )
        ]
    )
    with pytest.raises(InvalidResponseError, match="ambiguous"):
        current_round(server.url, "sync", max_retries=0)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """16 MiB of JSON whitespace in ~16 KiB of gzip."""
    return gzip.compress(b"{" + b" " * (16 * 1024 * 1024) + b"}", compresslevel=9)


@STACKS
def test_a_compressed_answer_is_not_inflated_past_the_cap(
    serve: Callable[..., RawServer], stack: str, gzip_bomb: bytes
) -> None:
    server = serve(
        lambda _: [
            answer(
                "Content-Encoding: gzip",
                f"Content-Length: {len(gzip_bomb)}",
                body=gzip_bomb,
            )
        ]
    )
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            current_round(server.url, stack, max_response_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 * 1024 * 1024  # the cap and one decoded piece, not 16 MiB
    assert len(server.heads) == 1  # a size error is not retried


@STACKS
@pytest.mark.parametrize(
    "framing",
    [
        "Content-Length: 68719476736",  # 64 GiB
        "Content-Length: 18446744073709551616",  # 2**64
        "Transfer-Encoding: chunked",
    ],
    ids=["64GiB", "2**64", "huge-chunk"],
)
def test_huge_lengths_are_typed_errors(
    serve: Callable[..., RawServer], stack: str, framing: str
) -> None:
    body = b"1000000000\r\n" + ROUND if "chunked" in framing else ROUND
    server = serve(lambda _: [answer(framing, body=body)])
    with pytest.raises(NumeraiError):
        current_round(server.url, stack, max_retries=0)


@STACKS
def test_timeout_bounds_the_whole_attempt(
    serve: Callable[..., RawServer], stack: str
) -> None:
    """One byte every 50 ms never trips a per-read timeout; the call's does."""
    trickle: Script = [answer(f"Content-Length: {len(ROUND)}", body=b"")]
    for byte in ROUND:
        trickle += [0.05, bytes([byte])]
    server = serve(lambda _: trickle)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        current_round(server.url, stack, timeout=0.5, max_retries=0)
    assert time.monotonic() - started < 2.0  # the whole body takes over 6 s


def _late_headers_then_silence(_: bytes) -> Script:
    return [0.45, answer(f"Content-Length: {len(ROUND)}", body=b""), 2.0]


def _trickled_headers(_: bytes) -> Script:
    head = answer(f"Content-Length: {len(ROUND)}", body=b"")
    return [step for byte in head for step in (0.02, bytes([byte]))]


@STACKS
@pytest.mark.parametrize(
    "script",
    [_late_headers_then_silence, _trickled_headers],
    ids=["late-headers-then-silence", "trickled-headers"],
)
def test_a_silent_or_trickling_server_is_cut_off_at_the_deadline(
    serve: Callable[..., RawServer], stack: str, script: Callable[[bytes], Script]
) -> None:
    """No read ever waits a whole timeout, yet the attempt ends with it:
    headers just before the deadline renew no read timeout, and headers a
    byte at a time (longer than the deadline in all) do not hold it open."""
    url = serve(script).url
    options: dict[str, Any] = {"api_url": url, "timeout": 0.5, "max_retries": 0}

    if stack == "sync":
        with NumerAPI(**options) as api:
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                api.raw_query(QUERY, retries=1)
            took = time.monotonic() - started
    else:

        async def run() -> float:
            async with AsyncNumerAPI(**options) as api:
                started = time.monotonic()
                with pytest.raises(APITimeoutError):
                    await api.raw_query(QUERY, retries=1)
                return time.monotonic() - started

        took = asyncio.run(run())
    assert took < 0.5 + 0.25


# --- downloads --------------------------------------------------------------------


def fetch(url: str, dest: Path, *, timeout: float = 5.0) -> Path:
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        return download_file(
            client, url, dest, show_progress=False, max_retries=2, connections=1
        )


def test_a_download_skips_interim_responses(
    serve: Callable[..., RawServer], tmp_path: Path
) -> None:
    data = bytes(range(256)) * 40
    early = b"HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n"
    server = serve(lambda _: [early, answer(f"Content-Length: {len(data)}", body=data)])
    assert fetch(f"{server.url}/f.bin", tmp_path / "f.bin").read_bytes() == data


@pytest.mark.parametrize(
    "framing",
    [
        ["Content-Length: 300000", "Transfer-Encoding: chunked"],
        ["Content-Length: 18446744073709551616"],
    ],
    ids=["length-and-chunked", "2**64"],
)
def test_a_download_with_an_impossible_length_leaves_no_file(
    serve: Callable[..., RawServer], tmp_path: Path, framing: list[str]
) -> None:
    body = chunked(b"x" * 100) if "chunked" in framing[-1] else b"x" * 100
    server = serve(lambda _: [answer(*framing, body=body)])
    with pytest.raises(TransferError):
        fetch(f"{server.url}/f.bin", tmp_path / "f.bin")
    assert not (tmp_path / "f.bin").exists()


@pytest.mark.parametrize("length", [300_000, 64 * 1024**3])
def test_a_short_body_never_becomes_a_complete_file(
    serve: Callable[..., RawServer], tmp_path: Path, length: int
) -> None:
    server = serve(lambda _: [answer(f"Content-Length: {length}", body=b"x" * 100)])
    with pytest.raises(IncompleteDownloadError):
        fetch(f"{server.url}/f.bin", tmp_path / "f.bin")
    assert not (tmp_path / "f.bin").exists()
    assert len(server.heads) == 3  # the first try and two retries


def test_a_transfer_fails_on_a_stall_not_on_its_total_time(
    serve: Callable[..., RawServer], tmp_path: Path
) -> None:
    data = bytes(range(256)) * 400
    steady: Script = [answer(f"Content-Length: {len(data)}", body=b"")]
    for start in range(0, len(data), len(data) // 10):
        steady += [0.1, data[start : start + len(data) // 10]]
    server = serve(lambda _: steady)
    # ~1 s in all, never 0.4 s without a byte: it completes.
    assert (
        fetch(f"{server.url}/f.bin", tmp_path / "f.bin", timeout=0.4).read_bytes()
        == data
    )

    stalled = serve(
        lambda _: [answer(f"Content-Length: {len(data)}", body=data[:100]), 1.0]
    )
    with pytest.raises(IncompleteDownloadError, match="ReadTimeout"):
        fetch(f"{stalled.url}/f.bin", tmp_path / "g.bin", timeout=0.2)


def test_the_clients_transfers_time_out_per_read() -> None:
    with NumerAPI(timeout=7) as api:
        assert api._transfers.timeout.read == 7


def test_a_body_that_does_not_decode_is_a_transfer_error(
    serve: Callable[..., RawServer], tmp_path: Path
) -> None:
    """httpx's DecodingError, met mid-download, leaves the client as a
    NumeraiError, and no file."""
    from numerapi_gen._plan import Download

    body = b"this is not gzip at all"
    server = serve(
        lambda _: [
            answer("Content-Encoding: gzip", f"Content-Length: {len(body)}", body=body)
        ]
    )
    with NumerAPI(show_progress_bars=False, max_retries=0) as api:
        step = Download(url=f"{server.url}/f.csv", dest=tmp_path / "f.csv")
        with pytest.raises(TransferError, match="DecodingError"):
            api._transfer(step)()
    assert not (tmp_path / "f.csv").exists()
