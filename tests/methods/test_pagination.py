"""Iterators over limit/offset lists: page boundaries, a user limit, empty lists.

The session's fake server, with the Classic board cut to 30 entries and the
Signals board empty; every walk runs on the sync client and, with
``async for``, on its async twin.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from _read_support import CLIENTS, MODES

from numerapi_gen import NumeraiValidationError
from numerapi_gen.testing import FakeNumerai

BOARD = 30


@pytest.fixture
def fresh(
    fake_numerai: FakeNumerai, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> FakeNumerai:
    """The session's server, reset; Classic board cut to 30, Signals empty."""
    for name in ("NUMERAI_PUBLIC_ID", "NUMERAI_SECRET_KEY", "NUMERAI_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    boards = fake_numerai.world.leaderboards
    boards["classic"] = boards["classic"][:BOARD]
    boards["signals"] = []
    return fake_numerai


def options(server: FakeNumerai) -> dict[str, Any]:
    return {
        "api_url": server.url,
        "public_id": server.public_id,
        "secret_key": server.secret_key,
        "show_progress_bars": False,
    }


def walk(
    server: FakeNumerai, kind: str, mode: str, name: str, **kwargs: Any
) -> list[Any]:
    """Everything ``name`` yields, from the sync client or with ``async for``."""
    sync_class, async_class = CLIENTS[kind]
    if mode == "sync":
        with sync_class(**options(server)) as api:
            return list(getattr(api, name)(**kwargs))

    async def run() -> list[Any]:
        async with async_class(**options(server)) as api:
            return [entry async for entry in getattr(api, name)(**kwargs)]

    return asyncio.run(run())


def pages(server: FakeNumerai, operation: str) -> list[tuple[Any, Any]]:
    return [
        (r.variables.get("limit"), r.variables.get("offset"))
        for r in server.requests.graphql(operation)
    ]


def whole(server: FakeNumerai, kind: str, method: str, **kwargs: Any) -> list[Any]:
    with CLIENTS[kind][0](**options(server)) as api:
        entries = list(getattr(api, method)(limit=1000, **kwargs))
    server.requests.clear()
    return entries


@pytest.mark.parametrize(
    ("mode", "page_size"),
    [("sync", 7), ("sync", 10), ("sync", 30), ("sync", 100), ("async", 7)],
)
def test_walks_to_the_end_across_page_boundaries(
    fresh: FakeNumerai, mode: str, page_size: int
) -> None:
    expected = whole(fresh, "classic", "get_leaderboard")
    assert len(expected) == BOARD
    entries = walk(fresh, "classic", mode, "iter_leaderboard", page_size=page_size)
    assert entries == expected
    # a short (or empty) page ends the walk: one request more than full pages
    offsets = list(range(0, (BOARD // page_size + 1) * page_size, page_size))
    assert pages(fresh, "GetClassicLeaderboard") == [(page_size, o) for o in offsets]


@pytest.mark.parametrize("mode", MODES)
def test_a_user_limit_stops_the_walk(fresh: FakeNumerai, mode: str) -> None:
    expected = whole(fresh, "classic", "get_leaderboard")
    first = walk(fresh, "classic", mode, "iter_leaderboard", page_size=5, max_items=12)
    assert first == expected[:12]
    assert pages(fresh, "GetClassicLeaderboard") == [(5, 0), (5, 5), (2, 10)]
    fresh.requests.clear()
    assert walk(fresh, "classic", mode, "iter_leaderboard", max_items=0) == []
    assert walk(fresh, "classic", mode, "iter_leaderboard", max_items=500) == expected
    assert pages(fresh, "GetClassicLeaderboard") == [(100, 0)]


@pytest.mark.parametrize("mode", ["sync"])
def test_an_empty_list_takes_one_request(fresh: FakeNumerai, mode: str) -> None:
    assert walk(fresh, "signals", mode, "iter_leaderboard", page_size=10) == []
    assert pages(fresh, "GetSignalsLeaderboard") == [(10, 0)]


def whole_wallet(server: FakeNumerai) -> list[Any]:
    with CLIENTS["classic"][0](**options(server)) as api:
        entries = list(api.wallet_transactions())
    server.requests.clear()
    return entries


@pytest.mark.parametrize("mode", ["sync"])
def test_account_leaderboard_stake_and_wallet_history(
    fresh: FakeNumerai, mode: str
) -> None:
    accounts = whole(fresh, "crypto", "get_account_leaderboard")
    history = whole(fresh, "classic", "stake_transactions")
    model = next(m for m in fresh.world.own_models(8) if m.stake > 0)
    own = whole(fresh, "classic", "stake_transactions", model_id=model.id)
    assert len(accounts) > 4 and len(history) > 4
    assert (
        walk(fresh, "crypto", mode, "iter_account_leaderboard", page_size=4) == accounts
    )
    assert pages(fresh, "GetAccountLeaderboard")[:2] == [(4, 0), (4, 4)]
    assert (
        walk(fresh, "classic", mode, "iter_stake_transactions", page_size=4) == history
    )
    assert (
        walk(
            fresh,
            "classic",
            mode,
            "iter_stake_transactions",
            model_id=model.id,
            page_size=3,
        )
        == own
    )
    assert all(r.authorization for r in fresh.requests.graphql("ListStakeTransactions"))
    wallet = whole_wallet(fresh)
    assert (
        walk(fresh, "classic", mode, "iter_wallet_transactions", page_size=4) == wallet
    )
    assert pages(fresh, "ListWalletTransactions")[-1] == (4, len(wallet) // 4 * 4)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [({"page_size": 0}, "page_size"), ({"max_items": -1}, "max_items")],
)
def test_bad_page_arguments_fail_when_the_iterator_is_made(
    fresh: FakeNumerai, mode: str, kwargs: dict[str, Any], argument: str
) -> None:
    sync_class, async_class = CLIENTS["classic"]
    client = (sync_class if mode == "sync" else async_class)(**options(fresh))
    with pytest.raises(NumeraiValidationError) as caught:
        client.iter_leaderboard(**kwargs)
    with pytest.raises(NumeraiValidationError):
        client.iter_stake_transactions(model_id="not-a-uuid")
    assert caught.value.argument == argument
    assert len(fresh.requests) == 0
    if mode == "sync":
        client.close()
    else:
        asyncio.run(client.close())
