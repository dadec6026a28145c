"""Diagnostics against the fake server: upload validation predictions, read results."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from _read_support import MODES
from _write_support import (
    Caller,
    assert_authenticated,
    callers,
    clean_environment,
    model_ids,
    sync_async_signatures_match,
)
from numerai_graphql import GetDiagnosticsDiagnostics

from numerapi_gen import (
    AsyncNumerAPI,
    GraphQLError,
    MissingCredentialsError,
    NumeraiValidationError,
    NumerAPI,
    Records,
    SubmissionCreateError,
    UploadError,
)
from numerapi_gen.testing import FakeNumerai


def validation_frame(rows: int = 30, key: str = "id") -> pd.DataFrame:
    return pd.DataFrame(
        {
            key: [f"v{index:05d}" for index in range(rows)],
            "prediction": [(index + 1) / (rows + 1) for index in range(rows)],
        }
    )


def validation_file(directory: Path, name: str = "validation.csv") -> Path:
    path = directory / name
    validation_frame().to_csv(path, index=False)
    return path


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch, tmp_path)


@pytest.fixture(params=MODES)
def api(request: pytest.FixtureRequest, server: FakeNumerai) -> Iterator[Caller]:
    yield from callers(server, "classic", request.param)


def test_sync_and_async_signatures_match() -> None:
    sync_async_signatures_match(
        NumerAPI, AsyncNumerAPI, ["upload_diagnostics", "diagnostics"]
    )


def test_upload_then_read_the_diagnostics(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    model = model_ids(server, 8)[0]
    source = validation_file(tmp_path)
    diagnostics_id = api.upload_diagnostics(str(source), model_id=model)

    assert isinstance(diagnostics_id, str)
    record = server.world.diagnostics[diagnostics_id]
    assert record.model_id == model
    assert record.filename == "validation.csv"
    upload = server.world.uploads[record.upload_key or ""]
    assert upload.read_bytes() == source.read_bytes()
    assert server.requests.operations() == [
        "GetDiagnosticsUploadAuth",
        "CreateDiagnostics",
    ]
    [auth] = server.requests.graphql("GetDiagnosticsUploadAuth")
    assert auth.variables == {
        "filename": "validation.csv",
        "tournament": 8,
        "modelId": model,
    }

    results = api.diagnostics(model, diagnostics_id)
    assert isinstance(results, Records)
    [result] = results
    assert isinstance(result, GetDiagnosticsDiagnostics)
    assert result.id == diagnostics_id
    dumped = result.model_dump(by_alias=True)
    assert isinstance(dumped["updatedAt"], datetime.datetime)
    assert isinstance(dumped["validationCorrMean"], float)
    assert isinstance(dumped["perEraDiagnostics"], list)
    assert "validationCorrSharpe" in dumped and "erasAcceptedCount" in dumped
    assert_authenticated(server)

    every = api.diagnostics(model)
    assert diagnostics_id in [d.id for d in every]
    assert len(every) > 1  # the seeded runs are listed too


def test_upload_a_dataframe_for_diagnostics(api: Caller, server: FakeNumerai) -> None:
    diagnostics_id = api.upload_diagnostics(
        df=validation_frame(), model_id=model_ids(server, 8)[0]
    )
    record = server.world.diagnostics[diagnostics_id]
    assert record.filename == "predictions.csv"
    uploaded = server.world.uploads[record.upload_key or ""].read_bytes()
    assert uploaded == validation_frame().to_csv(index=False).encode()


def test_without_a_model_the_run_is_not_attached(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    diagnostics_id = api.upload_diagnostics(str(validation_file(tmp_path)))
    assert server.world.diagnostics[diagnostics_id].model_id is None
    [auth] = server.requests.graphql("GetDiagnosticsUploadAuth")
    assert auth.variables is not None and auth.variables["modelId"] is None


def test_the_tournament_can_be_chosen(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    diagnostics_id = api.upload_diagnostics(
        df=validation_frame(120, "numerai_ticker"), tournament=11
    )
    assert server.world.diagnostics[diagnostics_id].tournament == 11
    with pytest.raises(NumeraiValidationError, match="numerai_ticker"):
        api.upload_diagnostics(str(validation_file(tmp_path)), tournament=11)


@pytest.mark.parametrize(
    ("kind", "key"), [("signals", "numerai_ticker"), ("crypto", "symbol")]
)
def test_signals_and_crypto_diagnostics_follow_their_own_rules(
    server: FakeNumerai, tmp_path: Path, kind: str, key: str
) -> None:
    tournament = 11 if kind == "signals" else 12
    frame = validation_frame(120, key)
    for caller in callers(server, kind, "sync"):
        first = caller.upload_diagnostics(df=frame)
        path = tmp_path / "validation.parquet"
        frame.to_parquet(path, index=False)
        second = caller.upload_diagnostics(str(path))
        for diagnostics_id in (first, second):
            assert server.world.diagnostics[diagnostics_id].tournament == tournament
        with pytest.raises(NumeraiValidationError, match=key):
            caller.upload_diagnostics(df=validation_frame(120))


def test_a_failed_put_creates_no_diagnostics(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    before = len(server.world.diagnostics)
    server.faults.add(path="/uploads/", statuses=[403])
    with pytest.raises(UploadError):
        api.upload_diagnostics(str(validation_file(tmp_path)))
    assert "CreateDiagnostics" not in server.requests.operations()
    assert len(server.world.diagnostics) == before


def test_a_failed_create_is_reported_and_not_retried(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    server.faults.add(operation="CreateDiagnostics", statuses=[502, 502, 502])
    with pytest.raises(SubmissionCreateError) as info:
        api.upload_diagnostics(str(validation_file(tmp_path)))
    assert info.value.upload_filename.endswith("/validation.csv")
    assert len(server.requests.graphql("CreateDiagnostics")) == 1


def test_an_unknown_diagnostics_id_is_a_graphql_error(
    api: Caller, server: FakeNumerai
) -> None:
    with pytest.raises(GraphQLError, match="Diagnostics not found"):
        api.diagnostics(model_ids(server, 8)[0], "00000000-0000-4000-8000-000000000000")


@pytest.mark.parametrize(
    "call",
    [
        lambda api, model, path: api.upload_diagnostics(str(path), model_id="my_model"),
        lambda api, model, path: api.upload_diagnostics(
            str(path.parent / "missing.csv")
        ),
        lambda api, model, path: api.upload_diagnostics(str(path.with_suffix(".json"))),
        lambda api, model, path: api.upload_diagnostics(
            df=validation_frame().rename(columns={"prediction": "p"})
        ),
        lambda api, model, path: api.upload_diagnostics(
            df=validation_frame().assign(prediction=float("nan"))
        ),
        lambda api, model, path: api.diagnostics("my_model"),
        lambda api, model, path: api.diagnostics(model, "latest"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    api: Caller, server: FakeNumerai, tmp_path: Path, call: Any
) -> None:
    path = validation_file(tmp_path)
    path.with_suffix(".json").write_text("{}")
    with pytest.raises(NumeraiValidationError):
        call(api, model_ids(server, 8)[0], path)
    assert len(server.requests) == 0


def test_missing_keys_fail_before_any_request(
    server: FakeNumerai, tmp_path: Path
) -> None:
    source = str(validation_file(tmp_path))
    for mode in ("sync", "async"):
        caller = Caller(server, "classic", mode, keys=False)
        with pytest.raises(MissingCredentialsError):
            caller.upload_diagnostics(source)
        with pytest.raises(MissingCredentialsError):
            caller.diagnostics(model_ids(server, 8)[0])
        caller.close()
    assert len(server.requests) == 0
