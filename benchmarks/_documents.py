"""numerapi-gen's operations as whole documents, with the shared fragments
they spread, for the benchmark parts that post or answer raw GraphQL (the
``raw`` floor clients and the canned-answer server)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERIES = Path(__file__).resolve().parent.parent / "queries"


@cache
def operation_document(name: str) -> str:
    """``queries/<name>.graphql`` plus the fragments of ``queries/fragments``
    it uses: what the generated client sends."""
    from graphql import parse, print_ast

    from numerapi_gen._schema_tools import (
        fragment_files,
        shared_fragments,
        with_used_fragments,
    )

    document = parse((QUERIES / f"{name}.graphql").read_text(encoding="utf-8"))
    fragments = shared_fragments(fragment_files(QUERIES))
    return print_ast(with_used_fragments(document, fragments))
