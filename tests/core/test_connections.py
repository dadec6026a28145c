"""Connections on the one stack: reused, replaced when the server closed them
(without sending anything twice), shared by threads and coroutines."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from numerapi_gen import (
    APIConnectionError,
    AsyncNumerAPI,
    NumeraiValidationError,
    NumerAPI,
)
from numerapi_gen.testing import FakeNumerai


def api_for(server: FakeNumerai) -> NumerAPI:
    return NumerAPI(server.public_id, server.secret_key, api_url=server.url)


def async_api_for(server: FakeNumerai) -> AsyncNumerAPI:
    return AsyncNumerAPI(server.public_id, server.secret_key, api_url=server.url)


def test_calls_share_one_connection(fake_numerai: FakeNumerai) -> None:
    with api_for(fake_numerai) as api:
        for _ in range(30):
            api.get_current_round()
        api.get_account()
    assert fake_numerai.connections_accepted == 1
    assert len(fake_numerai.requests) == 31


def test_a_connection_closed_while_idle_is_replaced_without_resending(
    fake_numerai: FakeNumerai,
) -> None:
    model = fake_numerai.world.own_models(8)[0]
    with api_for(fake_numerai) as api:
        api.get_current_round()
        fake_numerai.close_connections()
        api.set_bio(model.id, "after a reconnect")  # a mutation: sent once
        api.get_current_round()
    assert fake_numerai.requests.operations() == [
        "GetCurrentRound",
        "SetBio",
        "GetCurrentRound",
    ]
    assert fake_numerai.connections_accepted == 2
    assert fake_numerai.world.models[model.id].bio == "after a reconnect"


def test_threads_can_share_a_client(fake_numerai: FakeNumerai) -> None:
    expected = fake_numerai.world.current_round(8).number
    with api_for(fake_numerai) as api, ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(lambda _: api.get_current_round(), range(100)))
    assert numbers == [expected] * 100
    assert 1 <= fake_numerai.connections_accepted <= 8


def test_a_closed_client_refuses_requests(fake_numerai: FakeNumerai) -> None:
    api = api_for(fake_numerai)
    api.get_current_round()
    api.close()
    with pytest.raises(APIConnectionError, match="closed"):
        api.get_current_round()


@pytest.mark.parametrize(
    ("public_id", "secret_key"),
    [("PUBLIC\r\nX-Evil: 1", "SECRET"), ("PUBLIC", "SECRET KEY"), ("PÜBLIC", "KEY")],
)
def test_keys_that_cannot_be_a_header_are_rejected_up_front(
    public_id: str, secret_key: str
) -> None:
    with pytest.raises(NumeraiValidationError) as info:
        NumerAPI(public_id, secret_key, api_url="http://127.0.0.1:9/")
    assert secret_key not in str(info.value)


async def test_async_calls_reuse_connections(fake_numerai: FakeNumerai) -> None:
    expected = fake_numerai.world.current_round(8).number
    async with async_api_for(fake_numerai) as api:
        for _ in range(3):
            numbers = await asyncio.gather(
                *(api.get_current_round() for _ in range(20))
            )
            assert numbers == [expected] * 20
    assert len(fake_numerai.requests) == 60
    assert fake_numerai.connections_accepted <= 20  # reused across the batches


async def test_async_reconnects_after_idle_connections_are_closed(
    fake_numerai: FakeNumerai,
) -> None:
    model = fake_numerai.world.own_models(8)[0]
    async with async_api_for(fake_numerai) as api:
        await api.get_current_round()
        fake_numerai.close_connections()
        await asyncio.sleep(0.05)  # the loop sees the server's FIN
        await api.set_bio(model.id, "async reconnect")
    assert fake_numerai.requests.operations() == ["GetCurrentRound", "SetBio"]
    assert fake_numerai.world.models[model.id].bio == "async reconnect"


async def test_a_cancelled_call_leaves_the_client_usable(
    fake_numerai: FakeNumerai,
) -> None:
    fake_numerai.faults.add(operation="GetCurrentRound", latency=1.0, times=1)
    async with async_api_for(fake_numerai) as api:
        slow = asyncio.ensure_future(api.get_current_round())
        await asyncio.sleep(0.2)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        account = await api.get_account()
    assert account.username == fake_numerai.world.account.username


async def test_an_async_client_survives_a_new_event_loop(
    fake_numerai: FakeNumerai,
) -> None:
    api = async_api_for(fake_numerai)
    await api.get_current_round()

    def in_another_loop() -> int | None:
        return asyncio.run(api.get_current_round())

    number = await asyncio.to_thread(in_another_loop)
    assert number == fake_numerai.world.current_round(8).number
    await api.close()


def test_your_own_http_client_carries_the_calls_with_retries(
    fake_numerai: FakeNumerai, monkeypatch: pytest.MonkeyPatch
) -> None:
    from numerapi_gen import _retry

    monkeypatch.setattr(_retry, "sleep", lambda _: None)
    sent: list[str] = []
    mine = httpx.Client(
        headers={"X-Mine": "yes"},
        event_hooks={"request": [lambda request: sent.append(request.method)]},
    )
    fake_numerai.faults.add(operation="GetCurrentRound", statuses=[503])
    with NumerAPI(api_url=fake_numerai.url, http_client=mine) as api:
        assert api.get_current_round() == fake_numerai.world.current_round(8).number
    assert sent == ["POST", "POST"]  # the retry went through it too
    assert all(r.headers.get("X-Mine") == "yes" for r in fake_numerai.requests)
    assert not mine.is_closed
    mine.close()


async def test_your_own_async_http_client_carries_the_calls(
    fake_numerai: FakeNumerai,
) -> None:
    async with httpx.AsyncClient(headers={"X-Mine": "yes"}) as mine:
        async with AsyncNumerAPI(api_url=fake_numerai.url, http_client=mine) as api:
            assert await api.get_current_round() is not None
        assert not mine.is_closed
    assert fake_numerai.requests[0].headers.get("X-Mine") == "yes"
