"""Regenerate ``generated/numerai_graphql`` from ``schema/`` and ``queries/``.

The schema is the snapshot with the evidence-based overlay applied
(``schema_path`` and ``schema_overlay`` in pyproject.toml).

    python scripts/generate.py           # rewrite the generated package
    python scripts/generate.py --check   # fail if it is stale or a query is invalid

ariadne-codegen runs twice with the ``[tool.ariadne-codegen]`` settings of
pyproject.toml: once as configured (the sync ``Client``) and once with
``ASYNC_OVERRIDES`` (the ``AsyncClient``), into the same freshly emptied package,
so both clients share one set of models and no module of a removed operation
survives. ``--check`` does the same into a temporary directory and compares.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import difflib
import filecmp
import io
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the codegen plugin and numerapi_gen._schema_tools

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ASYNC_OVERRIDES = {
    "async_client": True,
    "client_name": "AsyncClient",
    "client_file_name": "async_client",
}


def load_config() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def _schema_and_queries(config: dict[str, Any]) -> tuple[Any, list[Path], list[Path]]:
    """The schema (snapshot + overlay), the operation files and the fragment files."""
    from numerapi_gen._schema_tools import (
        fragment_files,
        load_schema_with_overlay,
        query_files,
    )

    section = config["tool"]["ariadne-codegen"]
    schema = load_schema_with_overlay(
        ROOT / section["schema_path"], ROOT / section["schema_overlay"]
    )
    queries = ROOT / section["queries_path"]
    return schema, query_files(queries), fragment_files(queries)


def check_queries(config: dict[str, Any]) -> list[str]:
    """Validate every query with all GraphQL rules, and its deprecated fields
    against the policy in queries/README.md; one line per problem."""
    from numerapi_gen._deprecations import (
        deprecated_uses,
        policy_problems,
        read_policy,
    )
    from numerapi_gen._schema_tools import check_operations

    schema, files, fragments = _schema_and_queries(config)
    problems = [str(p) for p in check_operations(schema, files, fragments)]
    names: dict[str, Path] = {}
    for path in [*files, *fragments]:
        stem = path.stem
        if stem in names:
            problems.append(f"{path}: duplicate operation file name")
        names[stem] = path
    readme = ROOT / config["tool"]["ariadne-codegen"]["queries_path"] / "README.md"
    uses = deprecated_uses(schema, files, fragments)
    problems.extend(str(p) for p in policy_problems(uses, read_policy(readme), readme))
    return problems


@contextlib.contextmanager
def _listed_deprecations_silenced(config: dict[str, Any]) -> Iterator[None]:
    """Silence ariadne-codegen's warning for each deprecated field the policy
    lists, and for no other (check_queries has failed on unlisted ones)."""
    from numerapi_gen._deprecations import read_policy

    section = config["tool"]["ariadne-codegen"]
    readme = ROOT / section["queries_path"] / "README.md"
    with warnings.catch_warnings():
        for entry in read_policy(readme) if readme.exists() else ():
            type_name, field = entry.coordinate.split(".", 1)
            warnings.filterwarnings(
                "ignore",
                message=re.escape(
                    f"Field '{field}' on type '{type_name}' is deprecated"
                ),
                category=DeprecationWarning,
            )
        yield


def generate(config: dict[str, Any], target_root: Path) -> Path:
    """Generate both clients into ``target_root/<package>``; return the package."""
    from ariadne_codegen.main import client

    section = config["tool"]["ariadne-codegen"]
    package = target_root / section["target_package_name"]
    if package.exists():
        shutil.rmtree(package)
    target_root.mkdir(parents=True, exist_ok=True)

    sync_config = copy.deepcopy(config)
    sync_config["tool"]["ariadne-codegen"]["target_package_path"] = str(target_root)
    async_config = copy.deepcopy(sync_config)
    async_config["tool"]["ariadne-codegen"].update(ASYNC_OVERRIDES)

    cwd = Path.cwd()
    os.chdir(ROOT)  # ariadne-codegen resolves configured paths against the cwd
    try:
        with (
            contextlib.redirect_stdout(io.StringIO()),
            _listed_deprecations_silenced(config),
        ):
            client(sync_config)
            client(async_config)
    finally:
        os.chdir(cwd)
    return package


def compare_trees(expected: Path, actual: Path) -> list[str]:
    """Describe how ``actual`` differs from ``expected`` (empty when equal)."""
    expected_files = {
        p.relative_to(expected) for p in expected.rglob("*") if p.is_file()
    }
    actual_files = (
        {p.relative_to(actual) for p in actual.rglob("*") if p.is_file()}
        if actual.exists()
        else set()
    )
    expected_files = {p for p in expected_files if "__pycache__" not in p.parts}
    actual_files = {p for p in actual_files if "__pycache__" not in p.parts}
    lines: list[str] = []
    for rel in sorted(expected_files - actual_files):
        lines.append(f"missing:  {rel}")
    for rel in sorted(actual_files - expected_files):
        lines.append(f"stale:    {rel} (no longer generated)")
    for rel in sorted(expected_files & actual_files):
        if filecmp.cmp(expected / rel, actual / rel, shallow=False):
            continue
        diff = list(
            difflib.unified_diff(
                (actual / rel).read_text().splitlines(),
                (expected / rel).read_text().splitlines(),
                lineterm="",
                n=0,
            )
        )
        added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
        removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
        lines.append(f"changed:  {rel} (+{added} -{removed})")
        lines.extend(f"    {d}" for d in diff[2:12])
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temporary directory and fail if generated/ differs",
    )
    args = parser.parse_args(argv)
    config = load_config()
    section = config["tool"]["ariadne-codegen"]

    problems = check_queries(config)
    if problems:
        print("problems in queries/:", *problems, sep="\n  ", file=sys.stderr)
        return 1

    committed_root = ROOT / section["target_package_path"]
    committed = committed_root / section["target_package_name"]
    if not args.check:
        package = generate(config, committed_root)
        count = sum(1 for _ in package.glob("*.py"))
        print(f"generated {package.relative_to(ROOT)} ({count} modules)")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate(config, Path(tmp))
        differences = compare_trees(fresh, committed)
    if differences:
        print(
            f"{committed.relative_to(ROOT)} is stale; run: python scripts/generate.py",
            *differences,
            sep="\n",
            file=sys.stderr,
        )
        return 1
    print(f"{committed.relative_to(ROOT)} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
