"""Every numerapi command, in text and in --json, against the fake server's world."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from _cli_support import Run, invoke, ok, ok_json

from numerapi_gen import __version__
from numerapi_gen.testing import FakeNumerai, Model

CLASSIC, SIGNALS = 8, 11


def own_model(fake: FakeNumerai, tournament: int = CLASSIC) -> Model:
    return fake.world.own_models(tournament)[0]


def amount(value: object) -> Decimal:
    """An NMR amount as the world stores it (Decimal, or text with commas)."""
    return Decimal(str(value).replace(",", ""))


def lines(text: str) -> list[str]:
    return text.strip().splitlines()


def kv(text: str) -> dict[str, str]:
    """``key: value`` lines (top level only) as a dict."""
    pairs = {}
    for line in lines(text):
        if not line.startswith(" ") and ":" in line:
            key, _, value = line.partition(":")
            pairs[key] = value.strip()
    return pairs


def table_rows(text: str) -> list[list[str]]:
    """The data rows of a table (after the header and its rule), split on blanks."""
    all_lines = lines(text)
    assert set(all_lines[1].replace(" ", "")) == {"-"}, text
    return [row.split() for row in all_lines[2:]]


# --- rounds and datasets ----------------------------------------------------------


@pytest.mark.parametrize("tournament", [CLASSIC, SIGNALS, 12])
def test_current_round(run: Run, server: FakeNumerai, tournament: int) -> None:
    current = server.world.current_round(tournament)
    assert current is not None
    text = ok(run("current-round", "--tournament", str(tournament)))
    assert text == f"{current.number}\n"
    data = ok_json(run("--json", "current-round", "--tournament", str(tournament)))
    assert data == current.number


def test_check_new_round(run: Run, server: FakeNumerai) -> None:
    current = server.world.current_round(CLASSIC)
    assert current is not None
    age = server.world.clock() - current.open_time
    recent = str(int(age / datetime.timedelta(hours=1)) + 2)
    assert ok(run("check-new-round", "--hours", recent)) == "1\n"
    assert ok(run("check-new-round", "--hours", "0")) == "0\n"
    assert ok_json(run("check-new-round", "--json", "--hours", recent)) is True
    assert ok_json(run("--json", "check-new-round", "--hours", "0")) is False


@pytest.mark.parametrize("tournament", [CLASSIC, SIGNALS])
def test_list_datasets(run: Run, server: FakeNumerai, tournament: int) -> None:
    expected = sorted(
        name for name, f in server.world.datasets.items() if f.tournament == tournament
    )
    assert expected
    text = ok(run("list-datasets", "--tournament", str(tournament)))
    assert lines(text) == expected
    assert ok_json(run("--json", "list-datasets", "--tournament", str(tournament))) == (
        expected
    )


def test_list_datasets_round_num(run: Run, server: FakeNumerai) -> None:
    current = server.world.current_round(CLASSIC)
    assert current is not None
    names = ok_json(run("--json", "list-datasets", "--round_num", str(current.number)))
    assert names == ok_json(run("--json", "list-datasets", "--round-num", "0"))


def test_download_dataset(run: Run, server: FakeNumerai, tmp_path: Path) -> None:
    name = "v5.0/features.json"
    blob = server.world.blobs.get(server.world.datasets[name].blob_key)
    assert blob is not None
    dest = tmp_path / "out" / "features.json"
    text = ok(
        run(
            "--no-progress",
            "download-dataset",
            "--filename",
            name,
            "--dest_path",
            str(dest),
        )
    )
    assert text.strip() == str(dest)
    assert dest.read_bytes() == blob.path.read_bytes()
    other = tmp_path / "again.json"
    data = ok_json(
        run(
            "--json",
            "--no-progress",
            "download-dataset",
            "--filename",
            name,
            "--dest-path",
            str(other),
        )
    )
    assert data == str(other)
    assert (
        hashlib.sha256(other.read_bytes()).digest()
        == hashlib.sha256(blob.path.read_bytes()).digest()
    )


def test_download_dataset_default_destination(
    run: Run, server: FakeNumerai, tmp_path: Path
) -> None:
    """Without --dest_path the file keeps its name, under the working directory."""
    name = "v5.0/features.json"
    data = ok_json(
        run("--json", "--no-progress", "download-dataset", "--filename", name)
    )
    assert Path(data).resolve() == (tmp_path / name).resolve()


def test_competitions(run: Run, server: FakeNumerai) -> None:
    rounds = {r.number: r for r in server.world.rounds_of(CLASSIC)}
    data = ok_json(run("--json", "competitions"))
    assert {item["number"] for item in data} == set(rounds)
    first = data[0]
    assert set(first) >= {
        "number",
        "openTime",
        "resolveTime",
        "resolvedGeneral",
        "resolvedStaking",
    }
    expected = rounds[first["number"]]
    assert datetime.datetime.fromisoformat(first["openTime"]) == expected.open_time
    assert datetime.datetime.fromisoformat(first["resolveTime"]) == (
        expected.resolve_time
    )
    text = ok(run("competitions"))
    header = lines(text)[0].split()
    assert header[:2] == ["number", "openTime"]
    assert [int(row[0]) for row in table_rows(text)] == [d["number"] for d in data]


# --- leaderboards -----------------------------------------------------------------


def test_leaderboard(run: Run, server: FakeNumerai) -> None:
    board = server.world.leaderboards["classic"]
    data = ok_json(run("--json", "leaderboard", "--limit", "5", "--offset", "2"))
    assert [e["username"] for e in data] == [e["username"] for e in board[2:7]]
    for entry, expected in zip(data, board[2:7], strict=True):
        assert isinstance(entry["nmrStaked"], str)  # exact, never a float
        assert Decimal(entry["nmrStaked"]) == amount(expected["nmrStaked"])
    text = ok(run("leaderboard", "--limit", "5", "--offset", "2"))
    header = lines(text)[0].split()
    rows = table_rows(text)
    column = header.index("username")
    assert [row[column] for row in rows] == [e["username"] for e in board[2:7]]


def test_leaderboard_defaults_to_20(run: Run, server: FakeNumerai) -> None:
    data = ok_json(run("--json", "leaderboard"))
    assert len(data) == min(20, len(server.world.leaderboards["classic"]))


def test_leaderboard_signals(run: Run, server: FakeNumerai) -> None:
    board = server.world.leaderboards["signals"]
    data = ok_json(run("--json", "leaderboard", "--tournament", "11", "--limit", "3"))
    assert [e["username"] for e in data] == [e["username"] for e in board[:3]]


# --- account, models, profiles ----------------------------------------------------


def test_account(run: Run, server: FakeNumerai) -> None:
    account = server.world.account
    data = ok_json(run("--json", "account"))
    assert data["username"] == account.username
    assert isinstance(data["availableNmr"], str)
    assert Decimal(data["availableNmr"]) == account.available_nmr
    assert datetime.datetime.fromisoformat(data["insertedAt"]) == account.inserted_at
    assert {m["name"] for m in data["models"]} == {
        m.name for m in server.world.own_models()
    }
    text = ok(run("account"))
    fields = kv(text)
    assert fields["username"] == account.username
    assert Decimal(fields["availableNmr"]) == account.available_nmr
    assert "models:" in lines(text)
    assert server.secret_key not in text


@pytest.mark.parametrize("tournament", [CLASSIC, SIGNALS])
def test_models(run: Run, server: FakeNumerai, tournament: int) -> None:
    expected = {m.name: m.id for m in server.world.own_models(tournament)}
    assert ok_json(run("--json", "models", "--tournament", str(tournament))) == expected
    assert kv(ok(run("models", "--tournament", str(tournament)))) == expected


def test_profile(run: Run, server: FakeNumerai) -> None:
    model = own_model(server)
    data = ok_json(run("--json", "profile", model.name))
    assert data["username"] == model.name
    assert Decimal(data["nmrStaked"]) == model.stake
    fields = kv(ok(run("profile", model.name)))
    assert fields["username"] == model.name
    assert Decimal(fields["nmrStaked"]) == model.stake


def test_daily_model_performances(run: Run, server: FakeNumerai) -> None:
    model = own_model(server)
    expected = model.daily_performances
    data = ok_json(run("--json", "daily-model-performances", model.name))
    assert [datetime.datetime.fromisoformat(d["date"]) for d in data] == [
        p["date"] for p in expected
    ]
    assert [d["corrRep"] for d in data] == [p["corrRep"] for p in expected]
    text = ok(run("daily-model-performances", model.name))
    assert lines(text)[0].split()[0] == "date"
    assert len(table_rows(text)) == len(expected)


def test_transactions(run: Run, server: FakeNumerai) -> None:
    expected = server.world.account.wallet_txns
    data = ok_json(run("--json", "transactions"))
    assert [t["txHash"] for t in data] == [t["txHash"] for t in expected]
    assert all(isinstance(t["amount"], str) for t in data)
    assert [Decimal(t["amount"]) for t in data] == [
        amount(t["amount"]) for t in expected
    ]
    text = ok(run("transactions"))
    assert len(table_rows(text)) == len(expected)
    assert expected[0]["txHash"][:20] in text


def test_submission_filenames(run: Run, server: FakeNumerai) -> None:
    world = server.world
    model = own_model(server)
    expected = []
    for sub in world.submissions_of(model.id):
        rnd = world.round_by_id(sub.round_id)
        if sub.selected and rnd is not None:
            expected.append(
                {
                    "round_num": rnd.number,
                    "tournament": rnd.tournament,
                    "filename": sub.filename,
                }
            )
    expected.sort(key=lambda f: (f["round_num"], f["tournament"]))
    assert expected
    data = ok_json(run("--json", "submission-filenames", "--model_id", model.id))
    assert [(d["round_num"], d["tournament"], d["filename"]) for d in data] == [
        (e["round_num"], e["tournament"], e["filename"]) for e in expected
    ]
    one = expected[-1]["round_num"]
    data = ok_json(
        run(
            "--json",
            "submission-filenames",
            "--model-id",
            model.id,
            "--round_num",
            str(one),
        )
    )
    assert [d["round_num"] for d in data] == [one]
    text = ok(run("submission-filenames", "--model_id", model.id))
    assert [row[-1] for row in table_rows(text)] == [e["filename"] for e in expected]


def test_stake_get(run: Run, server: FakeNumerai) -> None:
    model = own_model(server)
    data = ok_json(run("--json", "stake-get", model.name))
    assert isinstance(data, str)
    assert Decimal(data) == model.stake
    assert Decimal(ok(run("stake-get", model.name))) == model.stake


# --- writes -------------------------------------------------------------------------


def test_submit(run: Run, server: FakeNumerai, tmp_path: Path) -> None:
    model = own_model(server)
    path = tmp_path / "predictions.csv"
    path.write_text("id,prediction\n" + "".join(f"n{i},0.{i}\n" for i in range(10)))
    submission_id = ok(
        run("--no-progress", "submit", str(path), "--model_id", model.id)
    ).strip()
    submission = server.world.submissions[submission_id]
    assert submission.model_id == model.id
    again = ok_json(
        run("--json", "--no-progress", "submit", str(path), "--model-id", model.id)
    )
    assert again in server.world.submissions
    assert again != submission_id


def test_submit_missing_file_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    result = run("submit", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_stake_increase(run: Run, server: FakeNumerai) -> None:
    model = own_model(server)
    before = model.stake
    data = ok_json(run("--json", "stake-increase", "1.25", "--model_id", model.id))
    assert data["type"] == "increase"
    assert data["requestedAmount"] == "1.25"
    assert data["sentAmount"] == "1.25"
    assert model.stake == before + Decimal("1.25")
    fields = kv(
        ok(run("stake-increase", "0.000000000000000001", "--model_id", model.id))
    )
    assert fields["type"] == "increase"
    assert fields["requestedAmount"] == "0.000000000000000001"  # exact, no 1E-18
    assert fields["sentAmount"] == "0.000000000000000001"
    assert model.stake == before + Decimal("1.250000000000000001")


@pytest.mark.parametrize("command", ["stake-increase", "stake-decrease"])
def test_stake_amounts_with_a_comma_are_refused(
    run: Run, server: FakeNumerai, command: str
) -> None:
    model = own_model(server)
    before = model.stake
    for text in ("0,05", "1,5", "1e-2"):
        result = run(command, text, "--model_id", model.id, "--yes")
        assert result.exit_code == 2, result.stderr
        assert repr(text) in result.stderr
    assert model.stake == before
    assert "ChangeStake" not in server.requests.operations()


def test_stake_decrease(run: Run, server: FakeNumerai) -> None:
    model = own_model(server)
    before = model.stake
    assert before > 1
    data = ok_json(run("--json", "stake-decrease", "0.5", "--model_id", model.id))
    assert data["type"] == "decrease"
    assert Decimal(data["requestedAmount"]) == Decimal("0.5")
    assert model.stake == before - Decimal("0.5")
    fields = kv(ok(run("stake-decrease", "0.25", "--model-id", model.id)))
    assert fields["type"] == "decrease"
    assert model.stake == before - Decimal("0.75")


def test_stake_drain(run: Run, server: FakeNumerai) -> None:
    model = own_model(server)
    staked = model.stake
    assert staked > 0
    data = ok_json(run("--json", "stake-drain", "--model_id", model.id))
    assert data["drain"] is True
    assert Decimal(data["requestedAmount"]) == staked
    assert model.stake == 0
    other = server.world.own_models(CLASSIC)[1]
    fields = kv(ok(run("stake-drain", "--model-id", other.id)))
    assert fields["drain"] == "true"
    assert other.stake == 0


# --- version ------------------------------------------------------------------------


def test_version() -> None:
    assert ok(invoke(["version"])) == f"{__version__}\n"
    assert ok_json(invoke(["--json", "version"])) == __version__
    assert ok(invoke(["--version"])) == f"numerapi-gen {__version__}\n"


def test_json_output_is_one_document(run: Run) -> None:
    """--json output parses as a whole: nothing else is printed to stdout."""
    result = run("--json", "--no-progress", "account")
    json.loads(result.stdout)
