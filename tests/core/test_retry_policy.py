"""Backoff arithmetic and request classification (the wire tests are elsewhere)."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest
from numerai_graphql import AsyncClient, Client

from numerapi_gen._plan import is_query
from numerapi_gen._retry import Attempts, RetryPolicy, parse_retry_after


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


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("query Q { rounds { number } }", True),
        ("{ rounds { number } }", True),
        ('# a comment\nquery "x" { y }', False),  # does not parse
        ("mutation M { logout }", False),
        ("query A { x } mutation B { y }", False),  # the server picks: not ours
        ("fragment F on Round { number } query Q { rounds { ...F } }", True),
        ("this is not graphql", False),
    ],
)
def test_raw_documents_are_read_by_graphql_core(document: str, expected: bool) -> None:
    assert is_query(document) is expected


def test_generated_operations_declare_their_mutations() -> None:
    assert "set_bio" in Client.MUTATIONS
    assert "get_submission_upload_auth" in dir(Client)
    assert "get_submission_upload_auth" not in Client.MUTATIONS  # a query
    assert "get_account" not in Client.MUTATIONS
    assert Client.MUTATIONS == AsyncClient.MUTATIONS


def test_only_connection_failures_retry_a_mutation() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/")
    mutation = Attempts(RetryPolicy(max_retries=2), "SetBio", repeatable=False)
    assert mutation.after_error(httpx.ConnectError("refused", request=request))
    assert mutation.after_error(httpx.ReadError("reset", request=request)) is None
    assert mutation.after_status(503, None) is None
    query = Attempts(RetryPolicy(max_retries=1), "GetAccount", repeatable=True)
    assert query.after_status(503, "0") == 0
    assert query.after_error(httpx.ReadError("reset", request=request)) is None
