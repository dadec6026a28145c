"""``numerapi-gen schema diff`` and ``schema check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli_support import invoke, ok, ok_json
from graphql import (
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    NameNode,
    ObjectTypeDefinitionNode,
    build_schema,
    get_introspection_query,
    get_named_type,
    graphql_sync,
    is_object_type,
    is_required_argument,
    parse,
    print_ast,
)

from numerapi_gen._deprecations import deprecated_uses
from numerapi_gen._schema_tools import (
    fragment_files,
    packaged_schema,
    packaged_schema_sdl,
    query_files,
)
from numerapi_gen.cli import _schema_cmds
from numerapi_gen.testing import FakeNumerai


def query_field() -> tuple[str, str]:
    """The query type's name and a field of it that takes no required argument."""
    query_type = packaged_schema().query_type
    assert query_type is not None
    for name, field in sorted(query_type.fields.items()):
        required = [a for a in field.args.values() if is_required_argument(a)]
        if not required and is_object_type(get_named_type(field.type)):
            return query_type.name, name
    raise AssertionError("no suitable query field")


def without_field(type_name: str, field: str) -> str:
    """The packaged SDL with ``type_name.field`` removed."""
    document = parse(packaged_schema_sdl())
    for definition in document.definitions:
        if isinstance(definition, ObjectTypeDefinitionNode) and (
            definition.name.value == type_name
        ):
            definition.fields = tuple(
                f for f in definition.fields or () if f.name.value != field
            )
    return print_ast(document)


def with_enum_value(enum_name: str, value: str) -> str:
    """The packaged SDL with one more value in an enum (a dangerous change)."""
    document = parse(packaged_schema_sdl())
    for definition in document.definitions:
        if isinstance(definition, EnumTypeDefinitionNode) and (
            definition.name.value == enum_name
        ):
            definition.values = (
                *(definition.values or ()),
                EnumValueDefinitionNode(name=NameNode(value=value), directives=()),
            )
    return print_ast(document)


def introspection_json(sdl: str) -> str:
    result = graphql_sync(build_schema(sdl), get_introspection_query())
    assert result.errors is None
    return json.dumps({"data": result.data})


@pytest.fixture
def removed(tmp_path: Path) -> tuple[Path, Path, str]:
    """The schema without one query field, as SDL and as introspection JSON."""
    type_name, field = query_field()
    sdl = without_field(type_name, field)
    assert sdl != packaged_schema_sdl()
    sdl_path = tmp_path / "removed.graphql"
    sdl_path.write_text(sdl)
    json_path = tmp_path / "removed.json"
    json_path.write_text(introspection_json(sdl))
    return sdl_path, json_path, f"{type_name}.{field}"


# --- diff ------------------------------------------------------------------------


def test_diff_removed_field_is_breaking(removed: tuple[Path, Path, str]) -> None:
    sdl_path, json_path, name = removed
    for path in (sdl_path, json_path):
        result = invoke(["schema", "diff", "--from-file", str(path)])
        assert result.exit_code == 1, result.stderr
        assert f"BREAKING FIELD_REMOVED: {name} was removed." in result.stdout
        assert (
            result.stdout.strip().splitlines()[-1].startswith("1 breaking, 0 dangerous")
        )
        assert result.stderr == ""


def _files_selecting_root_field(field: str) -> list[str]:
    """``queries/<file>`` of each operation that selects ``field`` at its root."""
    root = Path(__file__).resolve().parents[2] / "queries"
    found = []
    for path in query_files(root):
        (operation,) = parse(path.read_text()).definitions
        selections = operation.selection_set.selections  # type: ignore[attr-defined]
        if any(s.name.value == field for s in selections):
            found.append(f"queries/{path.name}")
    return found


def test_diff_json(removed: tuple[Path, Path, str]) -> None:
    _, json_path, name = removed
    result = invoke(["--json", "schema", "diff", "--from-file", str(json_path)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    (change,) = data["breaking"]
    assert (change["kind"], change["description"]) == (
        "FIELD_REMOVED",
        f"{name} was removed.",
    )
    # what it breaks: every query file selecting that root field, and methods
    assert change["files"] == _files_selecting_root_field(name.split(".")[1])
    assert change["files"] and len(change["operations"]) == len(change["files"])
    assert change["methods"]
    assert data["dangerous"] == []
    assert data["added"] == []
    assert data["new"] == str(json_path)


def test_diff_against_another_snapshot(removed: tuple[Path, Path, str]) -> None:
    """--against: from the reduced schema to the full one only adds: exit 0."""
    sdl_path, _, name = removed
    packaged = sdl_path.parent / "packaged.graphql"
    packaged.write_text(packaged_schema_sdl())
    result = invoke(
        ["schema", "diff", "--against", str(sdl_path), "--from-file", str(packaged)]
    )
    query_type = packaged_schema().query_type
    assert query_type is not None
    field_type = query_type.fields[name.split(".")[1]].type
    assert ok(result).strip().splitlines() == [
        f"ADDED FIELD_ADDED: {name} was added ({field_type}).",
        f"0 breaking, 0 dangerous change(s), 1 addition(s) from {sdl_path} "
        f"to {packaged}",
    ]


def test_diff_no_change(tmp_path: Path) -> None:
    snapshot = tmp_path / "numerai.graphql"  # the packaged snapshot + overlay
    snapshot.write_text(packaged_schema_sdl())
    text = ok(invoke(["schema", "diff", "--from-file", str(snapshot)]))
    assert text.strip() == (
        "0 breaking, 0 dangerous change(s), 0 addition(s) from the packaged schema "
        f"to {snapshot}"
    )


def test_diff_no_change_live(server: FakeNumerai) -> None:
    """Default source: the API at --api-url / NUMERAI_API_URL (the fake here)."""
    data = ok_json(
        invoke(["--json", "schema", "diff"], {"NUMERAI_API_URL": server.url})
    )
    assert data["new"] == server.url
    assert data["breaking"] == data["dangerous"] == []
    assert ok_json(invoke(["schema", "diff", "--json", "--url", server.url]))[
        "new"
    ] == (server.url)


def test_diff_dangerous_only_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "more.graphql"
    path.write_text(with_enum_value("RoundStatus", "ARCHIVED"))
    text = ok(invoke(["schema", "diff", "--from-file", str(path)]))
    assert (
        "DANGEROUS VALUE_ADDED_TO_ENUM: ARCHIVED was added to enum type RoundStatus."
        in (text)
    )
    assert "0 breaking, 1 dangerous" in text


def test_diff_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = invoke(["schema", "diff", "--from-file", str(bad)])
    assert result.exit_code == 2
    assert "not valid JSON" in result.stderr


# --- check -----------------------------------------------------------------------


def test_check_repo_queries(repo_root: Path) -> None:
    files = query_files(repo_root / "queries")
    fragments = fragment_files(repo_root / "queries")
    uses = deprecated_uses(packaged_schema(), files, fragments)
    assert uses  # the README's policy lists some; this checks they are printed
    text = ok(invoke(["schema", "check"]))
    assert text.strip().splitlines() == [
        *(f"deprecated: {use}" for use in uses),
        f"{len(uses)} use(s) of deprecated fields",
        f"all {len(files)} file(s) are valid against the packaged schema",
    ]
    data = ok_json(invoke(["schema", "check", "--json"]))
    assert data["problems"] == []
    assert len(data["files"]) == len(files)
    assert [(d["operation"], d["field"]) for d in data["deprecated"]] == [
        (use.operation, use.coordinate) for use in uses
    ]


def test_check_fails_on_a_deprecated_field_the_policy_does_not_list(
    tmp_path: Path,
) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "round_multipliers.graphql").write_text(
        "query RoundMultipliers { rounds { number minCorrMultiplier } }\n"
    )
    readme = queries / "README.md"
    readme.write_text(
        "## Deprecated fields in use\n\n| field | operations | why |\n|---|---|---|\n"
    )
    result = invoke(["schema", "check", str(queries)])
    assert result.exit_code == 1
    assert (
        "RoundMultipliers selects deprecated Round.minCorrMultiplier (Use "
        "roundScoreConfigs" in result.stdout
    )
    assert "not listed with a reason" in result.stdout
    with readme.open("a") as policy:
        policy.write("| `Round.minCorrMultiplier` | `RoundMultipliers` | a test |\n")
    text = ok(invoke(["schema", "check", str(queries)]))
    assert "1 use(s) of deprecated fields" in text


def test_check_bad_files(tmp_path: Path, repo_root: Path) -> None:
    good = sorted((repo_root / "queries").glob("*.graphql"))[0]
    unknown = tmp_path / "unknown_field.graphql"
    unknown.write_text("query Broken { account { noSuchField } }\n")
    syntax = tmp_path / "syntax.graphql"
    syntax.write_text("query {\n")
    result = invoke(["schema", "check", str(good), str(unknown), str(syntax)])
    assert result.exit_code == 1
    out = result.stdout.strip().splitlines()
    assert f"{unknown}: Cannot query field 'noSuchField' on type 'Account'." in out[0]
    assert out[1].startswith(f"{syntax}: syntax error")
    assert out[-1] == "2 problem(s) in 2 of 3 file(s) against the packaged schema"

    data = json.loads(invoke(["--json", "schema", "check", str(unknown)]).stdout)
    assert [p["path"] for p in data["problems"]] == [str(unknown)]


def test_check_directory_and_schema_option(tmp_path: Path, repo_root: Path) -> None:
    """A directory means its .graphql files; --schema picks the schema."""
    type_name, field = query_field()
    reduced = tmp_path / "reduced.graphql"
    reduced.write_text(without_field(type_name, field))
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "uses_it.graphql").write_text(
        f"query UsesIt {{ {field} {{ __typename }} }}\n"
    )
    ok(invoke(["schema", "check", str(queries)]))
    result = invoke(["schema", "check", str(queries), "--schema", str(reduced)])
    assert result.exit_code == 1
    assert f"Cannot query field '{field}' on type '{type_name}'" in result.stdout


def test_check_without_queries_dir_asks_for_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_schema_cmds, "repo_queries_dir", lambda: None)
    result = invoke(["schema", "check"])
    assert result.exit_code == 2
    assert "pass the .graphql files to check" in result.stderr
