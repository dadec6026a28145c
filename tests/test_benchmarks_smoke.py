"""The benchmark runner works end to end (``--quick``: tiny sizes, one run).

Only that a report comes out: the numbers of a smoke run mean nothing, and
benchmarks never decide whether the suite passes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_writes_the_table(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--quiet",
            "--queries=5",
            "--size=1MiB",
            f"--output={report}",
            f"--work-dir={tmp_path / 'work'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = report.read_text()
    assert "| Case | Measurement | numerapi-gen |" in text
    for case in ("N0. the link itself", "N1. small queries", "N2. concurrent"):
        assert f"| {case}" in text
    for case in ("N3. downloads", "N4. weekly workflow", "N5. memory"):
        assert f"| {case} |" in text
    assert "all exact." in text  # every shaped download was byte for byte right
    for case in ("1. start", "2. small queries", "3. async queries"):
        assert f"| {case} |" in text
    for case in ("4. large results", "5. transfers"):
        assert f"| {case} |" in text
    assert "from a canned-answer server" in text  # the second server ran too
    assert "floor: write 1 MiB from memory + fsync" in text
    assert "garbage collection inside the call (full passes per call: ours" in text
    assert "## Machine and versions" in text
    assert not list((tmp_path / "work").iterdir()), "temporary files left behind"
