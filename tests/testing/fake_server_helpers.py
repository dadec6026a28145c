"""Helpers for the fake-server tests (imported by name; not a conftest).

The tests talk HTTP with httpx directly so they exercise the server alone,
independently of the client layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from graphql import parse, print_ast

from numerapi_gen._schema_tools import (
    fragment_files,
    query_files,
    shared_fragments,
    with_used_fragments,
)
from numerapi_gen.testing import FakeNumerai

REPO = Path(__file__).resolve().parents[2]
QUERIES = REPO / "queries"

GraphQL = Callable[..., dict[str, Any]]

# One client for all helpers: creating an httpx client per request builds an
# SSL context each time, which would dominate these tests' run time.
HTTP = httpx.Client(timeout=10)


def operation_name(text: str) -> str:
    match = re.search(r"\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)", text)
    assert match, "operation without a name"
    return match.group(1)


def query_documents() -> dict[str, str]:
    """Operation name -> document of every file in ``queries/``, with the shared
    fragments (``queries/fragments``) it spreads appended, as the client sends it."""
    shared = shared_fragments(fragment_files(QUERIES))
    return {
        operation_name(p.read_text()): print_ast(
            with_used_fragments(parse(p.read_text()), shared)
        )
        for p in query_files(QUERIES)
    }


def post(
    server: FakeNumerai,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    auth: bool = True,
    client: httpx.Client | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    send_headers = dict(server.auth_headers) if auth else {}
    send_headers.update(headers or {})
    body = {"query": query, "variables": variables or {}}
    if client is not None:
        return client.post(server.url, json=body, headers=send_headers)
    return HTTP.post(server.url, json=body, headers=send_headers)


def make_gql(server: FakeNumerai) -> GraphQL:
    """``gql(query, variables, auth=True)`` -> JSON body (asserts HTTP 200)."""

    def gql(
        query: str, variables: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        response = post(server, query, variables, **kw)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return gql


def upload(server: FakeNumerai, auth: dict[str, Any], data: bytes) -> httpx.Response:
    """PUT ``data`` to an upload-auth URL like a client would."""
    return HTTP.put(auth["url"], content=data)
