"""The sync and async runners execute every kind of plan step alike.

Together with the method tests' twin check (``_read_support.Api``: the async
method hands its runner the same plan as the sync one), this is what makes
one run of each method test cover both clients.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from numerai_graphql import Client

from numerapi_gen import AsyncNumerAPI, NumeraiError, NumerAPI
from numerapi_gen._plan import Plan, download, graphql, offload, raw_query, upload
from numerapi_gen.testing import FakeNumerai


def _options(server: FakeNumerai, keys: bool) -> dict[str, Any]:
    options: dict[str, Any] = {"api_url": server.url, "show_progress_bars": False}
    if keys:
        options.update(public_id=server.public_id, secret_key=server.secret_key)
    return options


def run_sync(server: FakeNumerai, plan: Plan[Any], *, keys: bool = True) -> Any:
    with NumerAPI(**_options(server, keys)) as api:
        return api._run(plan)


def run_async(server: FakeNumerai, plan: Plan[Any], *, keys: bool = True) -> Any:
    async def run() -> Any:
        async with AsyncNumerAPI(**_options(server, keys)) as api:
            return await api._run(plan)

    return asyncio.run(run())


def run_both(
    server: FakeNumerai, make_plan: Callable[[str], Plan[Any]], *, keys: bool = True
) -> tuple[Any, Any]:
    """``make_plan(mode)`` run by the sync client, then by the async one."""
    return (
        run_sync(server, make_plan("sync"), keys=keys),
        run_async(server, make_plan("async"), keys=keys),
    )


def test_a_graphql_call_gives_the_same_typed_result(server: FakeNumerai) -> None:
    def plan(_: str) -> Plan[Any]:
        result = yield from graphql(Client.get_account, authenticated=True)
        return result

    sync_result, async_result = run_both(server, plan)
    assert sync_result == async_result
    assert sync_result.account.username == server.world.account.username
    assert server.requests.operations() == ["GetAccount", "GetAccount"]
    assert {r.authorization for r in server.requests} == {
        f"Token {server.public_id}$***"
    }


def test_a_raw_query_gives_the_same_data(server: FakeNumerai) -> None:
    query = "query Number { rounds(number: 0) { number } }"

    def plan(_: str) -> Plan[Any]:
        return (yield from raw_query(query))

    sync_result, async_result = run_both(server, plan)
    assert sync_result == async_result
    assert sync_result["data"]["rounds"]
    assert [r.authorization for r in server.requests] == [None, None]


def test_a_download_writes_the_same_file(server: FakeNumerai, tmp_path: Path) -> None:
    url = server.dataset_url("v5.0/features.json")

    def plan(mode: str) -> Plan[Any]:
        return (yield from download(url, tmp_path / f"{mode}.json"))

    sync_path, async_path = run_both(server, plan)
    assert sync_path == tmp_path / "sync.json" and async_path == tmp_path / "async.json"
    assert sync_path.read_bytes() == async_path.read_bytes()
    assert (
        sync_path.stat().st_size
        == server.world.blobs.get("datasets/v5.0/features.json").size
    )  # type: ignore[union-attr]


def test_an_upload_puts_the_same_bytes(server: FakeNumerai, tmp_path: Path) -> None:
    source = tmp_path / "predictions.csv"
    source.write_bytes(b"id,prediction\nn1,0.5\n")
    slots = {}
    for mode in ("sync", "async"):
        slot = server.world.create_upload(
            "submissions", f"{mode}.csv", model_id=None, tournament=8
        )
        slots[mode] = slot

    def plan(mode: str) -> Plan[Any]:
        slot = slots[mode]
        url = f"{server.base_url}uploads/{quote(slot.key)}?signature={slot.signature}"
        yield from upload(url, source, {"Content-Type": "text/csv"})
        return mode

    assert run_both(server, plan) == ("sync", "async")
    for slot in slots.values():
        assert slot.read_bytes() == source.read_bytes()
        assert slot.content_type == "text/csv"


def test_offloaded_work_returns_its_value(server: FakeNumerai) -> None:
    def plan(mode: str) -> Plan[Any]:
        return (yield from offload(str.upper, mode))

    assert run_both(server, plan) == ("SYNC", "ASYNC")
    assert len(server.requests) == 0


def test_a_failing_step_is_thrown_into_the_plan(server: FakeNumerai) -> None:
    """Without keys the authenticated call fails; the plan sees the error
    at its ``yield`` and may handle it."""

    def plan(_: str) -> Plan[Any]:
        try:
            yield from graphql(Client.get_account, authenticated=True)
        except NumeraiError as exc:
            return type(exc), str(exc)
        return None

    sync_result, async_result = run_both(server, plan, keys=False)
    assert sync_result == async_result
    assert sync_result is not None and issubclass(sync_result[0], NumeraiError)
    assert len(server.requests) == 0


def test_an_unhandled_step_error_reaches_the_caller(server: FakeNumerai) -> None:
    server.faults.add(operation="GetAccount", statuses=[400, 400])

    def plan() -> Plan[Any]:
        return (yield from graphql(Client.get_account, authenticated=True))

    errors = []
    for run in (run_sync, run_async):
        with pytest.raises(NumeraiError) as info:
            run(server, plan())
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]
    assert errors[0][0] is not NumeraiError  # a specific error class
