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
from pathlib import Path
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from graphql import GraphQLSchema, OperationDefinitionNode, OperationType

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
