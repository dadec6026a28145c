"""Numerai's submission rules, with numerai-tools as the oracle.

Generated frames (valid ones and ones with one or more faults) are judged by
our checks and by numerai-tools' ``validate_submission_numerai/_signals/
_crypto``; both must accept and reject the same frames, as DataFrames and as
CSV and parquet files. The universe given to numerai-tools is the set of
submitted ids (every submitted id is live), which is what a local check can
know; an empty submission is judged against a one-id universe.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numerai_tools import submissions as oracle

from numerapi_gen._errors import NumeraiValidationError
from numerapi_gen._transfer import (
    RULES,
    check_upload_file,
    validate_frame,
    write_upload_frame,
)
from numerapi_gen.testing import FakeNumerai

TOURNAMENT_OF_KIND = {
    "classic": "classic",
    "signals": "signals",
    "crypto": "crypto",
    "classic-diagnostics": "classic",
    "signals-diagnostics": "signals",
    "crypto-diagnostics": "crypto",
}
ROW_COUNTS = [0, 1, 2, 99, 100, 101, 160, 250]
#: numerai-tools' own use of pandas is deprecated in pandas 3; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")


def oracle_accepts(tournament: str, frame: pd.DataFrame) -> bool:
    """numerai-tools' verdict on ``frame`` (judged on a copy)."""
    rules = RULES[tournament]
    ids = pd.Series(dtype=object)
    for column in rules.id_columns:
        if column in frame.columns:
            ids = frame[column].dropna().astype(str).drop_duplicates()
            break
    if ids.empty:
        ids = pd.Series(["only"])
    universe = pd.DataFrame({column: ids.to_numpy() for column in rules.id_columns})
    submission = frame.copy()
    try:
        if tournament == "classic":
            oracle.validate_submission_numerai(ids.reset_index(drop=True), submission)
        elif tournament == "signals":
            oracle.validate_submission_signals(universe, submission)
        else:
            oracle.validate_submission_crypto(universe, submission)
    except Exception:
        return False
    return True


def ours_accepts(kind: str, frame: pd.DataFrame) -> bool:
    try:
        validate_frame(frame.copy(), kind=kind)  # type: ignore[arg-type]
    except NumeraiValidationError:
        return False
    return True


Fault = Callable[[pd.DataFrame, random.Random, str, str], pd.DataFrame]


def _set(frame: pd.DataFrame, column: str, row: int, value: Any) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame = frame.copy()
    if value is None:
        frame[column] = frame[column].astype(object)
    frame.iloc[row % len(frame), frame.columns.get_loc(column)] = value
    return frame


def fault_nan_prediction(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    return _set(f, p, r.randrange(10**6), np.nan)


def fault_missing_id(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    return _set(f, i, r.randrange(10**6), None)


def fault_duplicate_id(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    if len(f) < 2:
        return f
    f = f.copy()
    f.iloc[1, f.columns.get_loc(i)] = f.iloc[0, f.columns.get_loc(i)]
    return f


def fault_out_of_range(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    value = r.choice([-0.1, 1.1, 2.0, -1e-9, 1 + 5e-6, 1 + 1e-4, -1e-6])
    return _set(f, p, r.randrange(10**6), value)


def fault_constant(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    f = f.copy()
    f[p] = r.choice([0.5, 0.0, 1.0])
    return f


def fault_text_predictions(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    f = f.copy()
    f[p] = f[p].map(lambda v: f"{v:.3f}")
    return f


def fault_binary_ints(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    f = f.copy()
    f[p] = [k % 2 for k in range(len(f))]
    return f


def fault_rename_id(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    return f.rename(columns={i: r.choice(["ID", "cusip", "ids", "Ticker", "era"])})


def fault_rename_prediction(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    name = r.choice(["predictions", "target", "Prediction", "probability", "signal"])
    return f.rename(columns={p: name})


def fault_swap_columns(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    return f[list(reversed(f.columns))]


def fault_extra_column(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    f = f.copy()
    f[r.choice(["era", "data_type", "target", "date", "friday_date"])] = "x"
    return f


def fault_date_first(f: pd.DataFrame, r: random.Random, i: str, p: str) -> Any:
    name = r.choice(["friday_date", "date"])
    if name in f.columns:
        return f
    f = f.copy()
    f.insert(0, name, "2026-11-27")
    return f


FAULTS: list[Fault] = [
    fault_nan_prediction,
    fault_missing_id,
    fault_duplicate_id,
    fault_out_of_range,
    fault_constant,
    fault_text_predictions,
    fault_binary_ints,
    fault_rename_id,
    fault_rename_prediction,
    fault_swap_columns,
    fault_extra_column,
    fault_date_first,
]


def generated_frames(kind: str, count: int, seed: int) -> list[pd.DataFrame]:
    """Valid frames of every size, each with none, one or two random faults."""
    rules = RULES[TOURNAMENT_OF_KIND[kind]]
    rng = random.Random(seed)
    frames = []
    for number in range(count):
        rows = ROW_COUNTS[number % len(ROW_COUNTS)]
        id_column = rng.choice(rules.id_columns)
        prediction_column = rng.choice(rules.prediction_columns)
        frame = pd.DataFrame(
            {
                id_column: [f"n{rng.randrange(10**9):09d}x{k}" for k in range(rows)],
                prediction_column: [rng.random() for _ in range(rows)],
            }
        )
        chosen = rng.sample(FAULTS, rng.choice([0, 0, 1, 1, 1, 2]))
        # Value faults first: renames and reorders come last (FAULTS' order).
        for fault in sorted(chosen, key=FAULTS.index):
            if kind == "crypto-diagnostics" and fault is fault_date_first:
                continue  # dated crypto diagnostics are ours alone (see below)
            frame = fault(frame, rng, id_column, prediction_column)
        frames.append(frame)
    return frames


@pytest.mark.parametrize("kind", list(TOURNAMENT_OF_KIND))
def test_frames_are_judged_as_numerai_tools_judges_them(kind: str) -> None:
    tournament = TOURNAMENT_OF_KIND[kind]
    verdicts = []
    for frame in generated_frames(kind, 96, seed=len(kind)):
        ours = ours_accepts(kind, frame)
        theirs = oracle_accepts(tournament, frame)
        assert ours == theirs, (kind, ours, theirs, list(frame.columns), frame.head())
        verdicts.append(ours)
    assert 0.15 < sum(verdicts) / len(verdicts) < 0.85  # both verdicts covered


@pytest.mark.parametrize("kind", ["classic", "signals", "crypto"])
def test_files_are_judged_as_numerai_tools_judges_them(
    kind: str, tmp_path: Path
) -> None:
    verdicts = []
    for number, frame in enumerate(generated_frames(kind, 24, seed=7 + len(kind))):
        for suffix, read in ((".csv", pd.read_csv), (".parquet", pd.read_parquet)):
            path = tmp_path / f"{number}{suffix}"
            try:
                if suffix == ".csv":
                    frame.to_csv(path, index=False)
                else:
                    frame.to_parquet(path, index=False)
            except Exception:
                continue  # pyarrow cannot store a mixed-type column: no file
            theirs = oracle_accepts(kind, read(path))
            try:
                check_upload_file(path, kind=kind)  # type: ignore[arg-type]
                ours = True
            except NumeraiValidationError:
                ours = False
            assert ours == theirs, (kind, suffix, ours, theirs, path.read_bytes()[:300])
            verdicts.append(ours)
    assert 0.15 < sum(verdicts) / len(verdicts) < 0.85


def signals_frame(rows: int = 120, **extra: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "numerai_ticker": [f"T{k} US" for k in range(rows)],
            "prediction": np.linspace(0.01, 0.99, rows),
            **extra,
        }
    )


def test_signals_and_crypto_diagnostics_are_accepted() -> None:
    validate_frame(signals_frame(), kind="signals-diagnostics")
    crypto = signals_frame().rename(columns={"numerai_ticker": "symbol"})
    validate_frame(crypto, kind="crypto-diagnostics")
    with pytest.raises(NumeraiValidationError, match="exactly two columns"):
        validate_frame(signals_frame(), kind="classic-diagnostics")


def test_diagnostics_tickers_repeat_across_dates_only() -> None:
    dates = ["2026-11-20"] * 120 + ["2026-11-27"] * 120
    frame = pd.concat([signals_frame(), signals_frame()], ignore_index=True)
    frame.insert(1, "friday_date", dates)
    validate_frame(frame, kind="signals-diagnostics")
    with pytest.raises(NumeraiValidationError, match="duplicate"):
        validate_frame(frame, kind="signals")  # one live date: tickers are unique
    frame.loc[1, "friday_date"] = "2026-11-20"
    frame.loc[1, "numerai_ticker"] = frame.loc[0, "numerai_ticker"]
    with pytest.raises(NumeraiValidationError, match="duplicate"):
        validate_frame(frame, kind="signals-diagnostics")


def test_a_csv_with_nan_predictions_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "predictions.csv"
    rows = "".join(f"n{k},{'nan' if k == 77 else k / 200}\n" for k in range(150))
    path.write_text("id,prediction\n" + rows)
    with pytest.raises(NumeraiValidationError, match="missing value"):
        check_upload_file(path, kind="classic")


def test_files_are_checked_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault in a late batch is found, and duplicates spanning batches (and
    hashes spilled to disk) are confirmed against the ids themselves."""
    from numerapi_gen._transfer import _validate

    # a temporary directory of this test's own: other tests spill ids too
    spills = tmp_path / "spills"
    spills.mkdir()
    monkeypatch.setattr(_validate.tempfile, "tempdir", str(spills))
    monkeypatch.setattr(_validate, "CSV_BLOCK_BYTES", 4096)
    monkeypatch.setattr(_validate, "BATCH_ROWS", 400)
    monkeypatch.setattr(_validate, "_HASHES_IN_MEMORY", 800)
    rows = 5_000
    frame = pd.DataFrame(
        {
            "id": [f"n{k:06d}" for k in range(rows)],
            "prediction": np.linspace(0, 1, rows),
        }
    )
    for suffix in (".csv", ".parquet"):
        good = write_upload_frame(
            frame, tmp_path, kind="classic", filename="a" + suffix
        )
        assert check_upload_file(good, kind="classic") == good
        doubled = frame.copy()
        doubled.loc[rows - 1, "id"] = "n000003"
        bad = tmp_path / f"b{suffix}"
        if suffix == ".csv":
            doubled.to_csv(bad, index=False)
        else:
            doubled.to_parquet(bad, index=False)
        with pytest.raises(NumeraiValidationError, match=r"duplicate 'id'.*n000003"):
            check_upload_file(bad, kind="classic")
    assert not list(spills.iterdir())  # the spilled hashes were removed


def test_file_uploads_never_import_pandas(
    fake_numerai: FakeNumerai, tmp_path: Path
) -> None:
    """Checking and uploading files (CSV, parquet, valid and duplicated) in a
    fresh interpreter leaves pandas unimported: its import alone is bigger
    than an upload's whole memory budget. Plain CSVs need no pyarrow either."""
    frame = pd.DataFrame(
        {"id": [f"n{k:05d}" for k in range(300)], "prediction": np.linspace(0, 1, 300)}
    )
    frame.to_csv(tmp_path / "good.csv", index=False)
    frame.set_index("id").to_parquet(tmp_path / "good.parquet")
    frame.loc[299, "id"] = "n00007"
    frame.to_parquet(tmp_path / "doubled.parquet", index=False)
    frame.to_csv(tmp_path / "doubled.csv", index=False)
    model = fake_numerai.world.own_models(8)[0].id
    code = """
import json, sys
from numerapi_gen import NumerAPI
from numerapi_gen._errors import NumeraiValidationError
url, public_id, secret_key, model, directory = sys.argv[1:]
api = NumerAPI(public_id, secret_key, api_url=url, show_progress_bars=False)
ids, refused, pyarrow = [], [], []
for suffix in (".csv", ".parquet"):
    ids.append(api.upload_predictions(directory + "/good" + suffix, model_id=model))
    try:
        api.upload_predictions(directory + "/doubled" + suffix, model_id=model)
    except NumeraiValidationError as exc:
        refused.append(str(exc))
    pyarrow.append("pyarrow" in sys.modules)
print(json.dumps({"ids": ids, "refused": refused, "pyarrow": pyarrow,
                  "pandas": "pandas" in sys.modules}))
"""
    argv = [fake_numerai.url, fake_numerai.public_id, fake_numerai.secret_key]
    done = subprocess.run(
        [sys.executable, "-c", code, *argv, model, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("NUMERAI_")},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert set(result["ids"]) <= set(fake_numerai.world.submissions)
    assert len(result["ids"]) == 2
    assert len(result["refused"]) == 2
    assert all("duplicate 'id'" in r and "n00007" in r for r in result["refused"])
    assert result["pandas"] is False
    assert result["pyarrow"] == [False, True]


def _texts(values: list[str | None], large: bool = False) -> Any:
    import pyarrow as pa

    from numerapi_gen._transfer import _validate

    kind = pa.large_string() if large else pa.string()
    return _validate.arrow_texts(pa.array(values, type=kind))


def test_id_hashes_do_not_depend_on_the_batch() -> None:
    """The same text hashes the same whatever its neighbours, position,
    array offset or offset width; different texts (also ones differing only
    in trailing zero bytes or past the first words) hash apart."""
    values = ["", "a", "a\0", "abcdefgh", "abcdefgh\0", "x" * 1000, "x" * 999 + "y"]
    values += [f"n{k:015d}" for k in range(200)]
    whole = _texts(values).hashes()
    assert len(set(whole.tolist())) == len(values)
    for k, value in enumerate(values):
        assert _texts([value]).hashes()[0] == whole[k]
    assert (_texts(values, large=True).hashes() == whole).all()
    shifted = _texts(["pad", "more padding", *values])
    sliced = shifted.__class__(shifted.starts[2:], shifted.ends[2:], shifted.data, None)
    assert (sliced.hashes() == whole).all()
    with_missing = _texts([None, "a", None]).hashes()
    assert with_missing[0] == with_missing[2] != with_missing[1]


def test_a_hash_collision_never_rejects_a_valid_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every id hashing alike, the second pass compares the ids
    themselves: unique ids pass, a real duplicate is still found."""
    from numerapi_gen._transfer import _validate

    monkeypatch.setattr(
        _validate.Texts, "hashes", lambda self: np.zeros(len(self), dtype=np.uint64)
    )
    frame = pd.DataFrame(
        {"id": [f"n{k}" for k in range(500)], "prediction": np.linspace(0, 1, 500)}
    )
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    assert check_upload_file(path, kind="classic") == path
    frame.loc[400, "id"] = "n12"
    frame.to_csv(path, index=False)
    with pytest.raises(NumeraiValidationError, match=r"1 duplicate 'id'.*n12"):
        check_upload_file(path, kind="classic")


def test_a_csv_line_longer_than_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line with no end in sight is refused, not gathered into memory; a
    quoted block late in the file goes to pyarrow and reads the same."""
    from numerapi_gen._transfer import _validate

    monkeypatch.setattr(_validate, "CSV_BLOCK_BYTES", 1024)
    monkeypatch.setattr(_validate, "_LONGEST_LINE", 4096)
    rows = "".join(f"n{k},{(k + 1) / 400}\n" for k in range(300))
    path = tmp_path / "p.csv"
    path.write_text("id,prediction\n" + rows + '"n300","0.9"\n')
    assert check_upload_file(path, kind="classic") == path
    path.write_text("id,prediction\n" + rows + "n300," + "1" * 5000 + "\n")
    with pytest.raises(NumeraiValidationError, match="longer than 4096 bytes"):
        check_upload_file(path, kind="classic")


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends(
    ending: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CRLF and CR-only files are read row by row, like LF ones (blocks cut
    between a CR and its LF included)."""
    from numerapi_gen._transfer import _validate

    monkeypatch.setattr(_validate, "CSV_BLOCK_BYTES", 1001)
    lines = ["id,prediction"] + [f"n{k},{(k + 1) / 400}" for k in range(300)]
    path = tmp_path / "p.csv"
    path.write_bytes(ending.join(lines).encode() + ending.encode())
    assert check_upload_file(path, kind="classic") == path
    lines[250] = "n17,0.5"
    path.write_bytes(ending.join(lines).encode())
    with pytest.raises(NumeraiValidationError, match=r"1 duplicate 'id'.*n17"):
        check_upload_file(path, kind="classic")
