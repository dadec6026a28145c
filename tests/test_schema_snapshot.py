"""The committed schema snapshot, the queries, and the schema tools."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import GraphQLScalarType

from numerapi_gen._schema_tools import (
    check_operations,
    diff_schemas,
    load_introspection_file,
    load_schema_file,
    packaged_schema_sdl,
    print_sdl,
    query_files,
    schema_from_sdl,
)


@pytest.fixture(scope="module")
def introspection_path(repo_root: Path) -> Path:
    """The committed introspection result, the pipeline's input."""
    return repo_root / "schema" / "numerai-introspection.json"


def test_snapshot_round_trips_from_the_introspection_result(
    repo_root: Path, introspection_path: Path
) -> None:
    committed = (repo_root / "schema" / "numerai.graphql").read_text()
    rebuilt = print_sdl(load_introspection_file(introspection_path))
    assert committed == rebuilt
    # and building from the SDL gives back the same schema, change for change
    assert (
        diff_schemas(
            load_introspection_file(introspection_path), schema_from_sdl(committed)
        )
        == []
    )


def test_snapshot_has_the_documented_shape(repo_root: Path) -> None:
    schema = load_schema_file(repo_root / "schema" / "numerai.graphql")
    assert schema.query_type is not None and schema.mutation_type is not None
    assert len(schema.query_type.fields) == 77
    assert len(schema.mutation_type.fields) == 64
    custom = {
        name
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLScalarType) and not name.startswith("__")
    } - {"String", "Int", "Float", "Boolean", "ID"}
    assert custom == {"Time", "Date", "Nmr", "Usd"}
    assert '"""' not in (repo_root / "schema" / "numerai.graphql").read_text()


def test_generated_package_ships_the_committed_schema(repo_root: Path) -> None:
    committed = (repo_root / "schema" / "numerai.graphql").read_text()
    shipped = packaged_schema_sdl()
    assert shipped.endswith(committed)
    assert schema_from_sdl(shipped) is not None


def test_every_query_validates_and_is_one_named_operation(repo_root: Path) -> None:
    schema = load_schema_file(repo_root / "schema" / "numerai.graphql")
    files = query_files(repo_root / "queries")
    assert len(files) >= 40
    assert check_operations(schema, files) == []
    from graphql import OperationDefinitionNode, parse

    names = set()
    for path in files:
        definitions = parse(path.read_text()).definitions
        assert len(definitions) == 1, path
        operation = definitions[0]
        assert isinstance(operation, OperationDefinitionNode) and operation.name
        names.add(operation.name.value)
    assert len(names) == len(files)


def test_check_operations_reports_an_invalid_document(
    tmp_path: Path, repo_root: Path
) -> None:
    schema = load_schema_file(repo_root / "schema" / "numerai.graphql")
    bad = tmp_path / "bad.graphql"
    bad.write_text("query Bad($drain: bool!) { account { public_id } }")
    problems = [str(p) for p in check_operations(schema, [bad])]
    assert any("Unknown type 'bool'" in p for p in problems)
    assert any("public_id" in p for p in problems)


def _drop_field(introspection: dict, type_name: str, field: str) -> dict:
    for t in introspection["data"]["__schema"]["types"]:
        if t["name"] == type_name:
            t["fields"] = [f for f in t["fields"] if f["name"] != field]
    return introspection


def test_introspect_reports_a_removed_field_as_breaking(
    tmp_path: Path, repo_root: Path, introspection_path: Path
) -> None:
    changed = _drop_field(
        json.loads(introspection_path.read_text()), "Account", "username"
    )
    changed_path = tmp_path / "changed.json"
    changed_path.write_text(json.dumps(changed))
    output = tmp_path / "numerai.graphql"
    output.write_text((repo_root / "schema" / "numerai.graphql").read_text())
    script = repo_root / "scripts" / "introspect.py"

    run = subprocess.run(
        [
            sys.executable,
            str(script),
            "--from-file",
            str(changed_path),
            "--output",
            str(output),
            "--fail-on-breaking",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "BREAKING FIELD_REMOVED: Account.username was removed." in run.stdout
    assert output.read_text() == (repo_root / "schema" / "numerai.graphql").read_text()
    assert not (tmp_path / "numerai-introspection.json").exists()

    run = subprocess.run(
        [
            sys.executable,
            str(script),
            "--from-file",
            str(changed_path),
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0
    assert "1 breaking" in run.stdout
    # the raw result, the pipeline's input, is kept beside the snapshot
    assert json.loads((tmp_path / "numerai-introspection.json").read_text()) == changed
    assert "username" not in load_schema_file(output).get_type("Account").fields  # type: ignore[union-attr]


@pytest.fixture()
def repo_copy(tmp_path: Path, repo_root: Path) -> Path:
    """A scratch copy of what code generation reads and writes."""
    import shutil

    copy = tmp_path / "repo"
    copy.mkdir()
    for name in (
        "schema",
        "queries",
        "codegen",
        "scripts",
        "numerapi_gen",
        "generated",
    ):
        shutil.copytree(
            repo_root / name, copy / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(repo_root / "pyproject.toml", copy / "pyproject.toml")
    return copy


def _generate(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "generate.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo,
    )


def test_generate_check_passes_on_the_committed_tree(repo_copy: Path) -> None:
    run = _generate(repo_copy, "--check")
    assert run.returncode == 0, run.stderr
    assert "up to date" in run.stdout


def test_generate_check_fails_when_the_schema_loses_a_queried_field(
    repo_copy: Path,
) -> None:
    schema_path = repo_copy / "schema" / "numerai.graphql"
    sdl = schema_path.read_text()
    assert "  availableNmr: Nmr\n" in sdl
    schema_path.write_text(sdl.replace("  availableNmr: Nmr\n", "", 1))
    run = _generate(repo_copy, "--check")
    assert run.returncode == 1
    assert "get_account.graphql" in run.stderr
    assert "availableNmr" in run.stderr


def test_generate_check_reports_stale_output(repo_copy: Path) -> None:
    query = repo_copy / "queries" / "get_current_round.graphql"
    query.write_text(query.read_text().replace("number\n", "number\n    id\n", 1))
    run = _generate(repo_copy, "--check")
    assert run.returncode == 1
    assert "changed:  get_current_round.py" in run.stderr
    (repo_copy / "queries" / "list_datasets.graphql").unlink()
    run = _generate(repo_copy, "--check")
    assert "stale:    list_datasets.py (no longer generated)" in run.stderr
    # regenerating makes it fresh again, without the removed operation
    assert _generate(repo_copy).returncode == 0
    assert _generate(repo_copy, "--check").returncode == 0
    assert not (
        repo_copy / "generated" / "numerai_graphql" / "list_datasets.py"
    ).exists()


def test_the_pipeline_reads_only_the_repository(repo_root: Path) -> None:
    """No test, script or benchmark reads reference material beside the clone."""
    word = "sha" + "red"  # built, so that this file does not contain it
    outside = ("/" + word, f'"{word}"', "NUMERAPI_GEN_" + word.upper())
    offenders = [
        f"{path.relative_to(repo_root)}: {needle}"
        for top in ("tests", "scripts", "benchmarks", "numerapi_gen", "codegen")
        for path in (repo_root / top).rglob("*.py")
        for needle in outside
        if needle in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
