"""reset(): a shared server is as good as a new one for the next test."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from decimal import Decimal

import httpx
from fake_server_helpers import post, upload

from numerapi_gen.testing import FakeNumerai, seed_world
from numerapi_gen.testing.pytest_plugin import FakeNumeraiPool

NOW = dt.datetime(2026, 11, 27, 13, 30, tzinfo=dt.timezone.utc)
ROUND = "query($t: Int!) { rounds(tournament: $t, number: 0) { number } }"
UPLOAD_AUTH = (
    "query($f: String!, $t: Int!) "
    "{ submissionUploadAuth(filename: $f, tournament: $t) { url filename } }"
)


def _state(server: FakeNumerai) -> tuple[object, ...]:
    """A deep copy of what the world holds (live objects change in place)."""
    world = server.world
    return copy.deepcopy(
        (
            world.account,
            world.models,
            world.rounds,
            world.submissions,
            world.leaderboards,
            world.submission_scores,
            world.uploads,
            world.datasets,
            world.now,
            sorted(world.blobs.keys()),
        )
    )


def test_reset_restores_the_started_world() -> None:
    with FakeNumerai(now=NOW) as server:
        pristine = _state(server)
        assert pristine == _state(FakeNumerai(now=NOW))  # as seeded
        world = server.world
        model = world.own_models(8)[0]
        model.stake += Decimal(100)
        world.add_model("added_after_start")
        world.add_leaderboard_entries("classic", 5)
        world.add_dataset("v9/extra.csv", b"a,b\n")
        world.now += dt.timedelta(days=3)
        world.account.available_nmr = Decimal(0)
        assert _state(server) != pristine
        server.reset()
        assert _state(server) == pristine
        assert server.world is world  # restored in place
        # The restored objects are the world's own again, not shared with the
        # snapshot: a second round of changes and resets behaves the same.
        world.own_models(8)[0].stake += Decimal(1)
        server.reset()
        assert _state(server) == pristine


def test_reset_clears_requests_faults_and_connections(server: FakeNumerai) -> None:
    server.faults.add(path="/", statuses=[503])
    with httpx.Client() as client:
        assert post(server, ROUND, {"t": 8}, client=client).status_code == 503
        assert server.connections_accepted == 1
        server.reset()
        assert len(server.requests) == 0 and len(server.faults) == 0
        assert server.connections_accepted == 0
        # the client's kept-alive connection was closed; it reconnects
        assert post(server, ROUND, {"t": 8}, client=client).status_code == 200
    assert server.connections_accepted == 1
    assert server.requests.operations() == [None]


def test_uploaded_files_are_deleted_and_generated_ones_kept(
    server: FakeNumerai,
) -> None:
    dataset = server.world.blobs.get("datasets/v5.0/features.json")
    assert dataset is not None and dataset.path.exists()
    auth = post(server, UPLOAD_AUTH, {"f": "p.csv", "t": 8}).json()["data"]
    assert upload(server, auth["submissionUploadAuth"], b"id,p\n").status_code == 200
    (stored,) = [u for u in server.world.uploads.values() if u.complete]
    assert stored.path is not None and stored.path.exists()
    server.reset()
    assert not stored.path.exists()
    assert server.world.uploads == {}
    again = server.world.blobs.get("datasets/v5.0/features.json")
    assert again is dataset and again.path.exists()  # not generated twice


def test_a_request_in_flight_at_reset_is_dropped(server: FakeNumerai) -> None:
    """Its fault delay ends, it is not recorded, and the world it would have
    changed is the next test's, so it changes nothing."""
    server.faults.add(path="/", latency=30)
    model = server.world.own_models(8)[0]
    mutation = (
        "mutation($m: String!) { setSubmissionWebhook(modelId: $m, "
        'newSubmissionWebhook: "https://example.invalid/hook") }'
    )
    outcome: list[object] = []

    def send() -> None:
        try:
            outcome.append(post(server, mutation, {"m": model.id}).status_code)
        except httpx.TransportError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    while not server.faults or next(iter(server.faults)).fired == 0:
        threading.Event().wait(0.005)  # until the server holds the request
    server.reset()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert outcome and isinstance(outcome[0], httpx.TransportError)
    assert len(server.requests) == 0
    assert server.world.own_models(8)[0].submission_webhook == model.submission_webhook


def test_the_pool_shares_a_server_per_set_of_options() -> None:
    pool = FakeNumeraiPool()
    try:
        first = pool.get(seed=5)
        first.world.add_model("only_in_this_test")
        again = pool.get(seed=5)
        assert again is first and again.running
        assert "only_in_this_test" not in {m.name for m in again.world.own_models()}
        other = pool.get(seed=6)
        assert other is not first
        assert other.world.account.username == seed_world(6).account.username
    finally:
        pool.close()
    assert not first.running and not other.running
