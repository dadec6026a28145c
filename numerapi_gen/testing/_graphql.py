"""GraphQL execution for the fake server: one schema, cached documents.

The schema is :func:`._schema.load_schema` with the root resolvers of
:mod:`._resolvers` attached. Each distinct query text is parsed and validated
with every rule of the specification once; later requests reuse the result.
Execution is graphql-core's own executor.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    NamedTypeNode,
    NameNode,
    ObjectTypeDefinitionNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    VariablesInAllowedPositionRule,
    Visitor,
    execute_sync,
    parse,
    print_ast,
    specified_rules,
    validate,
    visit,
)

from . import _participant  # noqa: F401  (registers its resolvers)
from ._resolvers import attach_resolvers
from ._schema import load_schema, schema_from
from ._world import World

__all__ = [
    "DocumentCache",
    "Prepared",
    "RequestContext",
    "execute_payload",
    "get_schema",
    "schema_without",
]


@lru_cache(maxsize=1)
def get_schema() -> GraphQLSchema:
    """The packaged schema with the fake resolvers attached (built once)."""
    schema = load_schema()
    attach_resolvers(schema)
    return schema


def schema_without(fields: frozenset[str]) -> GraphQLSchema:
    """The packaged schema less some ``Type.field`` coordinates, resolvers
    attached: what a client generated earlier meets when the API drops them."""
    from numerapi_gen._schema_tools import packaged_schema_sdl

    document = parse(packaged_schema_sdl())
    unknown = set(fields)
    for node in document.definitions:
        if isinstance(node, ObjectTypeDefinitionNode):
            kept = []
            for field_node in node.fields or ():
                coordinate = f"{node.name.value}.{field_node.name.value}"
                if coordinate in fields:
                    unknown.discard(coordinate)
                else:
                    kept.append(field_node)
            node.fields = tuple(kept)
    if unknown:
        raise ValueError(f"the schema has no field {', '.join(sorted(unknown))}")
    schema = schema_from(print_ast(document))
    attach_resolvers(schema)
    return schema


@dataclass
class RequestContext:
    """What resolvers see as ``info.context``."""

    world: World
    base_url: str
    auth_status: str = "missing"
    """``ok``, ``missing`` (no Authorization header) or ``invalid``."""
    public_id: str | None = None


@dataclass
class Prepared:
    """A parsed query text and its validation errors (empty when valid)."""

    document: DocumentNode | None
    errors: list[GraphQLError] = field(default_factory=list)
    operation_names: tuple[str | None, ...] = ()

    def operation_name(self, requested: str | None) -> str | None:
        """The name of the operation a request runs, for recording and faults."""
        if requested:
            return requested
        if len(self.operation_names) == 1:
            return self.operation_names[0]
        return None


class DocumentCache:
    """Parsed + validated documents keyed by query text (bounded LRU)."""

    def __init__(
        self, schema: GraphQLSchema, max_size: int = 1024, *, lenient: bool = False
    ) -> None:
        self.schema = schema
        #: Accept what the real API tolerates (see ``FakeNumerai(lenient=...)``).
        self.lenient = lenient
        self.max_size = max_size
        self._lock = threading.Lock()
        self._items: OrderedDict[str, Prepared] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, query: str) -> Prepared:
        with self._lock:
            prepared = self._items.get(query)
            if prepared is not None:
                self._items.move_to_end(query)
                self.hits += 1
                return prepared
            self.misses += 1
        prepared = self._prepare(query)
        with self._lock:
            self._items[query] = prepared
            while len(self._items) > self.max_size:
                self._items.popitem(last=False)
        return prepared

    def _prepare(self, query: str) -> Prepared:
        try:
            document = parse(query)
        except GraphQLError as error:
            return Prepared(None, [error])
        rules = specified_rules
        if self.lenient:
            type_info = TypeInfo(self.schema)
            document = visit(
                document, TypeInfoVisitor(type_info, _CamelCaseFields(type_info))
            )
            document = visit(document, _BoolAsBoolean(self.schema))
            rules = tuple(r for r in rules if r is not VariablesInAllowedPositionRule)
        names = tuple(
            d.name.value if d.name else None
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        )
        errors = validate(self.schema, document, rules)
        return Prepared(document, list(errors), names)


class _CamelCaseFields(Visitor):
    """Serve an unknown snake_case field as its camelCase twin, under the name
    asked for (``return_1_day`` → ``return_1_day: return1Day``), and pass an
    unknown snake_case argument as its camelCase twin (``model_name:`` →
    ``modelName:``, as numerapi 3.1.1's ``v3UserProfile`` queries send it)."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info

    def enter_field(self, node: FieldNode, *_: Any) -> FieldNode | None:
        fields = getattr(self.type_info.get_parent_type(), "fields", None)
        name = node.name.value
        if fields is None:
            return None
        target = name if name in fields else _camel(name)
        if target not in fields:
            return None
        arguments = tuple(
            _camel_argument(argument, fields[target].args)
            for argument in node.arguments or ()
        )
        if target == name and arguments == tuple(node.arguments or ()):
            return None
        return FieldNode(
            alias=node.alias or (NameNode(value=name) if target != name else None),
            name=NameNode(value=target),
            arguments=arguments,
            directives=node.directives,
            selection_set=node.selection_set,
        )


class _BoolAsBoolean(Visitor):
    """Read the variable type ``bool`` as ``Boolean``: numerapi 3.1.1's
    ``stake_drain`` declares ``$drain: bool!`` and relies on the API taking it."""

    def __init__(self, schema: GraphQLSchema) -> None:
        super().__init__()
        self.schema = schema

    def enter_named_type(self, node: NamedTypeNode, *_: Any) -> NamedTypeNode | None:
        if node.name.value != "bool" or self.schema.get_type("bool") is not None:
            return None
        return NamedTypeNode(name=NameNode(value="Boolean"))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _camel_argument(argument: ArgumentNode, known: Mapping[str, Any]) -> ArgumentNode:
    """An unknown snake_case argument as its camelCase twin (``model_name``)."""
    name = argument.name.value
    camel = _camel(name)
    if name in known or camel not in known:
        return argument
    return ArgumentNode(name=NameNode(value=camel), value=argument.value)


def _format_errors(errors: list[GraphQLError]) -> list[dict[str, Any]]:
    return [dict(error.formatted) for error in errors]


def execute_payload(
    payload: dict[str, Any],
    prepared: Prepared,
    context: RequestContext,
    schema: GraphQLSchema,
) -> dict[str, Any]:
    """Run one GraphQL request; returns the JSON response body (always HTTP 200).

    Invalid documents and variables produce ``{"errors": [...], "data": null}``
    as the real API does; resolver errors null their field and are listed.
    """
    if prepared.document is None or prepared.errors:
        return {"errors": _format_errors(prepared.errors), "data": None}
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        error = GraphQLError("Variables must be provided as a JSON object")
        return {"errors": _format_errors([error]), "data": None}
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        error = GraphQLError("operationName must be a string")
        return {"errors": _format_errors([error]), "data": None}
    with context.world.lock:
        result = execute_sync(
            schema,
            prepared.document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
        )
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = _format_errors(list(result.errors))
    body["data"] = result.data
    return body
