"""Plain CSV blocks read with numpy mean exactly what pyarrow reads.

Random blocks of lines, mixing what models write with what they should not
(missing-value tokens, quotes, stray commas, spaces, words, odd numbers,
non-ASCII), are read by the numpy path and by pyarrow: wherever the numpy
path takes a block, pyarrow reads the same ids, dates and predictions.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pyarrow.csv as pa_csv

from numerapi_gen._transfer import RULES, _csv_blocks, _validate
from numerapi_gen._transfer._rules import layout

PLAIN_IDS = ["n0001", "n0002abcdefghijk", "x", "a b", "1.5", '"n0003"', '"q r"']
PLAIN_IDS += [f"id{k}" for k in range(40)]
ODD_IDS = ["NA", "", "null", "#N/A", "é", 'q"t', "1,2", '"NA"', '""', '"a""b"']
ODD_IDS += ['"open', 'close"', '"x,y"', '"', '"é"', "a\rb", "c\r"]
#: Numbers in every form the numpy path takes (and an empty field).
PLAIN_NUMBERS = ["0.5", "0.123456", "1e-05", "-0.25", "1", "0", "", "1.", ".5"]
PLAIN_NUMBERS += ["+1", "1E5", "00.5", "-0", "1.5e+3", "0.12345678901234567890123"]
PLAIN_NUMBERS += ["1e-400", "1e400", "-1e400", "1e-320", "1" + "0" * 30]
PLAIN_NUMBERS += [f"{k / 7:.6f}" for k in range(40)]
ODD_NUMBERS = ["nan", "1e+", "--1", " 0.5", "true", "1_0", "0x1", "-", ".", "1-2"]
ODD_NUMBERS += ["1e5.5", "0.1234567890123456789012345678901234", "inf", '"0.5"']


def random_block(rng: random.Random, dated: bool) -> bytes:
    def pick(plain: list[str], odd: list[str]) -> str:
        return rng.choice(odd if rng.random() < 0.02 else plain)

    lines = []
    for _ in range(rng.randrange(1, 30)):
        fields = [pick(PLAIN_IDS, ODD_IDS), pick(PLAIN_NUMBERS, ODD_NUMBERS)]
        if dated:
            dates = ["2026-11-20", "2026-11-27", '"2026-12-04"']
            fields.insert(1, pick(dates, ["", "NaN", '"NA"', '"2026"11"']))
        lines.append(",".join(fields))
    ending = rng.choice(["\r\n", "\n", "\n"])
    text = ending.join(lines) + rng.choice([ending, "", "\r"])
    if rng.random() < 0.05:
        text = text.replace("\n", "\n\n", 1)
    return text.encode()


def test_numpy_blocks_read_what_pyarrow_reads(tmp_path: Path) -> None:
    rng = random.Random(5)
    taken = 0
    for number in range(600):
        dated = number % 3 == 0
        kind = "signals-diagnostics" if dated else "classic"
        rules = RULES[kind]
        columns = ["ticker", "date", "signal"] if dated else ["id", "prediction"]
        found = layout(columns, rules)
        lines = random_block(rng, dated)
        fields = (0, len(columns) - 1, 1 if dated else None)
        ours = _csv_blocks.simple_block(lines, len(columns), *fields)
        if ours is None:
            continue
        taken += 1
        theirs = _validate._pyarrow_csv(tmp_path / "x.csv", columns, found, rules)(
            lines
        )
        assert theirs.predictions is not None, lines
        assert ours.predictions is not None
        assert np.array_equal(ours.predictions, theirs.predictions, equal_nan=True)
        assert theirs.ids.missing() == 0, lines
        for row in range(len(ours.ids)):
            assert ours.key(row) == theirs.key(row), lines
        assert (ours.keys() == theirs.keys()).all(), lines
    assert 100 < taken < 500  # both paths are exercised


def test_the_null_tokens_are_pyarrows() -> None:
    defaults = pa_csv.ConvertOptions().null_values
    assert sorted(_csv_blocks.NULL_TOKENS) == sorted(defaults)
