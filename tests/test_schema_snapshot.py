"""The committed schema snapshot, the queries, and the schema tools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_introspection_query,
    graphql_sync,
)

from numerapi_gen._schema_tools import (
    OVERLAY_NAME,
    check_operations,
    diff_schemas,
    fragment_files,
    load_introspection_file,
    load_schema_file,
    load_schema_with_overlay,
    overlay_status,
    packaged_schema,
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


def test_snapshot_has_the_documented_shape(
    repo_root: Path, introspection_path: Path
) -> None:
    """Every root field of the raw result, nothing more (derived, not counted)."""
    schema = load_schema_file(repo_root / "schema" / "numerai.graphql")
    assert schema.query_type is not None and schema.mutation_type is not None
    raw = json.loads(introspection_path.read_text())["data"]["__schema"]
    roots = {t["name"]: {f["name"] for f in t["fields"] or ()} for t in raw["types"]}
    assert set(schema.query_type.fields) == roots[raw["queryType"]["name"]]
    assert set(schema.mutation_type.fields) == roots[raw["mutationType"]["name"]]
    custom = {
        name
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLScalarType) and not name.startswith("__")
    } - {"String", "Int", "Float", "Boolean", "ID"}
    assert custom == {"Time", "Date", "Nmr", "Usd"}
    assert '"""' not in (repo_root / "schema" / "numerai.graphql").read_text()


def test_generated_package_ships_the_committed_schema(repo_root: Path) -> None:
    """The package's schema is the committed snapshot with the overlay applied."""
    committed = load_schema_with_overlay(
        repo_root / "schema" / "numerai.graphql",
        repo_root / "schema" / OVERLAY_NAME,
    )
    assert print_sdl(schema_from_sdl(packaged_schema_sdl())) == print_sdl(committed)


def test_every_query_validates_and_is_one_named_operation(repo_root: Path) -> None:
    schema = packaged_schema()
    files = query_files(repo_root / "queries")
    fragments = fragment_files(repo_root / "queries")
    assert len(files) >= 40
    assert len(fragments) >= 20
    assert check_operations(schema, files, fragments) == []
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


def test_operations_spread_fragments_from_the_fragment_files(
    tmp_path: Path, repo_root: Path
) -> None:
    schema = load_schema_file(repo_root / "schema" / "numerai.graphql")
    (tmp_path / "fragments").mkdir()
    fragment = tmp_path / "fragments" / "round.graphql"
    fragment.write_text(
        "fragment R on Round { number ...T }\nfragment T on Round { id }"
    )
    unused = tmp_path / "fragments" / "unused.graphql"
    unused.write_text("fragment Unused on Round { number }")
    query = tmp_path / "q.graphql"
    query.write_text("query Q { rounds { ...R } }")
    fragments = fragment_files(tmp_path)
    assert fragments == [fragment, unused]
    assert check_operations(schema, [query], fragments) == []
    # Without the fragment files the spread is unknown.
    assert any(
        "Unknown fragment 'R'" in str(p) for p in check_operations(schema, [query])
    )
    # A fragment file is itself checked against the schema.
    unused.write_text("fragment Unused on Round { noSuchField }")
    problems = check_operations(schema, [query], fragments)
    assert [p.path for p in problems] == [unused]
    assert "noSuchField" in problems[0].message


def _drop_field(introspection: dict, type_name: str, field: str) -> dict:
    for t in introspection["data"]["__schema"]["types"]:
        if t["name"] == type_name:
            t["fields"] = [f for f in t["fields"] if f["name"] != field]
    return introspection


def _add_field(introspection: dict, type_name: str, field: str) -> None:
    for t in introspection["data"]["__schema"]["types"]:
        if t["name"] == type_name:
            t["fields"].append(
                {
                    "args": [],
                    "deprecationReason": None,
                    "description": None,
                    "isDeprecated": False,
                    "name": field,
                    "type": {"kind": "SCALAR", "name": "Int", "ofType": None},
                }
            )


def test_introspect_reports_a_removed_field_as_breaking(
    tmp_path: Path, repo_root: Path, introspection_path: Path
) -> None:
    changed = _drop_field(
        json.loads(introspection_path.read_text()), "Account", "username"
    )
    _add_field(changed, "Round", "seasonNumber")
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
    lines = run.stdout.splitlines()
    removed = lines.index("BREAKING FIELD_REMOVED: Account.username was removed.")
    # what it breaks: the query files and the public methods
    assert lines[removed + 1].startswith("    hits queries/")
    assert "queries/get_account.graphql" in lines[removed + 1]
    assert "methods: " in lines[removed + 1] and "get_account()" in lines[removed + 1]
    assert "ADDED FIELD_ADDED: Round.seasonNumber was added (Int)." in lines
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
    assert "1 breaking, 0 dangerous change(s), 1 addition(s)" in run.stdout
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
        "tests",
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
    assert run.stderr == ""  # no warnings: the deprecated fields used are listed


def test_generate_fails_on_a_new_unlisted_deprecated_field(repo_copy: Path) -> None:
    query = repo_copy / "queries" / "list_rounds.graphql"
    query.write_text(
        query.read_text().replace(
            "    ...Round\n", "    ...Round\n    minCorrMultiplier\n"
        )
    )
    run = _generate(repo_copy)
    assert run.returncode == 1
    assert "ListRounds selects deprecated Round.minCorrMultiplier" in run.stderr
    readme = repo_copy / "queries" / "README.md"
    readme.write_text(
        readme.read_text().replace(
            "| `Model.submissions` |",
            "| `Round.minCorrMultiplier` | `ListRounds` | a test |\n"
            "| `Model.submissions` |",
        )
    )
    run = _generate(repo_copy)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # listed, so its codegen warning is silenced too


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
    query.write_text(query.read_text().replace("...Round\n", "...Round\n    isDaily\n"))
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


def test_overlay_adds_types_and_fields_and_deprecates_legacy_ones(
    repo_root: Path,
) -> None:
    snapshot = load_schema_file(repo_root / "schema" / "numerai.graphql")
    merged = packaged_schema()
    rnd, old_rnd = merged.get_type("Round"), snapshot.get_type("Round")
    assert isinstance(rnd, GraphQLObjectType)
    assert isinstance(old_rnd, GraphQLObjectType)
    assert "roundScoreConfigs" not in old_rnd.fields
    assert str(rnd.fields["roundScoreConfigs"].type) == "[RoundScoreConfig]"
    config = merged.get_type("RoundScoreConfig")
    assert isinstance(config, GraphQLObjectType)
    assert str(config.fields["scoringStart"].type) == "Date"
    assert str(config.fields["minMultiplier"].type) == "Float"
    legacy = rnd.fields["minCorrMultiplier"]
    assert (
        legacy.deprecation_reason and "roundScoreConfigs" in legacy.deprecation_reason
    )
    assert old_rnd.fields["minCorrMultiplier"].deprecation_reason is None
    # every snapshot field survives, with its type
    for name, field in old_rnd.fields.items():
        assert str(rnd.fields[name].type) == str(field.type)


def _introspection_of(schema: GraphQLSchema) -> dict[str, Any]:
    result = graphql_sync(schema, get_introspection_query())
    assert result.errors is None and result.data is not None
    return {"data": result.data}


def test_introspect_reports_overlay_entries_the_live_schema_settles(
    tmp_path: Path, repo_root: Path
) -> None:
    """A live schema that has, contradicts or lacks the overlay's entries."""
    live_sdl = print_sdl(packaged_schema())
    live_sdl = live_sdl.replace(
        "  corrMultiplier: Float @deprecated", "  gone: Float @deprecated"
    )
    live_sdl = live_sdl.replace("  clipThreshold: Float\n", "  clipThreshold: String\n")
    live_sdl = live_sdl.replace("  payoutMultipliers: [RoundPayoutMultiplier]\n", "", 2)
    live = schema_from_sdl(live_sdl)
    statuses = {s.coordinate: s for s in overlay_status(live, _overlay(repo_root))}
    assert statuses["Round.roundScoreConfigs"].state == "live"
    assert statuses["Round.minCorrMultiplier"].state == "live"
    assert statuses["RoundScoreConfig.clipThreshold"].state == "contradicted"
    assert statuses["V2RoundModelPerformance.corrMultiplier"].state == "contradicted"
    assert statuses["V2RoundModelPerformance.payoutMultipliers"].state == "pending"

    changed = tmp_path / "live.json"
    changed.write_text(json.dumps(_introspection_of(live)))
    (tmp_path / "numerai.graphql").write_text(
        (repo_root / "schema" / "numerai.graphql").read_text()
    )
    overlay = tmp_path / OVERLAY_NAME
    overlay.write_text(_overlay(repo_root))
    run = subprocess.run(
        [
            sys.executable,
            str(repo_root / "scripts" / "introspect.py"),
            "--from-file",
            str(changed),
            "--output",
            str(tmp_path / "numerai.graphql"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "overlay LIVE Round.roundScoreConfigs" in run.stdout
    assert (
        "overlay CONTRADICTED RoundScoreConfig.clipThreshold: live type String, "
        "overlay says Float" in run.stdout
    )
    assert "V2RoundModelPerformance.payoutMultipliers" not in run.stdout
    assert overlay.read_text() == _overlay(repo_root)  # kept, never rewritten


def _overlay(repo_root: Path) -> str:
    return (repo_root / "schema" / OVERLAY_NAME).read_text()


def test_an_additive_schema_change_needs_no_test_edits(repo_copy: Path) -> None:
    """A field and a root field appear upstream: the README's regeneration
    steps (introspect, list the new root field, generate) keep the
    schema-derived checks green without touching a test."""
    raw = json.loads((repo_copy / "schema" / "numerai-introspection.json").read_text())
    _add_field(raw, "Account", "simulatedAddition")
    root = raw["data"]["__schema"]["queryType"]["name"]
    _add_field(raw, root, "simulatedRootField")
    live = repo_copy / "live.json"
    live.write_text(json.dumps(raw))
    readme = repo_copy / "queries" / "README.md"
    marker = "| root field | kind | reason |\n|---|---|---|\n"
    assert marker in readme.read_text()
    readme.write_text(
        readme.read_text().replace(
            marker, marker + "| `simulatedRootField` | query | a simulated addition |\n"
        )
    )
    steps = [
        [str(repo_copy / "scripts" / "introspect.py"), "--from-file", str(live)],
        [str(repo_copy / "scripts" / "generate.py")],
    ]
    reports = []
    for step in steps:
        run = subprocess.run(
            [sys.executable, *step], capture_output=True, text=True, check=False
        )
        assert run.returncode == 0, run.stdout + run.stderr
        reports.append(run.stdout)
    assert "0 breaking, 0 dangerous change(s), 2 addition(s)" in reports[0]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(repo_copy), str(repo_copy / "generated")]),
    }
    checks = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_schema_snapshot.py",
            "tests/test_operation_coverage.py",
            "tests/test_schema_impact.py",
            "-k",
            "not additive and not generate_check and not introspect",
        ],
        cwd=repo_copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checks.returncode == 0, checks.stdout[-3000:]
    assert " passed" in checks.stdout and "failed" not in checks.stdout
