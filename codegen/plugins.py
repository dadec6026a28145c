"""ariadne-codegen plugin for numerapi-gen (build time only, never shipped).

scripts/generate.py runs ariadne-codegen twice into one package (a sync
``Client``, then an ``AsyncClient``) so both share one set of result models.
This plugin makes the two runs compose and the output pass ``mypy --strict``:

* every run's ``__init__`` exports both clients, whichever run came last;
* the ``HttpClient`` protocols of the copied base clients describe httpx's real
  (keyword-only) ``post`` signature, so an ``httpx.Client`` type-checks as one;
* the async base client's optional-websockets fallback, which upstream leaves
  untyped (mirumee/ariadne-codegen#463), is exempted from the two checks it fails.

Every rewrite asserts that the text it rewrites is present, so an ariadne-codegen
upgrade that changes those files fails generation instead of passing silently.
"""

from __future__ import annotations

import ast

from ariadne_codegen.plugins.base import Plugin

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


class NumeraiCodegenPlugin(Plugin):
    """Hooks that let the sync and async runs share one typed package."""

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
        if _ASYNC_BASE_CLIENT_MARKER in copied_code:
            copied_code = _WEBSOCKETS_FALLBACK_DIRECTIVE + copied_code
        return copied_code
