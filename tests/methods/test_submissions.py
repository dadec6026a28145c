"""Submissions against the fake server: upload, list, download, failure modes."""

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

from numerapi_gen import (
    APIStatusError,
    APITimeoutError,
    AsyncNumerAPI,
    AsyncSignalsAPI,
    MissingCredentialsError,
    NotFoundError,
    NumeraiValidationError,
    NumerAPI,
    SignalsAPI,
    SubmissionCreateError,
    UploadError,
)
from numerapi_gen._methods.submissions import SubmissionFilename
from numerapi_gen.testing import FakeNumerai

COLUMNS = {
    "classic": ("id", "prediction"),
    "crypto": ("symbol", "signal"),
    "signals": ("numerai_ticker", "signal"),
}


def predictions_frame(kind: str = "classic", rows: int = 120) -> pd.DataFrame:
    """Valid predictions (Signals and Crypto need 100 tickers or more)."""
    key, value = COLUMNS[kind]
    return pd.DataFrame(
        {
            key: [f"n{index:05d}" for index in range(rows)],
            value: [round((index + 1) / (rows + 1), 6) for index in range(rows)],
        }
    )


def predictions_file(
    directory: Path, kind: str = "classic", name: str = "preds.csv"
) -> Path:
    path = directory / name
    predictions_frame(kind).to_csv(path, index=False)
    return path


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch, tmp_path)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    mode: str = request.param
    return mode


@pytest.fixture
def api(server: FakeNumerai, mode: str) -> Iterator[Caller]:
    yield from callers(server, "classic", mode)


def submission_count(server: FakeNumerai) -> int:
    return len(server.world.submissions)


def test_sync_and_async_signatures_match() -> None:
    names = ["upload_predictions", "submission_ids", "download_submission"]
    sync_async_signatures_match(
        NumerAPI, AsyncNumerAPI, [*names, "get_submission_filenames"]
    )
    sync_async_signatures_match(SignalsAPI, AsyncSignalsAPI, names)
    assert inspect_params(NumerAPI.upload_predictions) == inspect_params(
        SignalsAPI.upload_predictions
    )


def inspect_params(function: Any) -> list[tuple[str, Any]]:
    import inspect

    return [
        (p.name, p.default) for p in inspect.signature(function).parameters.values()
    ]


def test_classic_only_methods_stay_on_numerapi() -> None:
    assert not hasattr(SignalsAPI, "get_submission_filenames")
    assert not hasattr(AsyncSignalsAPI, "get_submission_filenames")
    assert inspect_params(NumerAPI.download_submission) == [
        ("self", inspect_params(NumerAPI.download_submission)[0][1]),
        ("submission_id", None),
        ("model_id", ""),
        ("dest_path", ""),
    ]


# -- the round trip --------------------------------------------------------------------


def test_upload_list_and_download_round_trip(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    model = model_ids(server, 8)[1]
    source = predictions_file(tmp_path)
    submission_id = api.upload_predictions(str(source), model_id=model)

    assert isinstance(submission_id, str)
    created = server.world.submissions[submission_id]
    assert created.model_id == model
    assert created.source == "numerapi-gen"
    assert created.trigger_id is None
    assert server.requests.operations() == [
        "GetSubmissionUploadAuth",
        "CreateSubmission",
    ]
    [put] = [r for r in server.requests if r.method == "PUT"]
    assert put.authorization is None  # API keys never travel to the file host
    assert "x_compute_id" not in {name.lower() for name in put.headers}
    assert_authenticated(server)

    listed = api.submission_ids(model)
    assert submission_id in [s.id for s in listed]
    entry = next(s for s in listed if s.id == submission_id)
    # One Submission type for every operation: numerapi's keys and more.
    assert set(entry.model_dump(by_alias=True)) >= {"id", "filename", "insertedAt"}
    assert isinstance(entry.inserted_at, datetime.datetime)
    assert entry.filename == "preds.csv"

    current = server.world.current_round(8)
    assert current is not None
    filenames = api.get_submission_filenames(round_num=current.number, model_id=model)
    assert filenames == [
        SubmissionFilename(round_num=current.number, tournament=8, filename="preds.csv")
    ]
    assert filenames[0].model_dump(by_alias=True) == {
        "round_num": current.number,
        "tournament": 8,
        "filename": "preds.csv",
    }

    by_id = Path(
        api.download_submission(submission_id, dest_path=str(tmp_path / "a.csv"))
    )
    assert by_id.read_bytes() == source.read_bytes()
    latest = Path(api.download_submission(model_id=model))
    assert latest == Path("preds.csv")  # the API's file name, in the working directory
    assert latest.read_bytes() == source.read_bytes()


def test_upload_a_dataframe(api: Caller, server: FakeNumerai, tmp_path: Path) -> None:
    model = model_ids(server, 8)[0]
    frame = predictions_frame()
    submission_id = api.upload_predictions(df=frame, model_id=model)
    submission = server.world.submissions[submission_id]
    assert submission.filename == "predictions.csv"  # named after file_path's default
    downloaded = api.download_submission(
        submission_id, dest_path=str(tmp_path / "d.csv")
    )
    pd.testing.assert_frame_equal(pd.read_csv(downloaded), frame)
    assert list(tmp_path.iterdir()) == [tmp_path / "d.csv"]  # no temporary file left


def test_the_environment_reaches_the_api(
    api: Caller, server: FakeNumerai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIGGER_ID", "trigger-123")
    monkeypatch.setenv("NUMERAI_COMPUTE_ID", "compute-456")
    model = model_ids(server, 8)[0]
    submission_id = api.upload_predictions(
        str(predictions_file(tmp_path)), model_id=model, data_datestamp=20261127
    )
    submission = server.world.submissions[submission_id]
    assert submission.trigger_id == "trigger-123"
    assert submission.data_datestamp == 20261127
    [create] = server.requests.graphql("CreateSubmission")
    assert create.variables is not None
    assert create.variables["triggerId"] == "trigger-123"
    assert create.variables["source"] == "numerapi-gen"
    [put] = [r for r in server.requests if r.method == "PUT"]
    assert {k.lower(): v for k, v in put.headers.items()}[
        "x_compute_id"
    ] == "compute-456"


def test_signals_uploads_through_its_own_operations(
    server: FakeNumerai, mode: str, tmp_path: Path
) -> None:
    model = model_ids(server, 11)[0]
    for signals in callers(server, "signals", mode):
        source = predictions_file(tmp_path, "signals")
        submission_id = signals.upload_predictions(str(source), model_id=model)
        assert server.world.submissions[submission_id].tournament == 11
        assert server.requests.operations() == [
            "GetSignalsSubmissionUploadAuth",
            "CreateSignalsSubmission",
        ]
        path = signals.download_submission(
            submission_id, dest_path=str(tmp_path / "s.csv")
        )
        assert Path(path).read_bytes() == source.read_bytes()


def test_crypto_uploads_like_classic_in_its_tournament(
    server: FakeNumerai, mode: str, tmp_path: Path
) -> None:
    model = model_ids(server, 12)[0]
    for crypto in callers(server, "crypto", mode):
        submission_id = crypto.upload_predictions(
            str(predictions_file(tmp_path, "crypto")), model_id=model
        )
        assert server.world.submissions[submission_id].tournament == 12
        [auth] = server.requests.graphql("GetSubmissionUploadAuth")
        assert auth.variables is not None and auth.variables["tournament"] == 12


# -- failures around the PUT -----------------------------------------------------------


def test_a_failed_put_creates_no_submission(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    before = submission_count(server)
    server.faults.add(path="/uploads/", statuses=[403])
    with pytest.raises(UploadError) as info:
        api.upload_predictions(
            str(predictions_file(tmp_path)), model_id=model_ids(server, 8)[0]
        )
    assert isinstance(info.value.__cause__, APIStatusError)
    assert info.value.__cause__.status_code == 403
    assert "no submission was created" in str(info.value)
    assert len([r for r in server.requests if r.method == "PUT"]) == 1
    assert "CreateSubmission" not in server.requests.operations()
    assert submission_count(server) == before


def test_the_put_honours_numerapis_timeout_argument(
    server: FakeNumerai, mode: str, tmp_path: Path
) -> None:
    server.faults.add(path="/uploads/", method="PUT", latency=2.0)
    for api in callers(server, "classic", mode, max_retries=0):
        with pytest.raises(UploadError) as info:
            api.upload_predictions(
                str(predictions_file(tmp_path)),
                model_id=model_ids(server, 8)[0],
                timeout=(5, 0.3),  # (connect, read), as numerapi takes it
            )
        assert isinstance(info.value.__cause__, APITimeoutError)
    assert "CreateSubmission" not in server.requests.operations()


@pytest.mark.parametrize("status", [500, 503])
def test_a_put_failing_beyond_the_retries_creates_no_submission(
    server: FakeNumerai, mode: str, tmp_path: Path, status: int
) -> None:
    before = submission_count(server)
    server.faults.add(path="/uploads/", statuses=[status] * 5, retry_after=0)
    for api in callers(server, "classic", mode, max_retries=2):
        with pytest.raises(UploadError) as info:
            api.upload_predictions(
                str(predictions_file(tmp_path)), model_id=model_ids(server, 8)[0]
            )
        assert isinstance(info.value.__cause__, APIStatusError)
        assert info.value.__cause__.status_code == status
    assert len([r for r in server.requests if r.method == "PUT"]) == 3  # 1 + 2 retries
    assert "CreateSubmission" not in server.requests.operations()
    assert submission_count(server) == before


def test_a_put_succeeding_on_a_retry_creates_the_submission_once(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    server.faults.add(path="/uploads/", statuses=[500], retry_after=0)
    source = predictions_file(tmp_path)
    submission_id = api.upload_predictions(
        str(source), model_id=model_ids(server, 8)[0]
    )
    assert len([r for r in server.requests if r.method == "PUT"]) == 2
    assert len(server.requests.graphql("CreateSubmission")) == 1
    path = api.download_submission(submission_id, dest_path=str(tmp_path / "back.csv"))
    assert Path(path).read_bytes() == source.read_bytes()


@pytest.mark.parametrize("status", [500, 503])
def test_a_failed_create_after_the_put_is_reported_and_not_retried(
    api: Caller, server: FakeNumerai, tmp_path: Path, status: int
) -> None:
    before = submission_count(server)
    server.faults.add(operation="CreateSubmission", statuses=[status] * 4)
    with pytest.raises(SubmissionCreateError) as info:
        api.upload_predictions(
            str(predictions_file(tmp_path)), model_id=model_ids(server, 8)[0]
        )
    [auth] = server.requests.graphql("GetSubmissionUploadAuth")
    assert len(server.requests.graphql("CreateSubmission")) == 1
    uploaded = next(u for u in server.world.uploads.values() if u.complete)
    assert info.value.upload_filename == uploaded.filename
    assert uploaded.filename in str(info.value)
    assert "uploaded" in str(info.value)
    assert submission_count(server) == before
    assert auth.status == 200


def test_a_refused_create_is_a_submission_create_error(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    server.world.now -= datetime.timedelta(days=3650)  # no round is open then
    with pytest.raises(SubmissionCreateError, match="not open"):
        api.upload_predictions(
            str(predictions_file(tmp_path)), model_id=model_ids(server, 8)[0]
        )
    assert len(server.requests.graphql("CreateSubmission")) == 1


# -- validation: nothing is sent -------------------------------------------------------


def test_bad_files_are_refused_before_any_request(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    model = model_ids(server, 8)[0]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wrong_type = tmp_path / "preds.txt"
    wrong_type.write_text("id,prediction\nn1,0.5\n")
    no_prediction = tmp_path / "no_prediction.csv"
    no_prediction.write_text("id,something_else\nn1,0.5\n")
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\xff\x00\xfe" * 64)
    for path in (
        tmp_path / "missing.csv",
        tmp_path,
        empty,
        wrong_type,
        no_prediction,
        garbage,
    ):
        with pytest.raises(NumeraiValidationError):
            api.upload_predictions(str(path), model_id=model)
    assert len(server.requests) == 0


def test_bad_dataframes_are_refused_before_any_request(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    model = model_ids(server, 8)[0]
    with_nan = predictions_frame()
    with_nan.loc[3, "prediction"] = float("nan")
    missing_column = predictions_frame().drop(columns=["prediction"])
    for frame in (with_nan, missing_column, pd.DataFrame()):
        with pytest.raises(NumeraiValidationError):
            api.upload_predictions(df=frame, model_id=model)
    assert len(server.requests) == 0
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"model_id": "my_model"}, "model_id"),
        ({"data_datestamp": -1}, "data_datestamp"),
        ({"data_datestamp": "20261127"}, "data_datestamp"),
        ({"timeout": "soon"}, "timeout"),
        ({"timeout": (1, 2, 3)}, "timeout"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    api: Caller,
    server: FakeNumerai,
    tmp_path: Path,
    arguments: dict[str, Any],
    argument: str,
) -> None:
    arguments.setdefault("model_id", model_ids(server, 8)[0])
    with pytest.raises(NumeraiValidationError) as info:
        api.upload_predictions(str(predictions_file(tmp_path)), **arguments)
    assert info.value.argument == argument
    assert len(server.requests) == 0


@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"submission_id": None, "model_id": ""},
        {"submission_id": "00000000-0000-4000-8000-000000000000", "model_id": "x"},
    ],
)
def test_download_needs_exactly_one_of_submission_and_model(
    api: Caller, server: FakeNumerai, arguments: dict[str, Any]
) -> None:
    with pytest.raises(
        NumeraiValidationError, match="exactly one of submission_id or model_id"
    ):
        api.download_submission(**arguments)
    assert len(server.requests) == 0


def test_ids_are_validated(api: Caller, server: FakeNumerai) -> None:
    with pytest.raises(NumeraiValidationError) as info:
        api.download_submission("latest")
    assert info.value.argument == "submission_id"
    with pytest.raises(NumeraiValidationError) as info:
        api.download_submission(model_id="zenwalrus")
    assert info.value.argument == "model_id"
    with pytest.raises(NumeraiValidationError) as info:
        api.submission_ids("zenwalrus")
    assert info.value.argument == "model_id"
    with pytest.raises(NumeraiValidationError) as info:
        api.get_submission_filenames(model_id="zenwalrus")
    assert info.value.argument == "model_id"
    assert len(server.requests) == 0


def test_a_model_without_submissions_has_nothing_to_download(
    api: Caller, server: FakeNumerai
) -> None:
    fresh = server.world.add_model("fresh_model").id
    assert api.submission_ids(fresh) == []
    with pytest.raises(NotFoundError, match="no submissions"):
        api.download_submission(model_id=fresh)


def test_submission_filenames_are_filtered_and_sorted(
    api: Caller, server: FakeNumerai
) -> None:
    model = model_ids(server, 8)[0]
    every = api.get_submission_filenames(model_id=model)
    selected = [s for s in server.world.submissions_of(model) if s.selected]
    assert len(every) == len(selected) > 1
    assert every == sorted(every, key=lambda f: (f.round_num, f.tournament))
    some_round = every[0].round_num
    assert api.get_submission_filenames(round_num=some_round, model_id=model) == [
        f for f in every if f.round_num == some_round
    ]
    assert api.get_submission_filenames(tournament=11, model_id=model) == []


def test_missing_keys_fail_before_any_request(
    server: FakeNumerai, tmp_path: Path
) -> None:
    source = str(predictions_file(tmp_path))
    model = model_ids(server, 8)[0]
    for mode in ("sync", "async"):
        caller = Caller(server, "classic", mode, keys=False)
        with pytest.raises(MissingCredentialsError):
            caller.upload_predictions(source, model_id=model)
        with pytest.raises(MissingCredentialsError):
            caller.submission_ids(model)
        caller.close()
    assert len(server.requests) == 0
