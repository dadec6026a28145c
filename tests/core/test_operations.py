"""The retry policy tells queries from mutations without importing graphql-core."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse

from numerapi_gen._operations import top_level_operations
from numerapi_gen._retry import _is_mutation
from numerapi_gen.testing import FakeNumerai

QUERIES = Path(__file__).resolve().parents[2] / "queries"


def graphql_core_reading(document: str) -> list[tuple[str, str | None]]:
    return [
        (d.operation.value, d.name.value if d.name else None)
        for d in parse(document).definitions
        if isinstance(d, OperationDefinitionNode)
    ]


TRICKY = [
    "{ rounds { number } }",
    "query { a }",
    'mutation M($x: String = "}{ mutation") { setBio(bio: $x) }',
    "# mutation in a comment\nquery Q { a }",
    'query Q { a(text: """ block "" with } and \\""" inside """) }',
    "fragment F on Mutation { a } query Q { ...F }",
    "query A { a } mutation B { b } subscription C { c }",
    "query Q($in: In = {nested: {deep: 1}}) @dir(x: {y: 2}) { a }",
    "mutation\n  # the name comes after a comment\n  Named { b }",
    "\ufeff  ,, query Q{a}",
    "query mutation { mutation: a }",  # names are not reserved words
]


@pytest.mark.parametrize(
    "document",
    [p.read_text() for p in sorted(QUERIES.glob("*.graphql"))] + TRICKY,
)
def test_the_scanner_reads_what_graphql_core_reads(document: str) -> None:
    assert top_level_operations(document) == graphql_core_reading(document)


@pytest.mark.parametrize(
    "document",
    [
        "type Query { a: Int }",  # not an executable document
        "query Q { a ",  # unbalanced
        "query Q { a } }",
        'query Q { a(x: "unterminated) }',
        "query Q",
    ],
)
def test_the_scanner_gives_up_where_unsure(document: str) -> None:
    assert top_level_operations(document) is None


def test_is_mutation_follows_the_operation_name() -> None:
    both = "query A { a } mutation B { b }"
    assert _is_mutation(both, "A") is False
    assert _is_mutation(both, "B") is True
    assert _is_mutation(both, None) is False  # the first, as graphql-core's reading
    assert _is_mutation(both, "C") is True  # unknown: treated as unsafe
    assert _is_mutation("query Q { a ", None) is True  # a syntax error: unsafe


def test_api_calls_do_not_import_graphql_core(fake_numerai: FakeNumerai) -> None:
    script = (
        "import json, sys\n"
        "from numerapi_gen import NumerAPI\n"
        "server = json.loads(sys.argv[1])\n"
        "api = NumerAPI(server['id'], server['key'], api_url=server['url'])\n"
        "api.get_current_round(); api.get_account()\n"
        "print('graphql' in sys.modules)\n"
    )
    server = {
        "id": fake_numerai.public_id,
        "key": fake_numerai.secret_key,
        "url": fake_numerai.url,
    }
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(server)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"
    assert len(fake_numerai.requests) == 2
