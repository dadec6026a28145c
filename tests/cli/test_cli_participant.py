"""CLI commands beyond numerapi's: models add/rename/archive, pickles, stake
history, round details and the NMR price, against the fake server."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from _cli_support import Run, fails, ok, ok_json

from numerapi_gen.testing import FakeNumerai, add_pickle


def test_models_add_rename_archive(run_fresh: Run, fresh_server: FakeNumerai) -> None:
    world = fresh_server.world
    added = ok_json(
        run_fresh("models", "add", "cli_model", "--tournament", "11", "--json")
    )
    model = world.models[added["id"]]
    assert (added["name"], model.tournament) == ("cli_model", 11)
    renamed = ok_json(run_fresh("--json", "models", "rename", model.id, "cli_renamed"))
    assert renamed["name"] == model.name == "cli_renamed"
    assert ok_json(run_fresh("models", "archive", model.id, "--json"))["archived"]
    listed = ok_json(run_fresh("--json", "models", "--tournament", "11"))
    assert "cli_renamed" not in listed
    text = ok(run_fresh("models", "unarchive", model.id))
    assert "cli_renamed" in text and model.archived is False
    error = fails(run_fresh("models", "rename", "not-a-uuid", "x"), 2)
    assert "model_id" in error


def test_pickles_list_download_assign_trigger_logs(
    run_fresh: Run, fresh_server: FakeNumerai, tmp_path: Path
) -> None:
    world = fresh_server.world
    model = world.own_models(8)[0]
    pickle = add_pickle(world, None, "cli.pkl")
    assert [
        p["id"] for p in ok_json(run_fresh("--json", "pickles", "--unassigned"))
    ] == [pickle.id]
    assert (
        ok_json(run_fresh("--json", "pickles", "assign", pickle.id, model.id)) is True
    )
    ran = ok_json(run_fresh("--json", "pickles", "trigger", pickle.id, model.id))
    assert ran["triggerStatus"] == "succeeded"
    (listed,) = ok_json(run_fresh("--json", "pickles", "--model-id", model.id))
    trigger_id = listed["triggers"][0]["id"]
    logs = ok_json(run_fresh("--json", "pickles", "logs", trigger_id))
    assert logs[0]["message"] == "Starting submission run of cli.pkl"
    dest = tmp_path / "out.pkl"
    assert ok(run_fresh("pickles", "download", model.id, str(dest))).strip() == str(
        dest
    )
    assert pickle.upload_key is not None
    assert dest.read_bytes() == b"\x80\x05fake pickle " + pickle.upload_key.encode()


def test_stake_history_round_details_nmr_price(run: Run, server: FakeNumerai) -> None:
    world = server.world
    history = ok_json(run("--json", "stake-history", "--limit", "0"))
    three = ok_json(run("--json", "stake-history", "--limit", "3"))
    payouts = ok_json(run("--json", "stake-history", "--type", "payout"))
    assert len(history) == 7 * sum(1 for m in world.own_models() if m.stake > 0)
    assert three == history[:3]
    assert payouts and {t["type"] for t in payouts} == {"payout"}
    assert all(isinstance(t["amount"], str) for t in history)  # exact decimals
    rnd = world.rounds_of(11)[2]
    details = ok_json(
        run("--json", "round-details", str(rnd.number), "--tournament", "11")
    )
    assert (details["roundNumber"], details["roundId"]) == (rnd.number, rnd.id)
    assert details["models"] is None
    full = ok_json(
        run(
            "round-details", str(rnd.number), "--tournament", "11", "--models", "--json"
        )
    )
    assert len(full["models"]) == details["totalSubmitted"]
    assert ok(run("nmr-price")).strip() == "8.42"
    assert Decimal(ok_json(run("--json", "nmr-price"))["priceUsd"]) == Decimal("8.42")
