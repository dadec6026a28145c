"""Numerai Compute against the fake server: model uploads, versions, images."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

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
    AsyncNumerAPI,
    MissingCredentialsError,
    NumeraiValidationError,
    NumerAPI,
    SubmissionCreateError,
    UploadError,
)
from numerapi_gen.testing import FakeNumerai


def model_file(directory: Path, name: str = "model.pkl") -> Path:
    path = directory / name
    path.write_bytes(pickle.dumps({"weights": list(range(100))}))
    return path


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch, tmp_path)


@pytest.fixture(params=MODES)
def api(request: pytest.FixtureRequest, server: FakeNumerai) -> Iterator[Caller]:
    yield from callers(server, "classic", request.param)


def by_name(entries: list[dict[str, object]]) -> dict[str, str]:
    return {str(e["name"]): str(e["id"]) for e in entries if not e.get("deprecated")}


def test_sync_and_async_signatures_match() -> None:
    sync_async_signatures_match(
        NumerAPI,
        AsyncNumerAPI,
        ["model_upload", "model_upload_data_versions", "model_upload_docker_images"],
    )


def test_data_versions_and_docker_images(api: Caller, server: FakeNumerai) -> None:
    versions = api.model_upload_data_versions()
    images = api.model_upload_docker_images()
    assert versions == by_name(server.world.compute_data_versions)
    assert images == by_name(server.world.compute_docker_images)
    assert all(isinstance(v, str) for v in [*versions, *versions.values()])
    assert_authenticated(server)


def test_model_upload_with_names(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    model = model_ids(server, 8)[2]
    source = model_file(tmp_path)
    upload_id = api.model_upload(
        str(source), model_id=model, data_version="v5.0", docker_image="Python 3.11"
    )
    assert isinstance(upload_id, str)
    record = server.world.compute_pickle_uploads[upload_id]
    assert record.model_id == model
    assert record.data_version_id == by_name(server.world.compute_data_versions)["v5.0"]
    assert (
        record.docker_image_id
        == by_name(server.world.compute_docker_images)["Python 3.11"]
    )
    assert server.world.models[model].compute_pickle_upload_id == upload_id
    assert (
        server.world.uploads[record.upload_key or ""].read_bytes()
        == source.read_bytes()
    )
    assert server.requests.operations() == [
        "ListComputePickleDataVersions",
        "ListComputePickleDockerImages",
        "GetComputePickleUploadAuth",
        "CreateComputePickleUpload",
    ]
    assert_authenticated(server)


def test_model_upload_with_ids_needs_no_lookup(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    version = by_name(server.world.compute_data_versions)["v5.0"]
    image = by_name(server.world.compute_docker_images)["Python 3.12"]
    upload_id = api.model_upload(
        str(model_file(tmp_path)),
        model_id=model_ids(server, 8)[0],
        data_version=version,
        docker_image=image,
    )
    record = server.world.compute_pickle_uploads[upload_id]
    assert (record.data_version_id, record.docker_image_id) == (version, image)
    assert server.requests.operations() == [
        "GetComputePickleUploadAuth",
        "CreateComputePickleUpload",
    ]
    [create] = server.requests.graphql("CreateComputePickleUpload")
    assert create.variables is not None and create.variables["tournament"] == 8


def test_an_unknown_name_is_refused_before_the_upload(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    with pytest.raises(NumeraiValidationError, match=r"v5\.0") as info:
        api.model_upload(str(model_file(tmp_path)), data_version="v9.9")
    assert info.value.argument == "data_version"
    assert server.requests.operations() == ["ListComputePickleDataVersions"]
    assert not server.world.uploads


def test_a_failed_put_creates_no_model_upload(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    server.faults.add(path="/uploads/", statuses=[403])
    with pytest.raises(UploadError):
        api.model_upload(str(model_file(tmp_path)), model_id=model_ids(server, 8)[0])
    assert "CreateComputePickleUpload" not in server.requests.operations()
    assert not server.world.compute_pickle_uploads


def test_a_failed_create_is_reported_and_not_retried(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    server.faults.add(operation="CreateComputePickleUpload", statuses=[500])
    with pytest.raises(SubmissionCreateError) as info:
        api.model_upload(str(model_file(tmp_path)), model_id=model_ids(server, 8)[0])
    assert info.value.upload_filename.endswith("/model.pkl")
    assert len(server.requests.graphql("CreateComputePickleUpload")) == 1
    assert not server.world.compute_pickle_uploads


def test_bad_arguments_are_refused_before_any_request(
    api: Caller, server: FakeNumerai, tmp_path: Path
) -> None:
    good = model_file(tmp_path)
    csv = tmp_path / "model.csv"
    csv.write_text("id,prediction\n")
    empty = tmp_path / "empty.pkl"
    empty.write_bytes(b"")
    for path in (tmp_path / "missing.pkl", csv, empty, tmp_path):
        with pytest.raises(NumeraiValidationError) as info:
            api.model_upload(str(path))
        assert info.value.argument == "file_path"
    for keyword, value in (
        ("model_id", "my_model"),
        ("data_version", ""),
        ("docker_image", 3),
    ):
        with pytest.raises(NumeraiValidationError) as info:
            api.model_upload(str(good), **{keyword: value})
        assert info.value.argument == keyword
    assert len(server.requests) == 0


def test_missing_keys_fail_before_any_request(
    server: FakeNumerai, tmp_path: Path
) -> None:
    source = str(model_file(tmp_path))
    for mode in ("sync", "async"):
        caller = Caller(server, "classic", mode, keys=False)
        with pytest.raises(MissingCredentialsError):
            caller.model_upload(source)
        with pytest.raises(MissingCredentialsError):
            caller.model_upload_data_versions()
        caller.close()
    assert len(server.requests) == 0
