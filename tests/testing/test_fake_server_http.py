"""The fake server speaks HTTP/1.1 as the standard library parses it."""

from __future__ import annotations

import json
import socket

import pytest

from numerapi_gen.testing import FakeNumerai

# The standard library's limits (``http.client._MAXLINE``/``_MAXHEADERS``).
MAX_LINE = 65536
MAX_HEADERS = 100


def _exchange(server: FakeNumerai, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _post(body: bytes, version: bytes = b"HTTP/1.1", extra: bytes = b"") -> bytes:
    return (
        b"POST / " + version + b"\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\n"
        + extra
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


QUERY = json.dumps({"query": "query Rounds { rounds(number: 0) { number } }"}).encode()


def test_keep_alive_requests_on_one_connection_are_all_answered(
    server: FakeNumerai,
) -> None:
    answer = _exchange(server, _post(QUERY) * 3)
    assert answer.count(b"HTTP/1.1 200 OK\r\n") == 3
    assert answer.count(b'"rounds"') == 3
    assert server.connections_accepted == 1
    assert [r.headers["Content-Type"] for r in server.requests] == [
        "application/json"
    ] * 3


def test_http_1_0_closes_unless_keep_alive_is_asked_for(server: FakeNumerai) -> None:
    closed = _exchange(server, _post(QUERY, b"HTTP/1.0") * 2)
    assert closed.count(b"HTTP/1.1 200 OK") == 1
    kept = _exchange(
        server, _post(QUERY, b"HTTP/1.0", b"Connection: keep-alive\r\n") * 2
    )
    assert kept.count(b"HTTP/1.1 200 OK") == 2


def test_connection_close_is_honoured(server: FakeNumerai) -> None:
    answer = _exchange(server, _post(QUERY, extra=b"Connection: close\r\n") * 2)
    assert answer.count(b"HTTP/1.1 200 OK") == 1
    assert b"Connection: close" in answer


def test_expect_100_continue_gets_an_interim_answer(server: FakeNumerai) -> None:
    answer = _exchange(server, _post(QUERY, extra=b"Expect: 100-continue\r\n"))
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")


def test_folded_headers_still_reach_the_handler(server: FakeNumerai) -> None:
    raw = _post(QUERY, extra=b"X-Note: first\r\n second\r\n")
    assert _exchange(server, raw).startswith(b"HTTP/1.1 200 OK")
    assert server.requests.last.headers["X-Note"] == "first\r\n second"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"POST / HTTP/2.0\r\n\r\n", b"505"),
        (b"POST / HTTP/1.x\r\n\r\n", b"400"),
        (b"POST /\r\n\r\n", b"400"),
        (b"POST / HTTP/1.1\r\nX: " + b"a" * MAX_LINE + b"\r\n\r\n", b"431"),
        (
            b"POST / HTTP/1.1\r\n"
            + b"".join(b"X%d: 1\r\n" % i for i in range(MAX_HEADERS + 1))
            + b"\r\n",
            b"431",
        ),
    ],
)
def test_malformed_requests_get_the_standard_error(
    server: FakeNumerai, raw: bytes, status: bytes
) -> None:
    # Lines the standard library rejects before it knows the version get a
    # bare HTTP/0.9-style body, so look for the code in the page it sends.
    assert b"<p>Error code: " + status + b"</p>" in _exchange(server, raw)


def test_double_slash_paths_are_reduced(server: FakeNumerai) -> None:
    raw = b"GET //health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    assert _exchange(server, raw).endswith(b"\r\n\r\nok\n")
    assert server.requests.last.path == "/health"


def test_date_header_is_current_http_date(server: FakeNumerai) -> None:
    import email.utils
    import time

    raw = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    before = time.time()
    head = _exchange(server, raw).split(b"\r\n\r\n", 1)[0].decode("latin-1")
    after = time.time()
    date = next(
        line.split(":", 1)[1].strip()
        for line in head.split("\r\n")
        if line.lower().startswith("date:")
    )
    assert date.endswith(" GMT")
    sent = email.utils.parsedate_to_datetime(date).timestamp()
    assert int(before) <= sent <= after
