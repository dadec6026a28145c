"""Backoff arithmetic and request classification (the wire tests are elsewhere)."""

from __future__ import annotations

import email.utils
import json
import time

import httpx
import pytest

from numerapi_gen._retry import RetryPolicy, is_idempotent, parse_retry_after


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(backoff_factor=0.5, multiplier=2, max_backoff=3, jitter=0.5)
    for retry, full in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (8, 3.0)]:
        delays = [policy.backoff(retry) for _ in range(200)]
        assert all(full * 0.5 <= d <= full for d in delays)
        assert len(set(delays)) > 1  # jittered


def test_retry_after_wins_but_is_capped() -> None:
    policy = RetryPolicy(max_retry_after=10)
    assert policy.delay(1, 2.0) == 2.0
    assert policy.delay(1, 3600.0) == 10


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (parse_retry_after(future) or 0) <= 31


def _post(query: str, operation: str | None = None) -> httpx.Request:
    body = {"query": query, "operationName": operation, "variables": {}}
    return httpx.Request("POST", "http://127.0.0.1/", content=json.dumps(body))


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (_post("query Q { rounds { number } }"), True),
        (_post("{ rounds { number } }"), True),
        (_post("mutation M { logout }"), False),
        (_post("query A { x } mutation B { y }", "B"), False),
        (_post("query A { x } mutation B { y }", "A"), True),
        (_post("this is not graphql"), False),
        (httpx.Request("GET", "http://127.0.0.1/file"), True),
        (httpx.Request("PUT", "http://127.0.0.1/up", content=b"x"), True),
        (httpx.Request("PUT", "http://127.0.0.1/up", content=iter([b"x"])), False),
        (httpx.Request("POST", "http://127.0.0.1/", content=b"not json"), False),
    ],
)
def test_what_is_safe_to_send_twice(request_: httpx.Request, expected: bool) -> None:
    assert is_idempotent(request_) is expected
