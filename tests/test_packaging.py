"""The wheel ships both packages, their type markers and the schema."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def test_wheel_contents(tmp_path: Path, repo_root: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(repo_root),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("numerapi_gen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in (
        "numerapi_gen",
        "numerapi_gen/_methods",
        "numerapi_gen/_transfer",
        "numerapi_gen/cli",
        "numerapi_gen/testing",
        "numerai_graphql",
    ):
        assert f"{package}/__init__.py" in names, package
    for data in (
        "numerapi_gen/py.typed",
        "numerai_graphql/py.typed",
        "numerai_graphql/numerai.graphql",
        "numerai_graphql/numerai-overlay.graphql",
        "numerai_graphql/client.py",
        "numerai_graphql/async_client.py",
        "numerai_graphql/scalars.py",
    ):
        assert data in names, data
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert (
        "numerapi-gen = numerapi_gen.cli:main"
        in zipfile.ZipFile(wheel).read(entry_points).decode()
    )
