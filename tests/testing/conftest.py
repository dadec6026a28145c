"""Fixtures for the fake-server tests: a started server and a GraphQL helper."""

from __future__ import annotations

import pytest
from fake_server_helpers import GraphQL, make_gql

from numerapi_gen.testing import FakeNumerai
from numerapi_gen.testing.pytest_plugin import FakeNumeraiPool


@pytest.fixture
def server(fake_numerai_pool: FakeNumeraiPool) -> FakeNumerai:
    """The session's seed-7 server, reset for this test."""
    return fake_numerai_pool.get(seed=7)


@pytest.fixture
def gql(server: FakeNumerai) -> GraphQL:
    return make_gql(server)
