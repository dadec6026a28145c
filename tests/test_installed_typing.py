"""After the README's install, mypy --strict sees the package from anywhere.

mypy runs from a temporary directory outside the repository, with no project
configuration, on a user's pipeline, a misspelt import and every Python block
of the README, exactly as a user's CI would check them.
"""

from __future__ import annotations

import re
import site
import subprocess
import sys
from pathlib import Path

PIPELINE = """\
from decimal import Decimal

import pandas as pd
from numerai_graphql import GetAccountAccount, GetWalletTransactionsAccountWalletTxns

from numerapi_gen import NumerAPI, Records
from numerapi_gen.compat import NumerAPI as LegacyAPI


def balance(api: NumerAPI) -> Decimal:
    account: GetAccountAccount = api.get_account()
    return account.available_nmr or Decimal(0)


def board(api: NumerAPI) -> pd.DataFrame:
    return api.get_leaderboard(limit=10).to_dataframe()


def legacy(api: LegacyAPI) -> object:
    return api.get_account()["availableNmr"]


def legacy_rounds() -> list[dict[str, object]]:
    with LegacyAPI() as napi:
        return napi.get_competitions()


def wallet(api: NumerAPI) -> Records[GetWalletTransactionsAccountWalletTxns]:
    return api.wallet_transactions()
"""

MISSPELT = """\
from numerapi_gen import NumerApi  # misspelt

print(NumerApi)
"""


def readme_blocks(readme: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.DOTALL)


def test_mypy_strict_sees_the_installed_package(
    tmp_path: Path, repo_root: Path
) -> None:
    blocks = readme_blocks(repo_root / "README.md")
    assert len(blocks) >= 2
    files = {"pipeline.py": PIPELINE, "misspelt.py": MISSPELT}
    files.update({f"readme_{n}.py": text for n, text in enumerate(blocks, 1)})
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(repo_root / ".mypy_cache" / "installed"),
            *files,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    hooked = [
        path.name
        for folder in map(Path, site.getsitepackages())
        for path in folder.glob("__editable___numerapi_gen_*_finder.py")
    ]
    assert not hooked, (
        f"numerapi-gen is installed through setuptools' import hook ({hooked}), "
        "which mypy cannot follow: install it as the README says "
        "(--config-settings editable_mode=strict)\n" + result.stdout
    )
    assert errors == [
        'misspelt.py:1: error: Module "numerapi_gen" has no attribute "NumerApi"  '
        "[attr-defined]"
    ], result.stdout + result.stderr
