"""Profile settings against the fake server: bio, link, submission webhook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    GraphQLError,
    MissingCredentialsError,
    NumeraiValidationError,
    NumerAPI,
)
from numerapi_gen.testing import FakeNumerai

OTHER_MODEL = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch, tmp_path)


@pytest.fixture(params=MODES)
def api(request: pytest.FixtureRequest, server: FakeNumerai) -> Iterator[Caller]:
    yield from callers(server, "classic", request.param)


def test_sync_and_async_signatures_match() -> None:
    sync_async_signatures_match(
        NumerAPI, AsyncNumerAPI, ["set_bio", "set_link", "set_submission_webhook"]
    )


def test_set_bio(api: Caller, server: FakeNumerai) -> None:
    model = model_ids(server, 8)[1]
    assert api.set_bio(model, "Ensemble of ensembles.") is True
    assert server.world.models[model].bio == "Ensemble of ensembles."
    [request] = server.requests.graphql("SetBio")
    assert request.variables == {"modelId": model, "value": "Ensemble of ensembles."}
    assert_authenticated(server)


def test_set_link(api: Caller, server: FakeNumerai) -> None:
    model = model_ids(server, 8)[0]
    assert api.set_link(model, "my blog", "https://example.com/blog") is True
    stored = server.world.models[model]
    assert (stored.link_text, stored.link_url) == (
        "my blog",
        "https://example.com/blog",
    )
    [request] = server.requests.graphql("SetLink")
    assert request.variables == {
        "modelId": model,
        "linkText": "my blog",
        "linkUrl": "https://example.com/blog",
    }
    assert_authenticated(server)


def test_set_and_clear_the_submission_webhook(api: Caller, server: FakeNumerai) -> None:
    model = model_ids(server, 8)[0]
    assert api.set_submission_webhook(model, "https://hooks.example.com/x") is True
    assert (
        server.world.models[model].submission_webhook == "https://hooks.example.com/x"
    )
    assert api.set_submission_webhook(model) is True
    assert server.world.models[model].submission_webhook is None
    variables = [r.variables for r in server.requests.graphql("SetSubmissionWebhook")]
    assert variables == [
        {"modelId": model, "newSubmissionWebhook": "https://hooks.example.com/x"},
        {"modelId": model, "newSubmissionWebhook": None},
    ]
    assert_authenticated(server)


def test_someone_elses_model_is_a_graphql_error(
    api: Caller, server: FakeNumerai
) -> None:
    with pytest.raises(GraphQLError, match="Model not found"):
        api.set_bio(OTHER_MODEL, "hi")


@pytest.mark.parametrize("model_id", ["zenwalrus", "", None, 7])
def test_model_ids_must_be_uuids(
    api: Caller, server: FakeNumerai, model_id: Any
) -> None:
    for call in (
        lambda: api.set_bio(model_id, "bio"),
        lambda: api.set_link(model_id, "text", "https://example.com"),
        lambda: api.set_submission_webhook(model_id, "https://example.com"),
    ):
        with pytest.raises(NumeraiValidationError) as info:
            call()
        assert info.value.argument == "model_id"
    assert len(server.requests) == 0


def test_values_are_validated(api: Caller, server: FakeNumerai) -> None:
    model = model_ids(server, 8)[0]
    with pytest.raises(NumeraiValidationError) as info:
        api.set_bio(model, None)
    assert info.value.argument == "bio"
    with pytest.raises(NumeraiValidationError) as info:
        api.set_link(model, "text", "")
    assert info.value.argument == "link"
    with pytest.raises(NumeraiValidationError) as info:
        api.set_link(model, 5, "https://example.com")
    assert info.value.argument == "link_text"
    with pytest.raises(NumeraiValidationError) as info:
        api.set_submission_webhook(model, 5)
    assert info.value.argument == "webhook"
    assert len(server.requests) == 0


def test_missing_keys_fail_before_any_request(server: FakeNumerai) -> None:
    model = model_ids(server, 8)[0]
    for mode in ("sync", "async"):
        caller = Caller(server, "classic", mode, keys=False)
        with pytest.raises(MissingCredentialsError):
            caller.set_bio(model, "bio")
        with pytest.raises(MissingCredentialsError):
            caller.set_submission_webhook(model)
        caller.close()
    assert len(server.requests) == 0
