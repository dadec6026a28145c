"""Upload validation: files (streamed, in full) and DataFrames."""

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


def signals_csv(rows: int = 100) -> str:
    lines = "".join(f"T{k} US,{(k + 1) / (rows + 1)}\n" for k in range(rows))
    return "bloomberg_ticker,signal\n" + lines


def test_valid_files_pass(tmp_path: Path) -> None:
    classic = csv(tmp_path, "id,prediction\nn1,0.5\n")
    assert check_upload_file(str(classic), kind="classic") == classic
    with_bom = csv(tmp_path, "\ufeffid,prediction\nn1,0.25\nn2,0.75\n", "bom.csv")
    assert check_upload_file(with_bom, kind="classic-diagnostics") == with_bom
    signals = csv(tmp_path, signals_csv(), "s.csv")
    assert check_upload_file(signals, kind="signals") == signals
    frame = pd.DataFrame(
        {"prediction": [0.1, 0.9]}, index=pd.Index(["n1", "n2"], name="id")
    )
    assert check_upload_file(parquet(tmp_path, frame), kind="classic")
    model = tmp_path / "model.PKL"
    model.write_bytes(b"\x80\x04N.")
    assert check_upload_file(model, kind="model") == model


def test_the_whole_file_is_checked(tmp_path: Path) -> None:
    """Not only the header: a broken body is refused before any request."""
    path = tmp_path / "p.csv"
    path.write_bytes(b"id,prediction\n" + b"\xff\xfe garbage \x00" * 1000)
    with pytest.raises(NumeraiValidationError, match=r"p\.csv"):
        check_upload_file(path, kind="classic")


@pytest.mark.parametrize(
    ("name", "content", "kind", "message"),
    [
        ("missing.csv", None, "classic", "does not exist"),
        ("empty.csv", b"", "classic", "is empty"),
        ("p.txt", b"id,prediction\n", "classic", "must be a .csv or .parquet"),
        ("p.csv.gz", b"id,prediction\n", "classic", "must be a .csv or .parquet"),
        ("model.csv", b"id,prediction\n", "model", "must be a .pkl or .pickle"),
        ("p.csv", b"id,score\nn1,0.5\n", "classic", "one of prediction, probability"),
        ("p.csv", b"prediction\n0.5\n", "classic-diagnostics", "exactly two columns"),
        ("p.csv", b"id,prediction,id\n", "classic", "duplicate column(s) id"),
        ("p.csv", b"\n\nid,prediction\n", "classic", "no header line"),
        ("p.csv", b"id,prediction\n", "classic", "0 row(s)"),
        ("p.csv", b"id,signal\n", "signals", "one of ticker, sedol"),
        ("p.csv", b"cusip,signal\n", "signals", "one of ticker, sedol"),
        ("p.csv", b"ticker,score\n", "signals", "one of prediction, signal"),
        ("p.csv", b"symbol,prediction\nBTC,0.5\n", "crypto", "at least 100"),
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
    with pytest.raises(NumeraiValidationError, match="one of prediction"):
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
        {"numerai_ticker": [f"T{k} US" for k in range(100)], "signal": [0.2, 0.8] * 50}
    )

    path = write_upload_frame(frame, tmp_path, kind="signals", filename="s.parquet")

    assert pd.read_parquet(path).equals(frame)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"id": ["a"], "score": [0.5]}), "one of prediction"),
        (pd.DataFrame({"id": ["a", "b"], "prediction": [0.5, math.nan]}), "missing"),
        (pd.DataFrame({"id": ["a", "b"], "prediction": [0.5, 1.5]}), "within [0, 1]"),
        (pd.DataFrame({"id": ["a"], "prediction": [-0.1]}), "within [0, 1]"),
        (pd.DataFrame({"id": ["a"], "prediction": [math.inf]}), "within [0, 1]"),
        (pd.DataFrame({"id": ["a", "b"], "prediction": [0.3, 0.3]}), "constant"),
        (pd.DataFrame({"id": ["a", "a"], "prediction": [0.1, 0.2]}), "duplicate 'id'"),
        (
            pd.DataFrame({"id": ["a", None], "prediction": [0.1, 0.2]}),
            "have no 'id'",
        ),
        (pd.DataFrame({"id": ["a"], "prediction": ["high"]}), "must be numbers"),
        (pd.DataFrame({"id": [], "prediction": []}), "0 row(s)"),
        (pd.DataFrame({"prediction": [0.1], "id": ["a"]}), "in this order"),
        (pd.DataFrame({"id": ["a"], "prediction": [0.1], "era": [1]}), "exactly two"),
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
    frame = pd.DataFrame(
        {"ticker": ["X"] + [f"T{k}" for k in range(100)], "prediction": 0.5}
    )
    frame.loc[0, "prediction"] = 0.1
    frame.loc[1, "ticker"] = "X"
    with pytest.raises(NumeraiValidationError, match="duplicate 'ticker'"):
        write_upload_frame(frame, tmp_path, kind="signals", filename="s.csv")


def test_frame_filename_must_be_csv_or_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["a"], "prediction": [0.5]})
    with pytest.raises(NumeraiValidationError) as caught:
        write_upload_frame(frame, tmp_path, kind="classic", filename="p.xlsx")
    assert caught.value.argument == "filename"
