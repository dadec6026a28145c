"""``numerapi-gen schema diff`` and ``numerapi-gen schema check``.

``diff`` compares the schema this client was generated from with the live (or
a saved) one and exits 1 on breaking changes, so a scheduled job can warn
before a regenerated client breaks. ``check`` validates GraphQL operations
against a schema with every rule of the specification. graphql-core is
imported only when one of them runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .._errors import APIConnectionError, InvalidResponseError
from ._app import CommandGroup, emit, settings
from ._errors import ExitCode

if TYPE_CHECKING:
    from graphql import GraphQLSchema

    from .._deprecations import DeprecatedUse
    from .._schema_tools import OperationProblem, SchemaChange

PACKAGED = "the packaged schema"
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(cls=CommandGroup, short_help="Compare schemas; validate operations.")
def schema() -> None:
    """Compare the API's schema; validate operations against it."""


def _load(path: Path, option: str) -> GraphQLSchema:
    """A schema from SDL (.graphql) or an introspection result (.json)."""
    from .._schema_tools import SchemaToolError, load_schema_file

    try:
        return load_schema_file(path)
    except SchemaToolError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from exc


def _fetch(url: str) -> GraphQLSchema:
    """The live schema; failures become the CLI's network/API errors."""
    import httpx

    from .._schema_tools import SchemaToolError, fetch_introspection

    try:
        return fetch_introspection(url)
    except SchemaToolError as exc:
        if isinstance(exc.__cause__, httpx.TransportError):
            raise APIConnectionError(str(exc), url=url) from exc
        raise InvalidResponseError(str(exc)) from exc


@schema.command(short_help="Print schema changes and what they break.")
@click.option(
    "--url",
    metavar="URL",
    help=(
        "Introspect this endpoint [default: --api-url / $NUMERAI_API_URL, else "
        "https://api-tournament.numer.ai]."
    ),
)
@click.option(
    "--from-file",
    type=_FILE,
    help="Compare with a saved schema: an introspection result (.json) or SDL.",
)
@click.option(
    "--against",
    type=_FILE,
    help="The snapshot to compare from (SDL or .json) [default: the schema "
    "this package was generated from].",
)
@click.pass_context
def diff(
    ctx: click.Context, url: str | None, from_file: Path | None, against: Path | None
) -> None:
    """Print the changes from the snapshot to a schema, and what they break.

    Lists breaking and dangerous changes, each with the operations (their
    queries/ files) and public methods it hits, then additions. Exits 1 when
    there are breaking changes, 0 otherwise.
    """
    from .._schema_impact import change_report, packaged_impact_index
    from .._schema_tools import DEFAULT_API_URL, diff_schemas, packaged_schema

    if url and from_file:
        raise click.UsageError("use either --url or --from-file, not both")
    old = _load(against, "--against") if against else packaged_schema()
    old_label = str(against) if against else PACKAGED
    if from_file is not None:
        new, new_label = _load(from_file, "--from-file"), str(from_file)
    else:
        new_label = url or settings(ctx).api_url or DEFAULT_API_URL
        new = _fetch(new_label)
    changes = diff_schemas(old, new)
    index = packaged_impact_index(old, repo_queries_dir())
    breaking = [c for c in changes if c.breaking]

    def entry(change: SchemaChange) -> dict[str, object]:
        data: dict[str, object] = {
            "kind": change.kind,
            "description": change.description,
        }
        if change.level != "ADDED":
            impact = index.of(change.description)
            data.update(
                operations=list(impact.operations),
                files=list(impact.files),
                methods=list(impact.methods),
            )
        return data

    emit(
        ctx,
        {
            "old": old_label,
            "new": new_label,
            **{
                key: [entry(c) for c in changes if c.level == level]
                for key, level in (
                    ("breaking", "BREAKING"),
                    ("dangerous", "DANGEROUS"),
                    ("added", "ADDED"),
                )
            },
        },
        "\n".join(change_report(changes, index, to=f"from {old_label} to {new_label}")),
    )
    if breaking:
        ctx.exit(int(ExitCode.FAILURE))


def repo_queries_dir() -> Path | None:
    """``queries/`` of the repository this package runs from, if it is there."""
    root = Path(__file__).resolve().parents[2]
    queries = root / "queries"
    if queries.is_dir() and (root / "pyproject.toml").is_file():
        return queries
    return None


def _expand(paths: tuple[Path, ...]) -> tuple[list[Path], list[Path]]:
    """Operation files and shared fragment files.

    Files count as given; a directory gives its ``.graphql`` files. Either may
    spread the fragments of the ``fragments/`` subdirectory beside them.
    """
    from .._schema_tools import fragment_files, query_files

    files: list[Path] = []
    fragments: dict[Path, None] = {}
    for path in paths:
        directory = path if path.is_dir() else path.parent
        files.extend(query_files(path) if path.is_dir() else [path])
        fragments.update(dict.fromkeys(fragment_files(directory)))
    return files, list(fragments)


def _policy_problems(
    files: tuple[Path, ...], uses: list[DeprecatedUse]
) -> list[OperationProblem]:
    """Uses not allowed by the policy tables of the given directories."""
    from .._deprecations import POLICY_HEADING, policy_problems, read_policy

    problems: list[OperationProblem] = []
    for directory in (f for f in files if f.is_dir()):
        readme = directory / "README.md"
        if readme.is_file() and POLICY_HEADING in readme.read_text(encoding="utf-8"):
            inside = [u for u in uses if u.path.parent == directory]
            problems.extend(policy_problems(inside, read_policy(readme), readme))
    return problems


@schema.command(short_help="Validate GraphQL operations against a schema.")
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--schema",
    "schema_file",
    type=_FILE,
    help="Validate against this schema (SDL or .json) [default: the schema this "
    "package was generated from].",
)
@click.pass_context
def check(
    ctx: click.Context, files: tuple[Path, ...], schema_file: Path | None
) -> None:
    """Validate GraphQL operations against a schema, with all GraphQL rules.

    FILES are .graphql files or directories of them [default: the repository's
    queries/ directory]. Exits 1 and prints each problem if any is invalid.
    Every deprecated field an operation selects is listed too; where a
    directory's README.md has a "Deprecated fields in use" table, a use it does
    not list (with a reason) is a problem.
    """
    from .._deprecations import deprecated_uses
    from .._schema_tools import check_operations, packaged_schema

    if not files:
        queries = repo_queries_dir()
        if queries is None:
            raise click.UsageError(
                "no queries/ directory found: pass the .graphql files to check"
            )
        files = (queries,)
    paths, fragments = _expand(files)
    if not paths:
        raise click.UsageError("no .graphql files to check")
    against = _load(schema_file, "--schema") if schema_file else packaged_schema()
    label = str(schema_file) if schema_file else PACKAGED
    problems = check_operations(against, paths, fragments)
    uses = deprecated_uses(against, paths, fragments)
    problems.extend(_policy_problems(files, uses))
    bad_files = len({p.path for p in problems})
    summary = (
        f"{len(problems)} problem(s) in {bad_files} of {len(paths)} file(s) "
        f"against {label}"
        if problems
        else f"all {len(paths)} file(s) are valid against {label}"
    )
    emit(
        ctx,
        {
            "schema": label,
            "files": [str(p) for p in paths],
            "problems": [{"path": str(p.path), "message": p.message} for p in problems],
            "deprecated": [
                {
                    "path": str(u.path),
                    "operation": u.operation,
                    "field": u.coordinate,
                    "reason": u.reason,
                }
                for u in uses
            ],
        },
        "\n".join(
            [
                *(str(p) for p in problems),
                *(f"deprecated: {u}" for u in uses),
                f"{len(uses)} use(s) of deprecated fields",
                summary,
            ]
        ),
    )
    if problems:
        ctx.exit(int(ExitCode.FAILURE))
