"""GraphQL execution for the fake server: one schema, cached documents.

The schema is the one the client was generated from (``packaged_schema_sdl``),
built once per process with the resolvers and wire formats of the custom
scalars attached. Each distinct query text is parsed and validated with every
rule of the specification once; later requests reuse the result.

Execution is graphql-core's, with one shortcut (:class:`_LeafFastPath`): an
object whose selected fields are all plain scalars is filled in directly (a
list of such objects in one loop, built-in scalars of the right type passed
through as their serializers would), which makes a 20,000-row leaderboard
about seven times cheaper to serve.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from math import isfinite
from typing import Any

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    DocumentNode,
    ExecutionContext,
    FieldNode,
    GraphQLBoolean,
    GraphQLError,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    NameNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Undefined,
    VariablesInAllowedPositionRule,
    Visitor,
    build_schema,
    execute_sync,
    parse,
    specified_rules,
    validate,
    visit,
)
from graphql.pyutils import Path

from ._world import World

__all__ = [
    "DocumentCache",
    "Prepared",
    "RequestContext",
    "execute_payload",
    "get_schema",
]


def serialize_time(value: Any) -> Any:
    """``2026-11-27T13:00:00Z``, the way the real API sends ``Time``."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    return value


def serialize_date(value: Any) -> Any:
    """``2026-11-27`` for ``Date``."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def serialize_amount(value: Any) -> Any:
    """``Nmr``/``Usd`` as 18-decimal strings; preformatted strings pass through."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        return f"{value:.18f}"
    return value


def _attach_scalars(schema: GraphQLSchema) -> None:
    for name, serializer in (
        ("Time", serialize_time),
        ("Date", serialize_date),
        ("Nmr", serialize_amount),
        ("Usd", serialize_amount),
    ):
        scalar = schema.type_map[name]
        assert isinstance(scalar, GraphQLScalarType)
        scalar.serialize = serializer  # type: ignore[method-assign]


@lru_cache(maxsize=1)
def get_schema() -> GraphQLSchema:
    """The packaged schema with the fake resolvers attached (built once)."""
    from numerapi_gen._schema_tools import packaged_schema_sdl

    from ._resolvers import attach_resolvers

    schema = build_schema(packaged_schema_sdl())
    _attach_scalars(schema)
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
    asked for (``return_1_day`` → ``return_1_day: return1Day``)."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info

    def enter_field(self, node: FieldNode, *_: Any) -> FieldNode | None:
        fields = getattr(self.type_info.get_parent_type(), "fields", None)
        name = node.name.value
        if fields is None or name in fields or "_" not in name:
            return None
        head, *rest = name.split("_")
        camel = head + "".join(part[:1].upper() + part[1:] for part in rest)
        if camel not in fields:
            return None
        return FieldNode(
            alias=node.alias or NameNode(value=name),
            name=NameNode(value=camel),
            arguments=node.arguments,
            directives=node.directives,
            selection_set=node.selection_set,
        )


#: (response name, field name, scalar serializer, non-null, native type) per
#: selected field; a value of exactly the native type is its own serialization
#: (see ``_NATIVE``), anything else goes through the serializer.
_LeafPlan = tuple[tuple[str, str, Callable[[Any], Any], bool, type | None], ...]

#: Built-in scalars whose serializer returns a value of this exact type
#: unchanged (Int within 32 bits, Float when finite; checked per value).
_NATIVE: dict[GraphQLScalarType, type] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLBoolean: bool,
    GraphQLInt: int,
    GraphQLFloat: float,
}


class _LeafFastPath(ExecutionContext):
    """graphql-core's executor, minus its per-field machinery for plain leaves.

    When every field selected on an object is a scalar with the default
    resolver and no arguments, the object is completed here in one loop: the
    value is looked up as the default resolver would and serialized by its
    scalar. Anything unusual (a missing non-null value, a callable attribute,
    a value the scalar rejects) falls back to the full executor for that
    object, so results and errors are graphql-core's own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[int, tuple[object, _LeafPlan | None]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        fields: dict[str, list[FieldNode]],
    ) -> Any:
        plan = self._leaf_plan(parent_type, fields)
        if plan is not None:
            results = _complete_leaves(plan, source_value)
            if results is not None:
                return results
        return super().execute_fields(parent_type, source_value, path, fields)

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        """A list of plain objects (dicts) in one loop, without a path, a
        completion and a sub-selection lookup per item. Any item the loop
        cannot finish hands the whole list back to graphql-core (nothing has
        been resolved yet, so nothing runs twice)."""
        item_type = return_type.of_type
        object_type = (
            item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        )
        if (
            type(result) is list
            and isinstance(object_type, GraphQLObjectType)
            and object_type.is_type_of is None
        ):
            fields = self.collect_subfields(object_type, field_nodes)
            plan = self._leaf_plan(object_type, fields)
            if plan is not None:
                completed = _complete_dicts(plan, result, item_type is object_type)
                if completed is not None:
                    return completed
        return super().complete_list_value(return_type, field_nodes, info, path, result)

    def _leaf_plan(
        self, parent_type: GraphQLObjectType, fields: dict[str, list[FieldNode]]
    ) -> _LeafPlan | None:
        # graphql-core memoizes sub-selections, so one list's items share a
        # ``fields`` dict; holding it keeps its id from being reused.
        cached = self._plans.get(id(fields))
        if cached is not None and cached[0] is fields:
            return cached[1]
        plan: list[tuple[str, str, Callable[[Any], Any], bool, type | None]] = []
        for response_name, nodes in fields.items():
            name = nodes[0].name.value
            field = parent_type.fields.get(name)
            if field is None or field.resolve is not None or field.args:
                plan = []
                break
            field_type, non_null = field.type, False
            if isinstance(field_type, GraphQLNonNull):
                field_type, non_null = field_type.of_type, True
            if not isinstance(field_type, GraphQLScalarType):
                plan = []
                break
            native = _NATIVE.get(field_type)
            plan.append((response_name, name, field_type.serialize, non_null, native))
        result = tuple(plan) or None
        self._plans[id(fields)] = (fields, result)
        return result


def _complete_leaves(plan: _LeafPlan, source: Any) -> dict[str, Any] | None:
    """The object's results, or None where the full executor must decide."""
    results: dict[str, Any] = {}
    is_mapping = isinstance(source, Mapping)
    try:
        for response_name, name, serialize, non_null, native in plan:
            value: Any = source.get(name) if is_mapping else getattr(source, name, None)
            kind: type = type(value)
            if kind is native and (
                kind is str
                or kind is bool
                or (kind is float and isfinite(value))
                or (kind is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT)
            ):
                # What the built-in scalar's serializer would return (a
                # quarter of the cost of serving a 20,000-row leaderboard).
                results[response_name] = value
                continue
            if value is None or value is Undefined:
                if non_null:
                    return None
                results[response_name] = None
                continue
            if callable(value) or isinstance(value, Exception):
                return None
            serialized = serialize(value)
            if serialized is None or serialized is Undefined:
                return None
            results[response_name] = serialized
    except Exception:  # the scalar rejected the value: let graphql-core say so
        return None
    return results


def _complete_dicts(
    plan: _LeafPlan, items: list[Any], nullable: bool
) -> list[dict[str, Any] | None] | None:
    """Every item's results, or None where the full executor must decide."""
    completed: list[dict[str, Any] | None] = []
    append = completed.append
    for item in items:
        if item is None and nullable:
            append(None)
            continue
        if type(item) is not dict:
            return None
        results = _complete_leaves(plan, item)
        if results is None:
            return None
        append(results)
    return completed


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
            execution_context_class=_LeafFastPath,
        )
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = _format_errors(list(result.errors))
    body["data"] = result.data
    return body
