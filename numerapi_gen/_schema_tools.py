"""Schema snapshots: fetch, print and compare the Numerai GraphQL schema.

Shared by ``scripts/introspect.py`` (which writes the committed snapshot) and the
``numerapi-gen schema`` commands (which warn before a regenerated client breaks).
graphql-core does the real work; this module only fixes the conventions: SDL is
lexicographically sorted and carries no descriptions, so a snapshot changes only
when the API does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    Node,
    NoUnusedFragmentsRule,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    TypeDefinitionNode,
    Visitor,
    build_client_schema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    get_introspection_query,
    lexicographic_sort_schema,
    parse,
    print_ast,
    print_schema,
    specified_rules,
    validate,
    visit,
)

DEFAULT_API_URL = "https://api-tournament.numer.ai"
#: The overlay's file name, beside the snapshot (and in the generated package).
OVERLAY_NAME = "numerai-overlay.graphql"


class SchemaToolError(Exception):
    """A schema could not be fetched, read or built."""


def _strip_descriptions(node: Any) -> Any:
    """Return a copy of an introspection result with every description removed."""
    if isinstance(node, dict):
        return {
            key: (None if key == "description" else _strip_descriptions(value))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_strip_descriptions(item) for item in node]
    return node


def schema_from_introspection(result: Mapping[str, Any]) -> GraphQLSchema:
    """Build a sorted, description-free schema from an introspection result.

    Accepts both the full response (``{"data": {"__schema": ...}}``) and the bare
    ``{"__schema": ...}`` object.
    """
    data = result.get("data", result)
    if not isinstance(data, Mapping) or "__schema" not in data:
        raise SchemaToolError("not an introspection result: no '__schema' object")
    try:
        schema = build_client_schema(_strip_descriptions(dict(data)))
    except (TypeError, GraphQLError) as exc:
        raise SchemaToolError(f"invalid introspection result: {exc}") from exc
    # Round-trip through SDL so that schemas from either source compare equal
    # (build_schema adds the specified directives an introspection may lack).
    return schema_from_sdl(print_sdl(schema))


def schema_from_sdl(sdl: str) -> GraphQLSchema:
    """Build a schema from SDL text."""
    try:
        return build_schema(sdl)
    except (TypeError, GraphQLError) as exc:
        raise SchemaToolError(f"invalid SDL: {exc}") from exc


def print_sdl(schema: GraphQLSchema) -> str:
    """Print a schema as deterministic SDL (sorted, newline-terminated)."""
    return print_schema(lexicographic_sort_schema(schema)) + "\n"


def load_introspection_file(path: Path) -> GraphQLSchema:
    """Read a saved introspection result (JSON) and build its schema."""
    return schema_from_introspection(read_introspection_result(path))


def load_schema_file(path: Path) -> GraphQLSchema:
    """Read a schema from SDL (``.graphql``) or an introspection result (``.json``)."""
    if path.suffix == ".json":
        return load_introspection_file(path)
    try:
        sdl = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaToolError(f"cannot read {path}: {exc.strerror}") from exc
    return schema_from_sdl(sdl)


def read_introspection_result(path: Path) -> dict[str, Any]:
    """Read a saved introspection result (JSON) as the raw object."""
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SchemaToolError(f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise SchemaToolError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(result, dict):
        raise SchemaToolError(f"{path} does not hold a JSON object")
    return result


def fetch_introspection(
    url: str = DEFAULT_API_URL,
    *,
    public_id: str | None = None,
    secret_key: str | None = None,
    timeout: float = 30.0,
) -> GraphQLSchema:
    """Run the standard introspection query against a live endpoint."""
    return schema_from_introspection(
        fetch_introspection_result(
            url, public_id=public_id, secret_key=secret_key, timeout=timeout
        )
    )


def fetch_introspection_result(
    url: str = DEFAULT_API_URL,
    *,
    public_id: str | None = None,
    secret_key: str | None = None,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """The raw result of the standard introspection query at a live endpoint."""
    import httpx

    headers = {"Accept": "application/json"}
    if public_id and secret_key:
        headers["Authorization"] = f"Token {public_id}${secret_key}"
    body = {"query": get_introspection_query(descriptions=False)}
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise SchemaToolError(f"introspection request to {url} failed: {exc}") from exc
    if response.status_code != 200:
        raise SchemaToolError(
            f"introspection request to {url} returned HTTP {response.status_code}"
        )
    try:
        result = response.json()
    except ValueError as exc:
        raise SchemaToolError(f"{url} did not return JSON") from exc
    if not isinstance(result, dict):
        raise SchemaToolError(f"{url} did not return a JSON object")
    if result.get("errors"):
        messages = "; ".join(str(e.get("message", e)) for e in result["errors"])
        raise SchemaToolError(f"introspection failed: {messages}")
    return result


@dataclass(frozen=True)
class SchemaChange:
    """One difference between two schemas.

    ``level`` is ``"BREAKING"`` or ``"DANGEROUS"`` (graphql-core's verdicts) or
    ``"ADDED"`` (a new type or field, or a newly deprecated field: safe for
    the operations of today, worth knowing).
    """

    level: str
    kind: str
    description: str

    @property
    def breaking(self) -> bool:
        return self.level == "BREAKING"

    def __str__(self) -> str:
        return f"{self.level} {self.kind}: {self.description}"


def _additions(old: GraphQLSchema, new: GraphQLSchema) -> Iterable[SchemaChange]:
    """New types, new output fields and newly deprecated fields.

    graphql-core reports new arguments, input fields, enum values and union
    members (as dangerous or breaking) but not these.
    """
    for name, new_type in new.type_map.items():
        if name.startswith("__"):
            continue
        old_type = old.type_map.get(name)
        if old_type is None:
            yield SchemaChange("ADDED", "TYPE_ADDED", f"{name} was added.")
            continue
        if not isinstance(new_type, (GraphQLObjectType, GraphQLInterfaceType)):
            continue
        old_fields = getattr(old_type, "fields", {})
        for field_name, field in new_type.fields.items():
            coordinate = f"{name}.{field_name}"
            previous = old_fields.get(field_name)
            if previous is None:
                yield SchemaChange(
                    "ADDED", "FIELD_ADDED", f"{coordinate} was added ({field.type})."
                )
            elif field.deprecation_reason and not previous.deprecation_reason:
                yield SchemaChange(
                    "ADDED",
                    "FIELD_DEPRECATED",
                    f"{coordinate} is deprecated: {field.deprecation_reason}",
                )


def diff_schemas(old: GraphQLSchema, new: GraphQLSchema) -> list[SchemaChange]:
    """Breaking changes first, then dangerous ones, then additions; each sorted."""
    found = [
        *(
            SchemaChange("BREAKING", c.type.name, c.description)
            for c in find_breaking_changes(old, new)
        ),
        *(
            SchemaChange("DANGEROUS", c.type.name, c.description)
            for c in find_dangerous_changes(old, new)
        ),
        *_additions(old, new),
    ]
    order = {"BREAKING": 0, "DANGEROUS": 1, "ADDED": 2}
    return sorted(found, key=lambda c: (order[c.level], c.kind, c.description))


@dataclass(frozen=True)
class OperationProblem:
    """A GraphQL document that does not validate against a schema."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def check_operations(
    schema: GraphQLSchema, paths: Iterable[Path], fragments: Iterable[Path] = ()
) -> list[OperationProblem]:
    """Validate each document with every rule of the GraphQL specification.

    ``fragments`` are files of shared fragment definitions (``queries/fragments``):
    an operation may spread any of them, and each is itself checked against the
    schema. A fragment that no operation uses is not a problem.
    """
    parsed = [
        *((path, _parse_file(path), False) for path in paths),
        *((path, _parse_file(path), True) for path in fragments),
    ]
    shared = _fragment_definitions(
        document
        for _, document, is_fragment_file in parsed
        if is_fragment_file and isinstance(document, DocumentNode)
    )
    problems: list[OperationProblem] = []
    for path, document, is_fragment_file in parsed:
        if isinstance(document, OperationProblem):
            problems.append(document)
            continue
        rules = _FRAGMENT_FILE_RULES if is_fragment_file else specified_rules
        complete = with_used_fragments(document, shared)
        for error in validate(schema, complete, rules):
            where = ""
            if error.locations:
                loc = error.locations[0]
                where = f" (line {loc.line}, column {loc.column})"
            problems.append(OperationProblem(path, error.message + where))
    return problems


def shared_fragments(paths: Iterable[Path]) -> dict[str, FragmentDefinitionNode]:
    """The fragments defined in ``paths`` by name (files that fail to parse are
    skipped: :func:`check_operations` reports them)."""
    documents = (_parse_file(path) for path in paths)
    return _fragment_definitions(d for d in documents if isinstance(d, DocumentNode))


def _fragment_definitions(
    documents: Iterable[DocumentNode],
) -> dict[str, FragmentDefinitionNode]:
    shared: dict[str, FragmentDefinitionNode] = {}
    for document in documents:
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                shared.setdefault(definition.name.value, definition)
    return shared


def _parse_file(path: Path) -> DocumentNode | OperationProblem:
    try:
        return parse(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return OperationProblem(path, f"cannot read: {exc.strerror}")
    except GraphQLError as exc:
        return OperationProblem(path, f"syntax error: {exc.message}")


#: A file of shared fragments is checked by every rule but "each fragment is used".
_FRAGMENT_FILE_RULES = tuple(
    r for r in specified_rules if r is not NoUnusedFragmentsRule
)


def with_used_fragments(
    document: DocumentNode, shared: Mapping[str, FragmentDefinitionNode]
) -> DocumentNode:
    """``document`` plus the shared fragments it spreads, directly or not."""
    own = {
        d.name.value
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    added: list[FragmentDefinitionNode] = []
    pending: list[Node] = list(document.definitions)
    while pending:
        node = pending.pop()
        for spread in _spreads(node):
            name = spread.name.value
            if name not in own and name in shared:
                own.add(name)
                added.append(shared[name])
                pending.append(shared[name])
    if not added:
        return document
    return DocumentNode(definitions=(*document.definitions, *added))


def _spreads(node: Node) -> list[FragmentSpreadNode]:
    found: list[FragmentSpreadNode] = []

    class _Collect(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: Any) -> None:
            found.append(spread)

    visit(node, _Collect())
    return found


def query_files(directory: Path) -> list[Path]:
    """Every ``.graphql`` file of a queries directory, sorted."""
    return sorted(directory.glob("*.graphql"))


def fragment_files(directory: Path) -> list[Path]:
    """The shared fragment files of a queries directory (its ``fragments/``)."""
    return sorted((directory / "fragments").glob("*.graphql"))


def _parse_overlay(overlay_sdl: str) -> DocumentNode:
    try:
        overlay = parse(overlay_sdl)
    except GraphQLError as exc:
        raise SchemaToolError(f"invalid overlay: {exc.message}") from exc
    for node in overlay.definitions:
        if not isinstance(node, (ObjectTypeDefinitionNode, ObjectTypeExtensionNode)):
            raise SchemaToolError(
                "the overlay may only define object types and extend them "
                f"(found {node.kind})"
            )
    return overlay


def apply_overlay(base: GraphQLSchema, overlay_sdl: str) -> GraphQLSchema:
    """``base`` with the overlay's types and fields; the overlay's entries win.

    The overlay holds what newer evidence than the snapshot shows the live API
    to have: ``type`` definitions add (or replace) whole types, ``extend type``
    fields add fields or replace existing ones (to mark them ``@deprecated``).
    Plain SDL cannot redeclare a field, hence this merge instead of
    graphql-core's ``extend_schema``.
    """
    return schema_from_sdl(overlaid_sdl(print_schema(base), overlay_sdl))


def overlaid_sdl(snapshot_sdl: str, overlay_sdl: str) -> str:
    """:func:`apply_overlay` on SDL text, without building a schema."""
    overlay = _parse_overlay(overlay_sdl)
    try:
        definitions = list(parse(snapshot_sdl).definitions)
    except GraphQLError as exc:
        raise SchemaToolError(f"invalid SDL: {exc.message}") from exc
    index = {
        node.name.value: i
        for i, node in enumerate(definitions)
        if isinstance(node, TypeDefinitionNode)
    }
    for node in overlay.definitions:
        name = node.name.value  # type: ignore[attr-defined]  # checked kinds
        if isinstance(node, ObjectTypeDefinitionNode):
            if name in index:
                definitions[index[name]] = node
            else:
                index[name] = len(definitions)
                definitions.append(node)
            continue
        target = definitions[index[name]] if name in index else None
        if not isinstance(target, ObjectTypeDefinitionNode):
            raise SchemaToolError(f"the overlay extends {name}, not an object type")
        fields = {field.name.value: field for field in target.fields or ()}
        for field in node.fields or ():  # type: ignore[attr-defined]
            fields[field.name.value] = field
        definitions[index[name]] = ObjectTypeDefinitionNode(
            name=target.name,
            interfaces=target.interfaces,
            directives=target.directives,
            fields=tuple(fields.values()),
        )
    return print_ast(DocumentNode(definitions=tuple(definitions))) + "\n"


def load_schema_with_overlay(snapshot: Path, overlay: Path) -> GraphQLSchema:
    """The snapshot at ``snapshot`` with the overlay at ``overlay`` applied."""
    try:
        overlay_sdl = overlay.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaToolError(f"cannot read {overlay}: {exc.strerror}") from exc
    return apply_overlay(load_schema_file(snapshot), overlay_sdl)


@dataclass(frozen=True)
class OverlayEntryStatus:
    """How one overlay field compares with a (fresh) live schema.

    ``state`` is ``"live"`` when the live schema now has the entry as written
    (delete it from the overlay), ``"contradicted"`` when the live schema has
    it differently or no longer has a field the overlay deprecates, and
    ``"pending"`` when only the overlay has it.
    """

    coordinate: str
    state: str
    detail: str

    def __str__(self) -> str:
        return f"overlay {self.state.upper()} {self.coordinate}: {self.detail}"


def _overlay_fields(overlay: DocumentNode) -> Iterable[tuple[str, Any]]:
    for node in overlay.definitions:
        for field in node.fields or ():  # type: ignore[attr-defined]
            yield node.name.value, field  # type: ignore[attr-defined]


def _deprecation(directives: Iterable[Any]) -> bool:
    return any(d.name.value == "deprecated" for d in directives or ())


def overlay_status(live: GraphQLSchema, overlay_sdl: str) -> list[OverlayEntryStatus]:
    """Each overlay field checked against ``live``, in the overlay's order."""
    statuses: list[OverlayEntryStatus] = []
    for type_name, field in _overlay_fields(_parse_overlay(overlay_sdl)):
        coordinate = f"{type_name}.{field.name.value}"
        wanted = print_ast(field.type)
        deprecates = _deprecation(field.directives)
        live_type = live.get_type(type_name)
        live_field = getattr(live_type, "fields", {}).get(field.name.value)
        if live_field is None:
            if deprecates:
                state, detail = "contradicted", "the live schema no longer has it"
            else:
                state, detail = "pending", "not in the live schema yet"
        elif str(live_field.type) != wanted:
            state = "contradicted"
            detail = f"live type {live_field.type}, overlay says {wanted}"
        elif deprecates and live_field.deprecation_reason is None:
            state, detail = "pending", "live, but not deprecated there yet"
        else:
            state, detail = "live", "the live schema has it: delete the entry"
        statuses.append(OverlayEntryStatus(coordinate, state, detail))
    return statuses


@lru_cache(maxsize=1)
def packaged_schema_sdl() -> str:
    """The SDL the installed client was generated from: snapshot plus overlay.

    ``scripts/generate.py`` copies ``schema/numerai.graphql`` and the overlay
    into the generated package, so the schema always matches the generated
    models it ships with.
    """
    from importlib import resources

    package = resources.files("numerai_graphql")
    snapshot = package.joinpath("numerai.graphql").read_text(encoding="utf-8")
    overlay = package.joinpath(OVERLAY_NAME).read_text(encoding="utf-8")
    return overlaid_sdl(snapshot, overlay)


def packaged_schema() -> GraphQLSchema:
    """The schema the installed client was generated from, built once per call."""
    return schema_from_sdl(packaged_schema_sdl())
