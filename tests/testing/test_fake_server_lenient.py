"""``lenient=True`` accepts what the real API tolerates, so numerapi 3.1.1 runs."""

from __future__ import annotations

from collections.abc import Callable

import numerapi
import numerapi.base_api
import pytest

from numerapi_gen.testing import FakeNumerai

Point = Callable[[FakeNumerai], numerapi.NumerAPI]


@pytest.fixture()
def numerapi_at(monkeypatch: pytest.MonkeyPatch) -> Point:
    """numerapi posts to a module constant: aim it at a given fake server."""

    def point(server: FakeNumerai) -> numerapi.NumerAPI:
        monkeypatch.setattr(numerapi.base_api, "API_TOURNAMENT_URL", server.url)
        return numerapi.NumerAPI(server.public_id, server.secret_key)

    return point


def test_numerapis_slips_need_lenient_mode(
    numerapi_at: Point, caplog: pytest.LogCaptureFixture
) -> None:
    """Snake_case fields (leaderboard) and ``$drain: bool!`` (stake_drain)."""
    with FakeNumerai() as strict:
        api = numerapi_at(strict)
        with pytest.raises(ValueError, match=r"Cannot query field 'return_"):
            api.get_leaderboard(limit=3)
        with pytest.raises(ValueError):
            api.stake_drain(strict.world.own_models(8)[0].id)
        assert "Unknown type 'bool'" in caplog.text  # numerapi logs each error
    with FakeNumerai(lenient=True) as lenient:
        api = numerapi_at(lenient)
        board = api.get_leaderboard(limit=3)
        expected = lenient.world.leaderboards["classic"][:3]
        model = max(lenient.world.own_models(8), key=lambda m: m.stake)
        staked = model.stake
        drained = api.stake_drain(model.id)
        assert model.stake == 0 and model.pending_stake_request is not None
    assert [entry["username"] for entry in board] == [e["username"] for e in expected]
    assert {"return_1_day", "return_13_weeks", "return_52_weeks"} <= set(board[0])
    assert drained["drain"] is True
    assert drained["requestedAmount"] == format(staked.normalize(), "f") != "0"


def test_lenient_mode_accepts_string_for_id_and_still_rejects_nonsense() -> None:
    import httpx

    with FakeNumerai(lenient=True) as server:
        model = server.world.own_models(8)[0]
        post = lambda query, variables: httpx.post(  # noqa: E731
            server.url,
            json={"query": query, "variables": variables},
            headers=server.auth_headers,
        ).json()
        ok = post(
            "query($modelId: String) { submissions(modelId: $modelId) { id } }",
            {"modelId": model.id},
        )
        assert ok.get("errors") is None and ok["data"]["submissions"] is not None
        bad = post("query { account { no_such_field } }", {})
        assert bad["data"] is None and bad["errors"]
