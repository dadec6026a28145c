"""The async clients (httpx on the httpx-aiohttp transport) keep the
retry-safety rules on the wire."""

from __future__ import annotations

import socket

import pytest
from httpx_aiohttp import AiohttpTransport

from numerapi_gen import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncNumerAPI,
    InvalidResponseError,
)
from numerapi_gen.testing import FakeNumerai


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    from numerapi_gen import _retry

    async def skip(_: float) -> None:
        pass

    monkeypatch.setattr(_retry, "async_sleep", skip)


def async_api(server: FakeNumerai, **kwargs: object) -> AsyncNumerAPI:
    return AsyncNumerAPI(
        server.public_id,
        server.secret_key,
        api_url=server.url,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_the_async_clients_use_the_aiohttp_transport() -> None:
    async with AsyncNumerAPI() as api:
        assert isinstance(api._http._transport, AiohttpTransport)


async def test_queries_are_retried_and_headers_arrive(
    fake_numerai: FakeNumerai,
) -> None:
    fake_numerai.faults.add(operation="GetAccount", statuses=[502, 503])
    async with async_api(fake_numerai) as api:
        account = await api.get_account()
    assert account.username == fake_numerai.world.account.username
    statuses = [r.status for r in fake_numerai.requests.graphql("GetAccount")]
    assert statuses == [502, 503, 200]
    assert all(
        any(k.lower() == "authorization" for k in r.headers)
        for r in fake_numerai.requests.graphql("GetAccount")
    )


async def test_a_cut_off_answer_is_retried_for_a_query_not_a_mutation(
    fake_numerai: FakeNumerai,
) -> None:
    model = fake_numerai.world.own_models(8)[0]
    fake_numerai.faults.add(operation="GetCurrentRound", short_body=True, times=1)
    fake_numerai.faults.add(operation="SetBio", short_body=True, times=1)
    async with async_api(fake_numerai) as api:
        assert await api.get_current_round() is not None
        with pytest.raises((APIConnectionError, InvalidResponseError)):
            await api.set_bio(model.id, "hello")
    assert fake_numerai.requests.operations() == ["GetCurrentRound"] * 2 + ["SetBio"]


async def test_a_mutation_is_not_retried_after_a_server_error(
    fake_numerai: FakeNumerai,
) -> None:
    model = fake_numerai.world.own_models(8)[0]
    fake_numerai.faults.add(operation="SetBio", statuses=[503])
    async with async_api(fake_numerai) as api:
        with pytest.raises(APIStatusError):
            await api.set_bio(model.id, "hello")
    assert fake_numerai.requests.operations() == ["SetBio"]


async def test_refused_connections_and_timeouts(fake_numerai: FakeNumerai) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with AsyncNumerAPI(api_url=f"http://127.0.0.1:{port}/", max_retries=1) as api:
        with pytest.raises(APIConnectionError) as refused:
            await api.get_current_round()
    assert not isinstance(refused.value, APITimeoutError)
    assert "ConnectorError" in str(refused.value)
    fake_numerai.faults.add(operation="GetCurrentRound", latency=2.0)
    async with async_api(fake_numerai, timeout=0.3, max_retries=0) as api:
        with pytest.raises(APITimeoutError):
            await api.get_current_round()
