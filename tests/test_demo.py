"""``numerapi-gen demo`` runs the whole workflow against the in-process fake."""

from __future__ import annotations

import io
import re
import uuid
from decimal import Decimal

from click.testing import CliRunner

from numerapi_gen._demo import run_demo
from numerapi_gen.cli import cli


def test_demo_walks_the_workflow() -> None:
    out = io.StringIO()
    run_demo(out, show_progress=False)
    text = out.getvalue()
    assert re.search(r"get_current_round\(\) -> \d+", text)
    assert "check_round_open() -> True" in text
    submission = re.search(r"-> submission (\S+)", text)
    assert submission is not None
    uuid.UUID(submission.group(1))
    assert "lists it: predictions.csv" in text
    stakes = [Decimal(v) for v in re.findall(r"stake_get\('\w+'\) -> (\S+)", text)]
    assert len(stakes) == 2
    assert stakes[1] - stakes[0] == Decimal("1.5")


def test_demo_command() -> None:
    result = CliRunner().invoke(cli, ["--no-progress", "demo"])
    assert result.exit_code == 0, result.output
    assert "requests served; done." in result.output
