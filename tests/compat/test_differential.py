"""numerapi_gen.compat returns exactly what numerapi 3.1.1 returns.

Both clients run against one fake server and every public method's results
are compared strictly: equal values, and the same container and value types at
every level (a ``Decimal`` is not a ``float``, a naive ``datetime`` is not an
aware one, a ``dict`` is not a model). Each of numerapi's calls runs as
numerapi sends it; none is answered on its behalf.
"""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from _compat_support import KINDS

from numerapi_gen.testing import FakeNumerai


def assert_same(ours: Any, theirs: Any, path: str = "result") -> None:
    """Equal, with the same types all the way down."""
    assert type(ours) is type(theirs), f"{path}: {type(ours)} != {type(theirs)}"
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs) or set(ours) == set(theirs), (
            f"{path}: keys {sorted(set(ours) ^ set(theirs))}"
        )
        for key in theirs:
            assert_same(ours[key], theirs[key], f"{path}[{key!r}]")
    elif isinstance(theirs, list):
        assert len(ours) == len(theirs), f"{path}: {len(ours)} != {len(theirs)} items"
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(mine, other, f"{path}[{index}]")
    elif isinstance(theirs, datetime.datetime):
        assert ours == theirs, f"{path}: {ours!r} != {theirs!r}"
        assert (ours.utcoffset() is None) == (theirs.utcoffset() is None), path
    else:
        assert ours == theirs, f"{path}: {ours!r} != {theirs!r}"
    if isinstance(theirs, Decimal):
        assert str(ours) == str(theirs), f"{path}: {ours!r} != {theirs!r}"


def differ(
    clients: dict[str, tuple[Any, Any]], kind: str, method: str, *args: Any
) -> None:
    """Run ``method`` on both clients and compare."""
    ours, theirs = clients[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        expected = getattr(theirs, method)(*args)
        actual = getattr(ours, method)(*args)
    assert_same(actual, expected)


READS: list[tuple[str, Callable[[FakeNumerai, int], tuple[Any, ...]]]] = [
    ("get_account", lambda s, t: ()),
    ("get_models", lambda s, t: ()),
    ("wallet_transactions", lambda s, t: ()),
    ("get_current_round", lambda s, t: ()),
    ("list_rounds", lambda s, t: ()),
    ("get_leaderboard", lambda s, t: ()),
    ("get_account_leaderboard", lambda s, t: ()),
    ("public_user_profile", lambda s, t: (s.world.own_models(t)[0].name,)),
    ("stake_get", lambda s, t: (s.world.own_models(t)[0].name,)),
    ("models_of_account", lambda s, t: (s.world.account.username,)),
    ("submission_scores", lambda s, t: (s.world.own_models(t)[0].id,)),
    ("pending_model_payouts", lambda s, t: ()),
    ("round_model_performances_v2", lambda s, t: (s.world.own_models(t)[0].id,)),
    ("round_model_performances", lambda s, t: (s.world.own_models(t)[0].id,)),
    ("intra_round_scores", lambda s, t: (s.world.own_models(t)[0].id,)),
    ("submission_ids", lambda s, t: (s.world.own_models(t)[0].id,)),
    ("diagnostics", lambda s, t: (s.world.own_models(t)[0].id,)),
    ("list_datasets", lambda s, t: ()),
    ("check_new_round", lambda s, t: ()),
    ("check_round_open", lambda s, t: ()),
    ("modelid_to_modelname", lambda s, t: (s.world.own_models(t)[0].id,)),
    ("pipeline_status", lambda s, t: ()),
    ("model_upload_data_versions", lambda s, t: ()),
    ("model_upload_docker_images", lambda s, t: ()),
    ("v3_stake_config", lambda s, t: ()),
    ("v3_stake_round", lambda s, t: (s.world.rounds_of(t)[0].id,)),
]
ONLY = {
    "daily_model_performances": (
        ["classic", "signals"],
        lambda s, t: (s.world.own_models(t)[0].name,),
    ),
    "get_competitions": (["classic"], lambda s, t: ()),
    "get_submission_filenames": (["classic"], lambda s, t: ()),
}
CASES = [(kind, method, args) for kind in KINDS for method, args in READS] + [
    (kind, method, args) for method, (kinds, args) in ONLY.items() for kind in kinds
]


@pytest.mark.parametrize(
    ("kind", "method", "args"), CASES, ids=[f"{k}-{m}" for k, m, _ in CASES]
)
def test_read_methods_return_numerapis_values(
    server: FakeNumerai,
    clients: dict[str, tuple[Any, Any]],
    kind: str,
    method: str,
    args: Callable[[FakeNumerai, int], tuple[Any, ...]],
) -> None:
    differ(clients, kind, method, *args(server, KINDS[kind][2]))


# --- writes: numerapi first, then the same call through compat --------------------

STAKER = "0x" + "ab" * 20


def both(
    clients: dict[str, tuple[Any, Any]], kind: str, method: str, *args: Any
) -> tuple[Any, Any]:
    ours, theirs = clients[kind]
    return getattr(ours, method)(*args), getattr(theirs, method)(*args)


@pytest.mark.parametrize("kind", list(KINDS))
def test_profile_and_stake_writes_return_numerapis_values(
    server: FakeNumerai,
    clients: dict[str, tuple[Any, Any]],
    kind: str,
) -> None:
    models = server.world.own_models(KINDS[kind][2])
    model = models[-1]
    calls: list[tuple[str, tuple[Any, ...]]] = [
        ("set_bio", (model.id, "numerapi bio")),
        ("set_link", (model.id, "home", "https://example.com")),
        ("set_submission_webhook", (model.id, "https://example.com/hook")),
        ("stake_increase", ("1.5", model.id)),
        ("stake_decrease", ("0.5", model.id)),
        ("stake_change", (2, "increase", model.id)),
    ]
    for method, args in calls:
        ours, theirs = both(clients, kind, method, *args)
        assert_same(ours, theirs, f"{kind}.{method}")
    if kind == "classic":
        # Each client sets the stake of its own model, both starting at 10.
        ours, theirs = clients[kind]
        other = models[0]
        for target in ("10", "3", "12", "12"):
            ours.typed.stake_set("10", model.id)
            ours.typed.stake_set("10", other.id)
            expected = theirs.stake_set(target, other.id)
            assert_same(ours.stake_set(target, model.id), expected)
    # The same drain from the same state: the request id counts the world's
    # stake requests, so numerapi's drain is undone before compat's.
    before = server.world.snapshot()
    theirs = clients[kind][1].stake_drain(model.id)
    server.world.restore(before)
    drained = clients[kind][0].stake_drain(model.id)
    assert_same(drained, theirs)
    assert drained["drain"] is True and isinstance(drained["requestedAmount"], str)


@pytest.mark.parametrize("kind", list(KINDS))
def test_v3_staking_returns_numerapis_values(
    server: FakeNumerai, clients: dict[str, tuple[Any, Any]], kind: str
) -> None:
    tournament = KINDS[kind][2]
    model = server.world.own_models(tournament)[0]
    submission = server.world.submissions_of(model.id)[0]
    now = server.world.clock()
    resolved = next(r for r in server.world.rounds_of(tournament) if r.resolved(now))
    ours, theirs = both(clients, kind, "v3_stake_auth", submission.id, STAKER, "2")
    # the nonce counts authorizations: numerapi's was issued first
    assert ours.pop("nonce") == str(int(theirs.pop("nonce")))
    assert ours.pop("authorizationDigest") and theirs.pop("authorizationDigest")
    assert ours.pop("signature") and theirs.pop("signature")
    assert_same(ours, theirs)
    ours, theirs = both(clients, kind, "v3_stake_claim", resolved.id, model.id, STAKER)
    assert_same(ours, theirs)


def test_raw_query_returns_numerapis_values(
    clients: dict[str, tuple[Any, Any]],
) -> None:
    query = "query($t: Int!) { rounds(tournament: $t, number: 0) { number openTime } }"
    ours, theirs = both(clients, "classic", "raw_query", query, {"t": 8})
    assert_same(ours, theirs)
    ours, theirs = both(
        clients, "classic", "raw_query", "query { account { username } }", None, True
    )
    assert_same(ours, theirs)


@pytest.mark.parametrize("kind", list(KINDS))
def test_files_round_trip_like_numerapi(
    server: FakeNumerai,
    clients: dict[str, tuple[Any, Any]],
    kind: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    ours, theirs = clients[kind]
    tournament = KINDS[kind][2]
    model = server.world.own_models(tournament)[0]
    key, value = {
        "classic": ("id", "prediction"),
        "signals": ("numerai_ticker", "signal"),
        "crypto": ("symbol", "signal"),
    }[kind]
    frame = pd.DataFrame(
        {
            key: [f"n{i:05d}" for i in range(120)],  # Signals/Crypto: >= 100
            value: [(i + 1) / 121 for i in range(120)],
        }
    )
    source = tmp_path / "predictions.csv"
    frame.to_csv(source, index=False)

    created = [
        api.upload_predictions(str(source), model_id=model.id) for api in (ours, theirs)
    ]
    assert [type(i) for i in created] == [str, str]
    assert created[0] != created[1]
    assert all(i in server.world.submissions for i in created)
    if kind == "classic":
        diagnostics = [
            api.upload_diagnostics(str(source), model_id=model.id)
            for api in (ours, theirs)
        ]
        assert [type(i) for i in diagnostics] == [str, str]
        assert diagnostics[0] != diagnostics[1]

    name = ours.list_datasets()[0]
    paths = [
        api.download_dataset(name, f"{who}-{Path(name).name}")
        for who, api in (("ours", ours), ("theirs", theirs))
    ]
    assert [type(p) for p in paths] == [str, str]
    assert paths == [f"ours-{Path(name).name}", f"theirs-{Path(name).name}"]
    assert Path(paths[0]).read_bytes() == Path(paths[1]).read_bytes()

    paths = [
        api.download_submission(created[1], dest_path=f"{who}.csv")
        for who, api in (("ours", ours), ("theirs", theirs))
    ]
    assert paths == ["ours.csv", "theirs.csv"]
    assert Path(paths[0]).read_bytes() == Path(paths[1]).read_bytes()
    assert Path(paths[0]).read_bytes() == source.read_bytes()

    pickle = tmp_path / "model.pkl"
    pickle.write_bytes(b"\x80\x05N.")
    uploads = [
        api.model_upload(str(pickle), model_id=model.id) for api in (ours, theirs)
    ]
    assert [type(i) for i in uploads] == [str, str]
    if kind == "signals":
        assert_same(ours.ticker_universe(), theirs.ticker_universe())
    for api in (ours, theirs):
        api.set_global_data_dir(str(tmp_path / "data"))
        assert api.global_data_dir == str(tmp_path / "data")
        api.set_global_data_dir(".")


#: The methods the write tests above call on both clients.
WRITES = {
    "set_bio",
    "set_link",
    "set_submission_webhook",
    "stake_increase",
    "stake_decrease",
    "stake_change",
    "stake_set",
    "stake_drain",
    "v3_stake_auth",
    "v3_stake_claim",
    "raw_query",
    "upload_predictions",
    "upload_diagnostics",
    "download_dataset",
    "download_submission",
    "model_upload",
    "ticker_universe",
    "set_global_data_dir",
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_public_numerapi_method_is_compared(kind: str) -> None:
    reference = KINDS[kind][1]
    public = {
        name
        for name in dir(reference)
        if not name.startswith("_") and callable(getattr(reference, name))
    }
    covered = {method for k, method, _ in CASES if k == kind} | WRITES
    assert public <= covered, sorted(public - covered)
