"""What a schema change hits: operations, query files and public methods."""

from __future__ import annotations

from pathlib import Path

import pytest

from numerapi_gen import CryptoAPI, NumerAPI, SignalsAPI
from numerapi_gen._schema_impact import (
    ImpactIndex,
    packaged_impact_index,
    packaged_operations,
    public_methods_by_client_method,
    query_files_by_operation,
)
from numerapi_gen._schema_tools import packaged_schema

CLIENTS = (NumerAPI, SignalsAPI, CryptoAPI)


@pytest.fixture(scope="module")
def index(repo_root: Path) -> ImpactIndex:
    return packaged_impact_index(packaged_schema(), repo_root / "queries")


def test_every_operation_maps_to_its_file_and_a_public_method(
    repo_root: Path,
) -> None:
    operations = packaged_operations()
    files = query_files_by_operation(repo_root / "queries")
    assert {op.name for op in operations} == set(files)
    methods = public_methods_by_client_method()
    for op in operations:
        assert methods.get(op.client_method), op.name
        # the names found are real public methods of the clients
        for name in methods[op.client_method]:
            assert any(hasattr(api, name) for api in CLIENTS), (op.name, name)


def test_a_field_change_hits_the_operations_selecting_it(index: ImpactIndex) -> None:
    impact = index.of("Round.roundScoreConfigs changed type from X to Y.")
    # ListRounds selects it (through the shared Round fragment, like others)
    assert "ListRounds" in impact.operations
    assert "queries/list_rounds.graphql" in impact.files
    assert "list_rounds" in impact.methods
    assert "GetAccount" not in impact.operations
    assert len(impact.files) == len(impact.operations)
    # a parameter's name is not a call: get_account's plan is not reached
    impact = index.of("AccountProfile.models was removed.")
    assert "get_account" not in impact.methods


def test_a_type_change_hits_operations_using_the_type(index: ImpactIndex) -> None:
    impact = index.of("ARCHIVED was removed from enum type RoundStatus.")
    assert "queries/list_rounds.graphql" in impact.files  # a variable's type
    assert "list_rounds" in impact.methods
    unused = index.of("NoSuchType.field was removed.")
    assert (unused.operations, unused.methods) == ((), ())
    assert str(unused) == "no operation of this client uses it"
