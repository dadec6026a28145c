"""Retries, error types, auth headers and secrets, observed on the wire.

Everything here talks HTTP to the project's fake Numerai server on 127.0.0.1.
"""

from __future__ import annotations

import logging
import socket

import httpx
import pytest

from numerapi_gen import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncNumerAPI,
    GraphQLError,
    InvalidCredentialsError,
    InvalidResponseError,
    MissingCredentialsError,
    NumerAPI,
    RateLimitError,
)
from numerapi_gen.testing import FakeNumerai

FAST = {"max_retries": 3}


def api_for(server: FakeNumerai, **kwargs: object) -> NumerAPI:
    return NumerAPI(
        server.public_id,
        server.secret_key,
        api_url=server.url,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(autouse=True)
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry policy's waits, recorded instead of slept."""
    from numerapi_gen import _retry

    delays: list[float] = []
    monkeypatch.setattr(_retry, "sleep", delays.append)
    return delays


def test_a_query_is_retried_after_503_then_succeeds(fake_numerai: FakeNumerai) -> None:
    fake_numerai.faults.add(operation="GetCurrentRound", statuses=[503, 503])
    with api_for(fake_numerai) as api:
        number = api.get_current_round()
    assert number == fake_numerai.world.current_round(8).number
    assert fake_numerai.requests.operations() == ["GetCurrentRound"] * 3
    assert [r.status for r in fake_numerai.requests] == [503, 503, 200]


def test_429_waits_for_retry_after(
    fake_numerai: FakeNumerai, caplog: pytest.LogCaptureFixture, waits: list[float]
) -> None:
    fake_numerai.faults.add(operation="ListDatasets", statuses=[429], retry_after=1)
    caplog.set_level(logging.DEBUG, logger="numerapi_gen")
    with api_for(fake_numerai, verbosity="DEBUG") as api:
        names = api.list_datasets()
    assert names
    assert waits == [1.0]  # the server asked for one second
    retries = [r for r in caplog.records if r.getMessage().startswith("retrying")]
    assert len(retries) == 1
    assert "in 1.00s after HTTP 429" in retries[0].getMessage()


def test_persistent_429_raises_rate_limit_error_with_retry_after(
    fake_numerai: FakeNumerai,
) -> None:
    fake_numerai.faults.add(
        operation="ListDatasets", statuses=[429] * 10, retry_after=0
    )
    with (
        api_for(fake_numerai, max_retries=2) as api,
        pytest.raises(RateLimitError) as info,
    ):
        api.list_datasets()
    assert info.value.retry_after == 0
    assert info.value.status_code == 429
    assert len(fake_numerai.requests) == 3


def test_a_query_gives_up_after_max_retries(fake_numerai: FakeNumerai) -> None:
    fake_numerai.faults.add(operation="GetCurrentRound", statuses=[502] * 10)
    with (
        api_for(fake_numerai, max_retries=2) as api,
        pytest.raises(APIStatusError) as info,
    ):
        api.get_current_round()
    assert info.value.status_code == 502
    assert len(fake_numerai.requests) == 3


def test_per_call_retries_with_options(fake_numerai: FakeNumerai) -> None:
    fake_numerai.faults.add(operation="GetCurrentRound", statuses=[503] * 4)
    with api_for(fake_numerai, max_retries=0) as api:
        with pytest.raises(APIStatusError):
            api.get_current_round()
        assert len(fake_numerai.requests) == 1
        assert api.with_options(max_retries=5).get_current_round() is not None
    assert len(fake_numerai.requests) == 1 + 4


def test_500_is_not_retried(fake_numerai: FakeNumerai) -> None:
    fake_numerai.faults.add(operation="GetCurrentRound", statuses=[500])
    with api_for(fake_numerai) as api, pytest.raises(APIStatusError) as info:
        api.get_current_round()
    assert info.value.status_code == 500
    assert len(fake_numerai.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_mutation_is_never_retried_after_reaching_the_server(
    fake_numerai: FakeNumerai, status: int
) -> None:
    model = fake_numerai.world.own_models(8)[0]
    fake_numerai.faults.add(operation="SetBio", statuses=[status])
    with api_for(fake_numerai) as api, pytest.raises(APIStatusError):
        api.set_bio(model.id, "hello")
    assert fake_numerai.requests.operations() == ["SetBio"]


def test_a_mutation_is_not_retried_after_a_dropped_response(
    fake_numerai: FakeNumerai,
) -> None:
    model = fake_numerai.world.own_models(8)[0]
    fake_numerai.faults.add(operation="SetBio", short_body=True, times=1)
    with (
        api_for(fake_numerai) as api,
        pytest.raises((APIConnectionError, InvalidResponseError)),
    ):
        api.set_bio(model.id, "hello")
    assert fake_numerai.requests.operations() == ["SetBio"]


def test_a_query_is_retried_after_a_dropped_response(fake_numerai: FakeNumerai) -> None:
    fake_numerai.faults.add(operation="GetCurrentRound", short_body=True, times=1)
    with api_for(fake_numerai) as api:
        assert api.get_current_round() == fake_numerai.world.current_round(8).number
    assert fake_numerai.requests.operations() == ["GetCurrentRound"] * 2


def test_direct_graphql_calls_get_the_same_retry_policy(
    fake_numerai: FakeNumerai,
) -> None:
    """``api.graphql`` (generated methods and raw documents alike) retries a
    query as the typed methods do, and never sends a mutation twice."""
    from numerai_graphql.exceptions import GraphQLClientHttpError

    model = fake_numerai.world.own_models(8)[0]
    fake_numerai.faults.add(operation="GetCurrentRound", statuses=[503, 429])
    fake_numerai.faults.add(operation="RawRound", statuses=[502])
    fake_numerai.faults.add(operation="SetBio", statuses=[503])
    with api_for(fake_numerai) as api:
        current = api.graphql.get_current_round(tournament=8)
        raw = api.graphql.execute("query RawRound { rounds(tournament: 8) { number } }")
        with pytest.raises(GraphQLClientHttpError):
            api.graphql.set_bio(value="hello", model_id=model.id)
        fake_numerai.faults.add(operation="GetCurrentRound", statuses=[503])
        with pytest.raises(GraphQLClientHttpError):  # its own budget: none
            api.with_options(max_retries=0).graphql.get_current_round(tournament=8)
    assert current.rounds[0].number == fake_numerai.world.current_round(8).number
    assert api.graphql.get_data(raw)["rounds"]
    assert [(r.operation, r.status) for r in fake_numerai.requests] == [
        ("GetCurrentRound", 503),
        ("GetCurrentRound", 429),
        ("GetCurrentRound", 200),
        ("RawRound", 502),
        ("RawRound", 200),
        ("SetBio", 503),
        ("GetCurrentRound", 503),
    ]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_retried_then_an_api_connection_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="numerapi_gen")
    url = f"http://127.0.0.1:{_closed_port()}/"
    with NumerAPI(api_url=url, max_retries=2, verbosity="DEBUG") as api:
        with pytest.raises(APIConnectionError) as info:
            api.get_current_round()
        # A mutation too (it never left), straight through .graphql as well.
        with pytest.raises(httpx.ConnectError):
            api.graphql.set_bio(value="hello")
    assert not isinstance(info.value, APITimeoutError)
    assert "ConnectError" in str(info.value)
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert [m.split()[1] for m in retries] == ["get_current_round"] * 2 + ["SetBio"] * 2


def test_a_slow_server_is_a_timeout_error(
    fake_numerai: FakeNumerai, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="numerapi_gen")
    fake_numerai.faults.add(operation="GetCurrentRound", latency=2.0)
    with (
        api_for(fake_numerai, timeout=0.3, max_retries=1, verbosity="DEBUG") as api,
        pytest.raises(APITimeoutError),
    ):
        api.get_current_round()
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 1
    assert "ReadTimeout" in retries[0]


def test_html_and_invalid_json_are_invalid_responses(fake_numerai: FakeNumerai) -> None:
    with api_for(fake_numerai, max_retries=0) as api:
        fake_numerai.faults.add(operation="ListDatasets", html_status=200, times=1)
        with pytest.raises(InvalidResponseError):
            api.list_datasets()
        fake_numerai.faults.add(operation="ListDatasets", invalid_json=True, times=1)
        with pytest.raises(InvalidResponseError):
            api.list_datasets()
        fake_numerai.faults.add(operation="ListDatasets", html_status=502, times=1)
        with pytest.raises(APIStatusError) as info:
            api.list_datasets()
        assert info.value.status_code == 502
        assert api.list_datasets()  # and the next call is fine


def test_graphql_errors_keep_every_message_path_and_code(
    fake_numerai: FakeNumerai,
) -> None:
    with api_for(fake_numerai) as api, pytest.raises(GraphQLError) as info:
        api.raw_query(
            "query { a: rounds(tournament: 8, number: 0) { number } b: nope }"
        )
    # an invalid document: every validation error is kept
    assert info.value.messages
    assert any("nope" in m for m in info.value.messages)


def test_auth_header_only_where_needed(fake_numerai: FakeNumerai) -> None:
    with api_for(fake_numerai) as api:
        api.get_current_round()
        api.get_account()
    public, private = fake_numerai.requests
    assert "authorization" not in {k.lower() for k in public.headers}
    assert any(k.lower() == "authorization" for k in private.headers)


def test_missing_keys_fail_before_any_request(fake_numerai: FakeNumerai) -> None:
    with NumerAPI(api_url=fake_numerai.url) as api:
        with pytest.raises(MissingCredentialsError, match="needs API keys"):
            api.get_account()
        assert api.get_current_round() is not None  # public data still works
    assert fake_numerai.requests.operations() == ["GetCurrentRound"]


def test_wrong_keys_are_invalid_credentials(fake_numerai: FakeNumerai) -> None:
    secret = "WRONG-secret-do-not-print"
    api = NumerAPI("WRONGPUBLIC", secret, api_url=fake_numerai.url)
    with api, pytest.raises(InvalidCredentialsError) as info:
        api.get_account()
    assert secret not in str(info.value)


def test_secrets_never_reach_logs_or_errors(
    fake_numerai: FakeNumerai,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # everything: ours, httpx, httpcore
    fake_numerai.faults.add(operation="GetAccount", statuses=[503])
    fake_numerai.faults.add(operation="GetModels", statuses=[500])
    with api_for(fake_numerai, verbosity="DEBUG") as api:
        api.get_account()
        with pytest.raises(APIStatusError) as info:
            api.get_models()
        text = repr(api) + str(info.value) + repr(info.value)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    captured = capsys.readouterr()
    assert "retrying" in logged  # the logs were really captured
    secret = fake_numerai.secret_key
    for haystack in (
        logged,
        text,
        captured.out,
        captured.err,
        repr(fake_numerai.requests),
    ):
        assert secret not in haystack


async def test_async_client_retries_and_runs_concurrently(
    fake_numerai: FakeNumerai,
) -> None:
    import asyncio

    fake_numerai.faults.add(operation="GetCurrentRound", statuses=[503])
    async with AsyncNumerAPI(
        fake_numerai.public_id, fake_numerai.secret_key, api_url=fake_numerai.url
    ) as api:
        numbers = await asyncio.gather(*(api.get_current_round() for _ in range(20)))
        account = await api.get_account()
        fake_numerai.faults.add(operation="GetCurrentRound", statuses=[503])
        direct = await api.graphql.get_current_round(tournament=8)  # retried too
    assert set(numbers) == {fake_numerai.world.current_round(8).number}
    assert direct.rounds[0].number in numbers
    assert account.username == fake_numerai.world.account.username
    assert len(fake_numerai.requests.graphql("GetCurrentRound")) == 21 + 2


def test_unknown_things_are_not_found_errors(fake_numerai: FakeNumerai) -> None:
    from numerapi_gen import GraphQLNotFoundError, NotFoundError

    with api_for(fake_numerai) as api, pytest.raises(NotFoundError) as info:
        api.public_user_profile("no_such_model_anywhere")
    assert isinstance(info.value, GraphQLError)  # details kept, either catch works
    assert isinstance(info.value, GraphQLNotFoundError)
    assert info.value.errors and "not found" in info.value.errors[0].message.lower()
