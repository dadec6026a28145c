"""Every root field of the schema is either used by an operation or left out on purpose.

The covered set is read from ``queries/*.graphql``, the left-out set from the
table in ``queries/README.md``, the whole set from ``schema/numerai.graphql``;
nothing here is counted by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import graphql
import pytest

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| `(\w+)` \| (query|mutation) \| (.+?) \|$")

#: The participant operations issue #14 asked for (they must stay covered).
PARTICIPANT = {
    "query": [
        "apiTokenInfo",
        "apiTokenScopes",
        "computePickles",
        "computePickleDownloadAuth",
        "roundDetails",
        "userScores",
        "tournaments",
        "tournamentOverview",
        "v2TournamentOverview",
        "latestNmrPrice",
        "latestCurrencyPrice",
        "stakeTransactions",
        "modelNameAvailable",
        "triggerLogs",
        "diagnosticsTriggerLogs",
        "seasonLeaderboard",
        "seasonAccountSummary",
        "signalsLeaderboardOverview",
        "cryptosignalsLeaderboardOverview",
        "v3StakeServiceWallet",
    ],
    "mutation": [
        "addModel",
        "archiveModel",
        "unarchiveModel",
        "renameModel",
        "assignPickleToModel",
        "triggerComputePickleUpload",
        "updatePickleLabel",
        "triggerModelWebhook",
        "testSubmissionWebhook",
        "deleteDiagnostics",
        "increaseStake",
        "cancelPendingStakeRelease",
        "v3ChangePayoutSelection",
        "createApiToken",
        "revokeApiToken",
        "setAccountMeta",
    ],
}

Field = tuple[str, str]


def schema_root_fields() -> set[Field]:
    schema = graphql.build_schema((ROOT / "schema" / "numerai.graphql").read_text())
    fields: set[Field] = set()
    for kind, root in (
        ("query", schema.query_type),
        ("mutation", schema.mutation_type),
    ):
        assert root is not None
        fields.update((kind, name) for name in root.fields)
    return fields


def covered_root_fields() -> set[Field]:
    fields: set[Field] = set()
    for path in sorted((ROOT / "queries").glob("*.graphql")):
        for definition in graphql.parse(path.read_text()).definitions:
            if not isinstance(definition, graphql.OperationDefinitionNode):
                continue
            for selection in definition.selection_set.selections:
                assert isinstance(selection, graphql.FieldNode), path
                fields.add((definition.operation.value, selection.name.value))
    return fields


def left_out_root_fields() -> dict[Field, str]:
    text = (ROOT / "queries" / "README.md").read_text()
    section = text.split("## Root fields left out", 1)[1].split("\n## ", 1)[0]
    rows: dict[Field, str] = {}
    for line in section.splitlines():
        match = ROW.match(line.strip())
        if match:
            name, kind, reason = match.groups()
            assert (kind, name) not in rows, f"{name} is listed twice"
            rows[(kind, name)] = reason
    return rows


@pytest.fixture(scope="module")
def fields() -> tuple[set[Field], set[Field], dict[Field, str]]:
    return schema_root_fields(), covered_root_fields(), left_out_root_fields()


def test_every_root_field_is_covered_or_left_out_with_a_reason(
    fields: tuple[set[Field], set[Field], dict[Field, str]],
) -> None:
    schema, covered, left_out = fields
    assert covered <= schema
    unexplained = schema - covered - set(left_out)
    assert not unexplained, (
        f"neither covered nor listed in queries/README.md: {unexplained}"
    )
    assert not (covered & set(left_out)), "covered fields listed as left out"
    assert set(left_out) <= schema, "queries/README.md lists fields the schema lacks"
    assert all(len(reason) > 10 for reason in left_out.values())


def test_the_participant_fields_are_covered(
    fields: tuple[set[Field], set[Field], dict[Field, str]],
) -> None:
    _, covered, _ = fields
    wanted = {(kind, name) for kind, names in PARTICIPANT.items() for name in names}
    assert wanted <= covered, wanted - covered
