"""Which operations, query files and public methods a schema change hits.

A change report that only says "Account.username was removed" leaves the
reader to find out what breaks. This module answers it from what ships:

* the operations are the documents of the generated ``Client``
  (``numerai_graphql/client.py``, read as source, never run), each with the
  name of the client method that sends it;
* an operation uses the fields and types graphql-core's ``TypeInfo`` resolves
  its selections, variables and arguments to;
* the public methods are found by reading ``numerapi_gen/_methods``: a method
  hits ``Client.x`` when it, or a plan function it reaches, names ``Client.x``.

graphql-core describes a change in words only; the coordinate it names
(``Type.field``, else a type name) is what is matched against the uses.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLSchema,
    NamedTypeNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    visit,
)

from ._schema_tools import SchemaChange

_COORDINATE = re.compile(r"\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b")
_WORD = re.compile(r"\b[A-Za-z_]\w*\b")
_METHODS_DIR = Path(__file__).resolve().parent / "_methods"


@dataclass(frozen=True)
class Operation:
    """One operation the generated client sends."""

    name: str  # the GraphQL operation name, e.g. GetAccount
    client_method: str  # the generated Client method, e.g. get_account
    document: DocumentNode


@dataclass(frozen=True)
class Impact:
    """What one change hits: operations, their query files, public methods."""

    operations: tuple[str, ...]
    files: tuple[str, ...]
    methods: tuple[str, ...]

    def __str__(self) -> str:
        if not self.operations:
            return "no operation of this client uses it"
        where = ", ".join(self.files or self.operations)
        methods = ", ".join(f"{m}()" for m in self.methods) or "no public method"
        return f"hits {where}; methods: {methods}"


def _gql_text(call: ast.Call) -> str:
    """The document of a ``gql(...)`` call: its string constants, in order."""
    return "".join(
        node.value
        for arg in call.args
        for node in ast.walk(arg)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def operations_of_client(source: str) -> list[Operation]:
    """The operations of a generated client module's source."""
    found: list[Operation] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "gql"
            ):
                document = parse(_gql_text(call))
                for definition in document.definitions:
                    if isinstance(definition, OperationDefinitionNode):
                        assert definition.name is not None  # named by the project
                        found.append(
                            Operation(definition.name.value, node.name, document)
                        )
                break
    return found


@lru_cache(maxsize=1)
def packaged_operations() -> tuple[Operation, ...]:
    """The operations of the installed generated ``Client``."""
    source = (
        resources.files("numerai_graphql")
        .joinpath("client.py")
        .read_text(encoding="utf-8")
    )
    return tuple(operations_of_client(source))


class _Uses(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.fields: set[str] = set()
        self.types: set[str] = set()

    def enter_field(self, node: FieldNode, *_: object) -> None:
        parent, field = self.type_info.get_parent_type(), self.type_info.get_field_def()
        if parent is not None and field is not None:
            self.fields.add(f"{parent.name}.{node.name.value}")
            self.types.update((parent.name, get_named_type(field.type).name))

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        argument = self.type_info.get_argument()
        if argument is not None:
            self.types.add(get_named_type(argument.type).name)

    def enter_named_type(self, node: NamedTypeNode, *_: object) -> None:
        self.types.add(node.name.value)  # variables' and fragments' types


def uses_of(schema: GraphQLSchema, document: DocumentNode) -> tuple[set[str], set[str]]:
    """(``Type.field`` coordinates, type names) a document uses in ``schema``."""
    type_info = TypeInfo(schema)
    uses = _Uses(type_info)
    visit(document, TypeInfoVisitor(type_info, uses))
    return uses.fields, uses.types


def _names_in(node: ast.FunctionDef) -> set[str]:
    """Global names and ``self.x`` / ``Client.x`` attributes a function names.

    Its parameters and local variables are left out (a parameter ``account``
    is not the plan function ``account``).
    """
    local = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
    local |= {
        child.id
        for child in ast.walk(node)
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store)
    }
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            if child.id not in local:
                names.add(child.id)
        elif isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name):
            if child.value.id in ("Client", "AsyncClient"):
                names.add(f"Client.{child.attr}")
            elif child.value.id == "self":
                names.add(f"self.{child.attr}")
    return names


@lru_cache(maxsize=1)
def public_methods_by_client_method() -> Mapping[str, frozenset[str]]:
    """Client method name -> the public (sync) API methods that send it."""
    functions: dict[str, set[str]] = {}
    methods: dict[tuple[str, str], set[str]] = {}
    for path in sorted(_METHODS_DIR.glob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"))
        for node in module.body:
            if isinstance(node, ast.FunctionDef):
                functions.setdefault(node.name, set()).update(_names_in(node))
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("Async"):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        methods[(node.name, item.name)] = _names_in(item)

    def reach(names: Iterable[str], cls: str, seen: set[str]) -> set[str]:
        sent: set[str] = set()
        for name in names:
            if name.startswith("Client."):
                sent.add(name.removeprefix("Client."))
                continue
            key = f"{cls}.{name}" if name.startswith("self.") else name
            if key in seen:
                continue
            seen.add(key)
            if name.startswith("self."):
                own = methods.get((cls, name.removeprefix("self.")), set())
                sent |= reach(own, cls, seen)
            elif name in functions:
                sent |= reach(functions[name], cls, seen)
        return sent

    result: dict[str, set[str]] = {}
    for (cls, name), names in methods.items():
        if name.startswith("_"):
            continue
        for client_method in reach(names, cls, set()):
            result.setdefault(client_method, set()).add(name)
    return {key: frozenset(value) for key, value in result.items()}


def query_files_by_operation(queries: Path | None) -> dict[str, str]:
    """Operation name -> ``queries/<file>`` for a repository's queries folder."""
    if queries is None or not queries.is_dir():
        return {}
    files: dict[str, str] = {}
    for path in sorted(queries.glob("*.graphql")):
        try:
            document = parse(path.read_text(encoding="utf-8"))
        except (OSError, GraphQLError):
            continue
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                files[definition.name.value] = f"{queries.name}/{path.name}"
    return files


class ImpactIndex:
    """Answers "what does this change hit" for one schema's operations."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operations: Iterable[Operation],
        methods: Mapping[str, frozenset[str]],
        files: Mapping[str, str],
    ) -> None:
        self._schema = schema
        self._operations = list(operations)
        self._uses = [uses_of(schema, op.document) for op in self._operations]
        self._methods = methods
        self._files = files

    def of(self, description: str) -> Impact:
        """The operations, files and methods a change (by its text) hits."""
        hits = [
            op
            for op, (fields, types) in zip(self._operations, self._uses, strict=True)
            if self._hit(description, fields, types)
        ]
        return Impact(
            operations=tuple(op.name for op in hits),
            files=tuple(self._files[op.name] for op in hits if op.name in self._files),
            methods=tuple(
                sorted(
                    {m for op in hits for m in self._methods.get(op.client_method, ())}
                )
            ),
        )

    def _hit(self, description: str, fields: set[str], types: set[str]) -> bool:
        coordinate = _COORDINATE.search(description)
        if coordinate is not None:
            type_name = coordinate.group(1)
            if isinstance(self._schema.get_type(type_name), GraphQLInputObjectType):
                return type_name in types
            return coordinate.group(0) in fields
        named = {w for w in _WORD.findall(description) if self._schema.get_type(w)}
        return bool(named & types)


def packaged_impact_index(
    schema: GraphQLSchema, queries: Path | None = None
) -> ImpactIndex:
    """The index for the installed client's operations and public methods."""
    return ImpactIndex(
        schema,
        packaged_operations(),
        public_methods_by_client_method(),
        query_files_by_operation(queries),
    )


def change_report(
    changes: Iterable[SchemaChange], index: ImpactIndex, *, to: str
) -> list[str]:
    """One line a change; under each breaking or dangerous one, what it hits."""
    lines: list[str] = []
    counts = {"BREAKING": 0, "DANGEROUS": 0, "ADDED": 0}
    for change in changes:
        counts[change.level] += 1
        lines.append(str(change))
        if change.level != "ADDED":
            lines.append(f"    {index.of(change.description)}")
    lines.append(
        f"{counts['BREAKING']} breaking, {counts['DANGEROUS']} dangerous change(s), "
        f"{counts['ADDED']} addition(s) {to}"
    )
    return lines
