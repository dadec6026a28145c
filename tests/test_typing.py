"""The public API is precisely typed: mypy --strict accepts good usage, rejects bad."""

from __future__ import annotations

from pathlib import Path

from mypy import api as mypy_api

HERE = Path(__file__).parent / "typing"
ROOT = HERE.parent.parent


def _mypy(path: Path) -> tuple[str, int]:
    # The project's configuration: strict, and generated/ on the search path
    # (an editable install finds it through an import hook mypy cannot follow).
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--config-file", str(ROOT / "pyproject.toml"), str(path)]
    )
    return stdout + stderr, status


def test_typed_usage_is_accepted() -> None:
    output, status = _mypy(HERE / "usage_ok.py")
    assert status == 0, output


def test_wrong_usage_is_rejected_line_by_line() -> None:
    output, status = _mypy(HERE / "usage_wrong.py")
    assert status == 1
    flagged = {
        int(line.split(":")[1]) for line in output.splitlines() if ": error:" in line
    }
    source = (HERE / "usage_wrong.py").read_text().splitlines()
    expected = {
        n for n, text in enumerate(source, 1) if "  # " in text and "api." in text
    }
    assert flagged == expected, output


def test_a_pipeline_typed_with_numerapi_gen_types_is_accepted() -> None:
    output, status = _mypy(HERE / "pipeline_types.py")
    assert status == 0, output
