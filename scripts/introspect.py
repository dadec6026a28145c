"""Write ``schema/numerai.graphql`` from the live API or a saved introspection result.

The raw introspection result is the pipeline's input and is committed beside the
snapshot (``schema/numerai-introspection.json``); the SDL snapshot is printed
from it. The evidence-based overlay beside them (``numerai-overlay.graphql``) is
kept, and every entry of it that the new schema now has (delete it) or
contradicts (fix it) is printed. Before overwriting the committed files it
prints what changed (breaking and dangerous changes with the queries/ files and
public methods each hits, then additions); ``--fail-on-breaking`` turns
breaking changes into a non-zero exit (and leaves both files untouched) so a
scheduled job can stop before regenerating.

    python scripts/introspect.py --from-file saved-introspection.json
    python scripts/introspect.py --fail-on-breaking   # the live API
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from graphql import GraphQLSchema

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from numerapi_gen._schema_impact import (  # noqa: E402
    change_report,
    packaged_impact_index,
)
from numerapi_gen._schema_tools import (  # noqa: E402
    DEFAULT_API_URL,
    OVERLAY_NAME,
    SchemaToolError,
    apply_overlay,
    diff_schemas,
    fetch_introspection_result,
    overlay_status,
    print_sdl,
    read_introspection_result,
    schema_from_introspection,
    schema_from_sdl,
)

DEFAULT_OUTPUT = ROOT / "schema" / "numerai.graphql"
#: The raw result's file name, written beside the SDL output.
RESULT_NAME = "numerai-introspection.json"


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _report_overlay(overlay: Path, new: GraphQLSchema) -> None:
    """Print each overlay entry the new schema now has or contradicts.

    The overlay itself is never rewritten: deleting or fixing an entry is a
    reviewed edit.
    """
    if not overlay.exists():
        return
    statuses = overlay_status(new, overlay.read_text(encoding="utf-8"))
    for status in statuses:
        if status.state != "pending":
            print(status)
    pending = sum(status.state == "pending" for status in statuses)
    review = len(statuses) - pending
    print(f"{overlay.name}: {review} of {len(statuses)} entries to review")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--url", default=None, help=f"endpoint (default {DEFAULT_API_URL})"
    )
    source.add_argument(
        "--from-file", type=Path, help="saved introspection result (JSON)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"SDL file to write (the raw result goes beside it as {RESULT_NAME})",
    )
    parser.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help="exit 1 without writing when the new schema breaks the committed one",
    )
    args = parser.parse_args(argv)

    try:
        if args.from_file is not None:
            result = read_introspection_result(args.from_file)
        else:
            result = fetch_introspection_result(
                args.url or DEFAULT_API_URL,
                public_id=os.environ.get("NUMERAI_PUBLIC_ID"),
                secret_key=os.environ.get("NUMERAI_SECRET_KEY"),
            )
        new = schema_from_introspection(result)
    except SchemaToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    new_sdl = print_sdl(new)
    _report_overlay(args.output.with_name(OVERLAY_NAME), new)
    output: Path = args.output
    result_path = output.with_name(RESULT_NAME)
    result_text = json.dumps(result, separators=(",", ":"), sort_keys=True)
    breaking = 0
    if output.exists():
        old_sdl = output.read_text(encoding="utf-8")
        if old_sdl == new_sdl:
            print(f"{output}: unchanged")
            return 0
        old_schema = schema_from_sdl(old_sdl)
        changes = diff_schemas(old_schema, new)
        breaking = sum(change.breaking for change in changes)
        overlay = output.with_name(OVERLAY_NAME)
        if overlay.exists():  # the queries are written against snapshot + overlay
            old_schema = apply_overlay(old_schema, overlay.read_text(encoding="utf-8"))
        index = packaged_impact_index(old_schema, ROOT / "queries")
        print(*change_report(changes, index, to=f"to {output}"), sep="\n")
        if breaking and args.fail_on_breaking:
            print(f"{output} left unchanged (--fail-on-breaking)", file=sys.stderr)
            return 1

    if args.from_file is None or args.from_file.resolve() != result_path.resolve():
        _write(result_path, result_text)
        print(f"wrote {result_path}")
    _write(output, new_sdl)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
