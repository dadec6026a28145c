"""Fixtures for the fake-server tests: a started server and a GraphQL helper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_server_helpers import GraphQL, make_gql

from numerapi_gen.testing import FakeNumerai


@pytest.fixture
def server() -> Iterator[FakeNumerai]:
    with FakeNumerai(seed=7) as fake:
        yield fake


@pytest.fixture
def gql(server: FakeNumerai) -> GraphQL:
    return make_gql(server)
