"""httpx is the only HTTP client of the package: no protocol code outside
``numerapi_gen.testing`` (whose fake server is a server, not a client)."""

from __future__ import annotations

import ast
from pathlib import Path

import numerapi_gen

PACKAGE = Path(numerapi_gen.__file__).parent
FORBIDDEN = {"socket", "ssl", "http.client", "select", "selectors"}
STREAMS = {"open_connection", "start_server", "StreamReader", "StreamWriter"}


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Attribute) and node.attr in STREAMS:
            names = [f"asyncio.{node.attr}"]  # asyncio streams, however imported
        else:
            continue
        found += [
            f"{path.name}: {name}"
            for name in names
            if name in FORBIDDEN or name.rpartition(".")[2] in STREAMS
        ]
    return found


def test_no_protocol_code_outside_the_testing_package() -> None:
    files = [
        p
        for p in PACKAGE.rglob("*.py")
        if "testing" not in p.relative_to(PACKAGE).parts
    ]
    assert len(files) > 20
    assert [v for p in files for v in _violations(p)] == []
