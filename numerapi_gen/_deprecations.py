"""Deprecated schema fields that operations use, checked against a written policy.

A deprecated field is one the API may remove. Every use of one in ``queries/``
has to be listed, with a reason, in the "Deprecated fields in use" table of
``queries/README.md``; ``scripts/generate.py`` fails on an unlisted use (and on
a listed use that is gone), and ``numerapi-gen schema check`` prints them all.
graphql-core's ``TypeInfo`` resolves each selected field to its definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    parse,
    visit,
)

from ._schema_tools import OperationProblem, shared_fragments, with_used_fragments

#: The heading of the policy's table in ``queries/README.md``.
POLICY_HEADING = "## Deprecated fields in use"
_CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class DeprecatedUse:
    """One operation selecting one deprecated field."""

    operation: str
    coordinate: str  # "Type.field"
    reason: str  # the schema's deprecation reason
    path: Path

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.operation} selects deprecated {self.coordinate} "
            f"({self.reason})"
        )


@dataclass(frozen=True)
class PolicyEntry:
    """One row of the policy: a field, the operations allowed it, and why."""

    coordinate: str
    operations: frozenset[str]
    why: str


class _Collector(Visitor):
    def __init__(self, type_info: TypeInfo, path: Path) -> None:
        super().__init__()
        self.type_info = type_info
        self.path = path
        self.operation = ""
        self.uses: list[DeprecatedUse] = []

    def enter_operation_definition(
        self, node: OperationDefinitionNode, *_: object
    ) -> None:
        self.operation = node.name.value if node.name else "(anonymous)"

    def enter_field(self, node: FieldNode, *_: object) -> None:
        field = self.type_info.get_field_def()
        parent = self.type_info.get_parent_type()
        if field is None or parent is None or field.deprecation_reason is None:
            return
        self.uses.append(
            DeprecatedUse(
                self.operation,
                f"{parent.name}.{node.name.value}",
                field.deprecation_reason,
                self.path,
            )
        )


def deprecated_uses(
    schema: GraphQLSchema, paths: Iterable[Path], fragments: Iterable[Path] = ()
) -> list[DeprecatedUse]:
    """Every selection of a deprecated field in the documents, in file order.

    A field selected in a shared fragment (one of the ``fragments`` files)
    counts as a use by each operation that spreads it. Documents that do not
    parse are skipped (validation reports them).
    """
    shared = shared_fragments(fragments)
    uses: list[DeprecatedUse] = []
    for path in paths:
        try:
            document = with_used_fragments(
                parse(path.read_text(encoding="utf-8")), shared
            )
        except (OSError, GraphQLError):
            continue
        type_info = TypeInfo(schema)
        collector = _Collector(type_info, path)
        visit(document, TypeInfoVisitor(type_info, collector))
        uses.extend(dict.fromkeys(collector.uses))  # once per field and operation
    return uses


def read_policy(readme: Path) -> list[PolicyEntry]:
    """The rows of the policy table (``| `T.f` | `Op`, `Op` | why |``)."""
    text = readme.read_text(encoding="utf-8")
    start = text.find(POLICY_HEADING)
    if start < 0:
        return []
    entries: list[PolicyEntry] = []
    for line in text[start + len(POLICY_HEADING) :].splitlines():
        if line.startswith("#"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        field, operations, why = cells
        entries.append(
            PolicyEntry(
                field.strip("`"), frozenset(_CODE.findall(operations)), why.strip()
            )
        )
    return entries


def policy_problems(
    uses: Iterable[DeprecatedUse], policy: Iterable[PolicyEntry], readme: Path
) -> list[OperationProblem]:
    """Uses the policy does not allow (or gives no reason for), and stale rows."""
    allowed = {
        (entry.coordinate, operation): entry
        for entry in policy
        for operation in entry.operations
    }
    where = f"'{POLICY_HEADING}' in {readme}"
    problems: list[OperationProblem] = []
    seen: set[tuple[str, str]] = set()
    for use in uses:
        key = (use.coordinate, use.operation)
        seen.add(key)
        entry = allowed.get(key)
        if entry is None or not entry.why:
            problems.append(
                OperationProblem(
                    use.path,
                    f"{use.operation} selects deprecated {use.coordinate} "
                    f"({use.reason}), which is not listed with a reason under "
                    f"{where}",
                )
            )
    for coordinate, operation in sorted(set(allowed) - seen):
        problems.append(
            OperationProblem(
                readme,
                f"{operation} no longer selects deprecated {coordinate}: "
                f"remove it from {where}",
            )
        )
    return problems
