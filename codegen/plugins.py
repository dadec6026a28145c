"""ariadne-codegen plugin for numerapi-gen (build time only, never shipped).

scripts/generate.py runs ariadne-codegen twice into one package (a sync
``Client``, then an ``AsyncClient``) so both share one set of result models.
This plugin makes the two runs compose and the output pass ``mypy --strict``:

* the schema is the snapshot with the evidence-based overlay applied
  (``schema_overlay``, see schema/numerai-overlay.graphql);
* every run's ``__init__`` exports both clients, whichever run came last;
* the ``HttpClient`` protocols of the copied base clients describe httpx's real
  (keyword-only) ``post`` signature, so an ``httpx.Client`` type-checks as one;
* the async base client's optional-websockets fallback, which upstream leaves
  untyped (mirumee/ariadne-codegen#463), is exempted from the two checks it fails;
* results are validated from the response bytes in one pass
  (``model_validate_json``) instead of ``json.loads`` then ``model_validate``:
  each client method ends in ``self.get_result(response, Model)``, which the
  copied base clients gain. Error responses take upstream's ``get_data`` path;
* each client class lists its mutations (``MUTATIONS``, method names), so the
  hand-written layer knows which calls must never be sent twice.

Every rewrite asserts that the text it rewrites is present, so an ariadne-codegen
upgrade that changes those files fails generation instead of passing silently.
"""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)

CLIENT_EXPORTS = {
    "client": ["Client"],
    "base_client": ["BaseClient"],
    "async_client": ["AsyncClient"],
    "async_base_client": ["AsyncBaseClient"],
}

_LOOSE_POST_PARAMETERS = """\
        url: Any | str,
        json: Any | None = None,
        data: Any | None = None,
        files: Any | None = None,
        headers: Any | None = None,
        **kwargs: Any,
    ) -> Response: ..."""

_STRICT_POST_PARAMETERS = """\
        url: str,
        *,
        json: Any | None = None,
    ) -> Response: ..."""

_ASYNC_BASE_CLIENT_MARKER = "class AsyncBaseClient:"
_GET_DATA = "    def get_data(self, response: Response) -> dict[str, Any]:\n"
_PROTOCOL_MARKER = "class Response(Protocol):\n"
_RESULT_HELPERS = '''_Result = TypeVar("_Result", bound=PydanticBaseModel)


class GraphQLResponse(PydanticBaseModel, Generic[_Result]):
    """A whole GraphQL response body, validated in one pass from JSON."""

    data: Optional[_Result] = None
    errors: Optional[list[Any]] = None


'''
_GET_RESULT = '''    def get_result(
        self, response: Response, model: type[_Result]
    ) -> _Result:
        """``model`` validated straight from the response bytes.

        Anything but a successful, error-free answer falls back to
        ``get_data``, which raises the precise exception.
        """
        content = getattr(response, "content", None)
        if 200 <= response.status_code <= 299 and isinstance(content, bytes):
            envelope_type: Any = GraphQLResponse[model]  # type: ignore[valid-type]
            try:
                envelope = envelope_type.model_validate_json(content)
            except ValueError:
                envelope = None
            if envelope is not None and not envelope.errors and envelope.data:
                return cast(_Result, envelope.data)
        return model.model_validate(self.get_data(response))

'''

_WEBSOCKETS_FALLBACK_DIRECTIVE = (
    "# mypy: disable-error-code=no-untyped-def\n"
    "# mypy: disable-error-code=unused-ignore\n"
)


class CodegenError(RuntimeError):
    """The ariadne-codegen output no longer looks the way this plugin expects."""


def _replace_once(code: str, old: str, new: str, what: str) -> str:
    count = code.count(old)
    if count != 1:
        raise CodegenError(f"expected one {what}, found {count}")
    return code.replace(old, new)


def _is_call_to(node: ast.expr | None, owner: str, attribute: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == attribute
        and isinstance(node.func.value, ast.Name)
        and (owner == "*" or node.func.value.id == owner)
    )


class NumeraiCodegenPlugin(Plugin):
    """Hooks that let the sync and async runs share one typed package."""

    def process_schema(self, schema: GraphQLSchema) -> GraphQLSchema:
        """Apply the evidence-based overlay (``schema_overlay``) to the snapshot."""
        from numerapi_gen._schema_tools import apply_overlay

        overlay = Path(self.config_dict["tool"]["ariadne-codegen"]["schema_overlay"])
        return apply_overlay(schema, overlay.read_text(encoding="utf-8"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mutations: set[str] = set()

    def generate_client_class(self, class_def: ast.ClassDef) -> ast.ClassDef:
        """Add ``MUTATIONS``: the methods whose operation is a mutation."""
        names = sorted(self._mutations)
        class_def.body.insert(
            0,
            ast.Assign(
                targets=[ast.Name(id="MUTATIONS", ctx=ast.Store())],
                value=ast.Call(
                    func=ast.Name(id="frozenset", ctx=ast.Load()),
                    args=[
                        ast.List(
                            elts=[ast.Constant(value=n) for n in names],
                            ctx=ast.Load(),
                        )
                    ],
                    keywords=[],
                ),
                lineno=0,
            ),
        )
        return class_def

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        """End the method in ``return self.get_result(response, Model)``."""
        if operation_definition.operation is OperationType.MUTATION:
            self._mutations.add(method_def.name)
        *body, assign, ret = method_def.body
        if not (
            isinstance(assign, ast.Assign)
            and _is_call_to(assign.value, "self", "get_data")
            and isinstance(ret, ast.Return)
            and _is_call_to(ret.value, "*", "model_validate")
        ):
            raise CodegenError(
                f"unexpected ending of the client method {method_def.name}"
            )
        assert isinstance(ret.value, ast.Call)  # checked above
        assert isinstance(ret.value.func, ast.Attribute)
        model = ret.value.func.value
        method_def.body = [
            *body,
            ast.Return(
                value=ast.Call(
                    func=ast.Attribute(
                        value=ast.Name(id="self", ctx=ast.Load()),
                        attr="get_result",
                        ctx=ast.Load(),
                    ),
                    args=[ast.Name(id="response", ctx=ast.Load()), model],
                    keywords=[],
                )
            ),
        ]
        return method_def

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        imported = {
            node.module
            for node in module.body
            if isinstance(node, ast.ImportFrom) and node.level == 1
        }
        body: list[ast.stmt] = [
            node
            for node in module.body
            if not (
                isinstance(node, ast.Assign)
                and any(
                    isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
                )
            )
        ]
        for module_name, names in CLIENT_EXPORTS.items():
            if module_name not in imported:
                body.append(
                    ast.ImportFrom(
                        module=module_name,
                        names=[ast.alias(name=name) for name in names],
                        level=1,
                    )
                )
        exported = sorted(
            alias.asname or alias.name
            for node in body
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        )
        body.append(
            ast.Assign(
                targets=[ast.Name(id="__all__", ctx=ast.Store())],
                value=ast.List(
                    elts=[ast.Constant(value=name) for name in exported],
                    ctx=ast.Load(),
                ),
                lineno=0,
            )
        )
        module.body = body
        return module

    def copy_code(self, copied_code: str) -> str:
        if "class HttpClient(Protocol):" in copied_code:
            copied_code = _replace_once(
                copied_code,
                _LOOSE_POST_PARAMETERS,
                _STRICT_POST_PARAMETERS,
                "HttpClient.post signature",
            )
        if _GET_DATA in copied_code:
            copied_code = _replace_once(
                copied_code, _GET_DATA, _GET_RESULT + _GET_DATA, "get_data method"
            )
            copied_code = _replace_once(
                copied_code,
                _PROTOCOL_MARKER,
                _RESULT_HELPERS + _PROTOCOL_MARKER,
                "Response protocol",
            )
            copied_code = _replace_once(
                copied_code,
                "from typing import Any, Optional, Protocol, TypeVar, cast\n",
                "from typing import Any, Generic, Optional, Protocol, TypeVar, cast\n",
                "typing import",
            )
        if _ASYNC_BASE_CLIENT_MARKER in copied_code:
            copied_code = _WEBSOCKETS_FALLBACK_DIRECTIVE + copied_code
        return copied_code


class SchemaDescriptionsPlugin(Plugin):
    """The schema's descriptions in the generated code, for IDE hover and help().

    The SDL snapshot carries no descriptions (so it changes only when the API
    does); they are read from the raw introspection result in ``schema/``
    (``schema_descriptions`` in ``[tool.ariadne-codegen]``). Fragment models get
    a class docstring (the fragment file's leading comment, then the schema
    type's description) and ``Field(description=...)`` per described field.
    Every other model (an operation's result, a nested selection) and every
    enum gets a docstring too: the field it holds and the schema's
    descriptions. Client methods get a docstring naming the operation and its
    root fields.
    """

    def __init__(self, schema: GraphQLSchema, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)
        section = config_dict.get("tool", {}).get("ariadne-codegen", {})
        self._types: dict[str, dict[str, Any]] = {}
        path = section.get("schema_descriptions")
        if path:
            result = json.loads(Path(path).read_text(encoding="utf-8"))
            for entry in result.get("data", result)["__schema"]["types"]:
                self._types[entry["name"]] = entry
        queries = Path(section.get("queries_path", "queries"))
        self._fragment_notes = {
            name: note
            for file in sorted((queries / "fragments").glob("*.graphql"))
            for name, note in _fragment_comments(file.read_text(encoding="utf-8"))
        }

    def _type_description(self, type_name: str) -> str:
        return (self._types.get(type_name, {}).get("description") or "").strip()

    def _field_description(self, type_name: str, field_name: str) -> str:
        for field in self._types.get(type_name, {}).get("fields") or ():
            if field["name"] == field_name:
                return (field.get("description") or "").strip()
        return ""

    def generate_fragments_module(
        self,
        module: ast.Module,
        fragments_definitions: dict[str, FragmentDefinitionNode] | None = None,
    ) -> ast.Module:
        for node in module.body:
            definition = (fragments_definitions or {}).get(
                node.name if isinstance(node, ast.ClassDef) else ""
            )
            if not isinstance(node, ast.ClassDef) or definition is None:
                continue
            type_name = definition.type_condition.name.value
            keys = {
                (s.alias or s.name).value: s.name.value
                for s in definition.selection_set.selections
                if isinstance(s, FieldNode)
            }
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign):
                    self._describe_field(statement, type_name, keys)
            parts = [
                self._fragment_notes.get(node.name, ""),
                self._type_description(type_name),
            ]
            text = (
                "\n\n".join(p for p in parts if p) or f"A ``{type_name}`` of the API."
            )
            node.body.insert(0, _docstring(text))
        return module

    def generate_result_class(
        self,
        class_def: ast.ClassDef,
        operation_definition: ExecutableDefinitionNode,
        selection_set: SelectionSetNode,
    ) -> ast.ClassDef:
        """A docstring for each model but a fragment's own (see above).

        An operation's class that only names a fragment (``pass``) is left
        alone: ariadne-codegen makes it an alias of the documented fragment
        class, and a docstring would turn it into an operation-named subclass.
        """
        is_fragment = isinstance(operation_definition, FragmentDefinitionNode)
        if not is_fragment and all(isinstance(s, ast.Pass) for s in class_def.body):
            return class_def
        if selection_set is operation_definition.selection_set:
            if is_fragment:
                return class_def  # generate_fragments_module documents it
            name = operation_definition.name.value if operation_definition.name else ""
            text = f"The data of the ``{name}`` operation (``queries/``)."
        else:
            found = _selection_owner(self.schema, operation_definition, selection_set)
            if found is None:
                return class_def
            owner, field = found
            type_ = get_named_type(owner.fields[field.name.value].type)
            text = self._nested_text(owner.name, field.name.value, type_)
            keys = {
                (s.alias or s.name).value: s.name.value
                for s in selection_set.selections
                if isinstance(s, FieldNode)
            }
            for statement in class_def.body:
                if isinstance(statement, ast.AnnAssign):
                    self._describe_field(statement, type_.name, keys)
        class_def.body = [
            _docstring(text),
            *(s for s in class_def.body if not isinstance(s, ast.Pass)),
        ]
        return class_def

    def _nested_text(self, owner: str, field_name: str, type_: GraphQLNamedType) -> str:
        about = self._field_description(owner, field_name)
        head = f"``{owner}.{field_name}`` (type ``{type_.name}``)"
        parts = [f"{head}: {about}" if about else f"{head} of the API."]
        parts.append(self._type_description(type_.name))
        return "\n\n".join(p for p in parts if p)

    def generate_enum(
        self, class_def: ast.ClassDef, enum_type: GraphQLEnumType
    ) -> ast.ClassDef:
        """The enum's description, or what it is."""
        text = self._type_description(enum_type.name)
        class_def.body.insert(
            0, _docstring(text or f"The values of the API's ``{enum_type.name}``.")
        )
        return class_def

    def _describe_field(
        self, statement: ast.AnnAssign, type_name: str, keys: dict[str, str]
    ) -> None:
        assert isinstance(statement.target, ast.Name)
        key = statement.target.id
        call = statement.value if isinstance(statement.value, ast.Call) else None
        for keyword in call.keywords if call else ():
            if keyword.arg == "alias" and isinstance(keyword.value, ast.Constant):
                key = str(keyword.value.value)
        field_name = keys.get(key)
        text = self._field_description(type_name, field_name) if field_name else ""
        if not text:
            return
        description = ast.keyword(arg="description", value=ast.Constant(value=text))
        if call is None:
            if statement.value is not None:
                return  # a default other than Field(...): leave it as generated
            statement.value = ast.Call(
                func=ast.Name(id="Field", ctx=ast.Load()), args=[], keywords=[]
            )
            call = statement.value
        call.keywords.append(description)

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        kind = operation_definition.operation.value
        name = operation_definition.name.value if operation_definition.name else ""
        root = self.schema.get_root_type(operation_definition.operation)
        lines = [f"Run the ``{name}`` {kind} (``queries/``)."]
        for selection in operation_definition.selection_set.selections:
            if not isinstance(selection, FieldNode):
                continue
            field = selection.name.value
            text = self._field_description(root.name, field) if root else ""
            lines.append(f"``{field}``: {text}" if text else f"Root field ``{field}``.")
        method_def.body.insert(0, _docstring("\n\n".join(lines)))
        return method_def


def _selection_owner(
    schema: GraphQLSchema,
    definition: ExecutableDefinitionNode,
    target: SelectionSetNode,
) -> tuple[GraphQLObjectType, FieldNode] | None:
    """The object type and field whose selection ``target`` is, in ``definition``."""
    if isinstance(definition, FragmentDefinitionNode):
        root = schema.get_type(definition.type_condition.name.value)
    elif isinstance(definition, OperationDefinitionNode):
        root = schema.get_root_type(definition.operation)
    else:
        return None
    pending = [(root, definition.selection_set)]
    while pending:
        owner, selections = pending.pop()
        if not isinstance(owner, GraphQLObjectType):
            continue
        for field in selections.selections:
            if not isinstance(field, FieldNode) or field.selection_set is None:
                continue
            if field.selection_set is target:
                return owner, field
            field_type = get_named_type(owner.fields[field.name.value].type)
            pending.append((field_type, field.selection_set))
    return None


def _fragment_comments(text: str) -> list[tuple[str, str]]:
    """``(fragment name, the comment lines right above it)`` for each fragment."""
    found: list[tuple[str, str]] = []
    comment: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment.append(stripped.lstrip("#").strip())
        elif stripped.startswith("fragment "):
            found.append((stripped.split()[1], " ".join(comment)))
            comment = []
        elif stripped:
            comment = []
    return found


def _docstring(text: str) -> ast.Expr:
    """A docstring statement; paragraphs wrapped to the generated code's width."""
    paragraphs = [textwrap.fill(p, width=72) for p in text.split("\n\n")]
    return ast.Expr(value=ast.Constant(value="\n\n".join(paragraphs)))
