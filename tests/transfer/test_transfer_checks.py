"""Upload validation: files (header/schema only) and DataFrames."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from _transfer_support import leftovers

from numerapi_gen._errors import NumeraiValidationError
from numerapi_gen._transfer import check_upload_file, write_upload_frame


def csv(tmp_path: Path, text: str, name: str = "predictions.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def parquet(tmp_path: Path, frame: pd.DataFrame, name: str = "p.parquet") -> Path:
    path = tmp_path / name
    frame.to_parquet(path)
    return path


# --- files ----------------------------------------------------------------------


def test_valid_files_pass(tmp_path: Path) -> None:
    classic = csv(tmp_path, "id,prediction\nn1,0.5\n")
    assert check_upload_file(str(classic), kind="classic") == classic
    with_bom = csv(tmp_path, "\ufeffid,prediction\n", "bom.csv")
    assert check_upload_file(with_bom, kind="diagnostics") == with_bom
    signals = csv(tmp_path, "bloomberg_ticker,signal\nAAPL US,0.1\n", "s.csv")
    assert check_upload_file(signals, kind="signals") == signals
    frame = pd.DataFrame({"prediction": [0.1]}, index=pd.Index(["n1"], name="id"))
    assert check_upload_file(parquet(tmp_path, frame), kind="classic")
    model = tmp_path / "model.PKL"
    model.write_bytes(b"\x80\x04N.")
    assert check_upload_file(model, kind="model") == model


def test_only_the_header_is_read(tmp_path: Path) -> None:
    """A broken body is Numerai's to judge; we never read past line one."""
    path = tmp_path / "p.csv"
    path.write_bytes(b"id,prediction\n" + b"\xff\xfe garbage \x00" * 1000)
    assert check_upload_file(path, kind="classic") == path


@pytest.mark.parametrize(
    ("name", "content", "kind", "message"),
    [
        ("missing.csv", None, "classic", "does not exist"),
        ("empty.csv", b"", "classic", "is empty"),
        ("p.txt", b"id,prediction\n", "classic", "must be a .csv or .parquet"),
        ("p.csv.gz", b"id,prediction\n", "classic", "must be a .csv or .parquet"),
        ("model.csv", b"id,prediction\n", "model", "must be a .pkl or .pickle"),
        (
            "p.csv",
            b"id,score\nn1,0.5\n",
            "classic",
            "missing required column 'prediction'",
        ),
        ("p.csv", b"prediction\n0.5\n", "diagnostics", "missing required column 'id'"),
        ("p.csv", b"id,prediction,id\n", "classic", "duplicate column(s) id"),
        ("p.csv", b"\n\nid,prediction\n", "classic", "no header line"),
        ("p.csv", b"id,signal\n", "signals", "'numerai_ticker' or 'bloomberg_ticker'"),
        ("p.csv", b"ticker,score\n", "signals", "'signal' or 'prediction'"),
        ("p.parquet", b"not parquet at all", "classic", "not a readable parquet file"),
    ],
)
def test_invalid_files(
    tmp_path: Path, name: str, content: bytes | None, kind: str, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(NumeraiValidationError) as caught:
        check_upload_file(path, kind=kind)  # type: ignore[arg-type]

    assert message in str(caught.value)
    assert caught.value.argument == "file_path"
    assert isinstance(caught.value, ValueError)  # what numerapi raised


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(NumeraiValidationError, match="not a regular file"):
        check_upload_file(tmp_path, kind="classic")


def test_parquet_missing_columns(tmp_path: Path) -> None:
    path = parquet(tmp_path, pd.DataFrame({"id": ["a"], "target": [0.5]}))
    with pytest.raises(NumeraiValidationError, match="'prediction'"):
        check_upload_file(path, kind="classic")


# --- DataFrames -----------------------------------------------------------------


def test_frame_with_id_index_is_written_as_csv(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"prediction": [0.25, 1.0, 0.0]}, index=pd.Index(["a", "b", "c"], name="id")
    )

    path = write_upload_frame(frame, tmp_path, kind="classic", filename="preds.csv")

    assert path == tmp_path / "preds.csv"
    assert path.read_text().splitlines() == [
        "id,prediction",
        "a,0.25",
        "b,1.0",
        "c,0.0",
    ]
    assert frame.index.name == "id"  # the caller's frame is untouched
    assert leftovers(tmp_path) == []
    assert check_upload_file(path, kind="classic") == path


def test_signals_frame_as_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"numerai_ticker": ["AAPL US", "SAP GY"], "signal": [0.2, 0.8]}
    )

    path = write_upload_frame(frame, tmp_path, kind="signals", filename="s.parquet")

    assert pd.read_parquet(path).equals(frame)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"id": ["a"], "score": [0.5]}), "'prediction'"),
        (pd.DataFrame({"id": ["a", "b"], "prediction": [0.5, math.nan]}), "missing"),
        (pd.DataFrame({"id": ["a", "b"], "prediction": [0.5, 1.5]}), "outside [0, 1]"),
        (pd.DataFrame({"id": ["a"], "prediction": [-0.1]}), "outside [0, 1]"),
        (pd.DataFrame({"id": ["a"], "prediction": [math.inf]}), "outside [0, 1]"),
        (pd.DataFrame({"id": ["a", "a"], "prediction": [0.1, 0.2]}), "duplicate 'id'"),
        (
            pd.DataFrame({"id": ["a", None], "prediction": [0.1, 0.2]}),
            "'id' has missing",
        ),
        (pd.DataFrame({"id": ["a"], "prediction": ["high"]}), "must be numeric"),
        (pd.DataFrame({"id": [], "prediction": []}), "no rows"),
    ],
)
def test_invalid_frames_write_nothing(
    tmp_path: Path, frame: pd.DataFrame, message: str
) -> None:
    with pytest.raises(NumeraiValidationError) as caught:
        write_upload_frame(frame, tmp_path, kind="classic", filename="p.csv")

    assert message in str(caught.value)
    assert caught.value.argument == "df"
    assert list(tmp_path.iterdir()) == []


def test_signals_duplicate_tickers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"ticker": ["X", "X"], "prediction": [0.1, 0.2]})
    with pytest.raises(NumeraiValidationError, match="duplicate 'ticker'"):
        write_upload_frame(frame, tmp_path, kind="signals", filename="s.csv")


def test_frame_filename_must_be_csv_or_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["a"], "prediction": [0.5]})
    with pytest.raises(NumeraiValidationError) as caught:
        write_upload_frame(frame, tmp_path, kind="classic", filename="p.xlsx")
    assert caught.value.argument == "filename"
