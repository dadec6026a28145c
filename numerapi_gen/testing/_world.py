"""The fake server's state: an inspectable in-memory Numerai.

A :class:`World` is plain data (the records of :mod:`._entities`) plus the
behaviour the API has: lookups, and mutations that validate like the real API
and raise :class:`WorldError` with its messages. :func:`._seed.seed_world`
builds a populated one; the GraphQL layer reads and changes it.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import pickle
import random
import threading
import time
from collections.abc import Iterable
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any

from ._blobs import BlobSnapshot, BlobStore, Upload
from ._entities import (
    CLASSIC,
    CRYPTO,
    SIGNALS,
    ComputePickleUpload,
    DatasetFile,
    Diagnostics,
    Model,
    Round,
    StakeRequest,
    Submission,
    User,
    WorldError,
    hex_digest,
    parse_amount,
    stable_uuid,
)
from ._records import (
    diagnostics_metrics,
    extra_submission_scores,
    leaderboard_entries,
    new_model,
)

__all__ = ["World", "WorldSnapshot"]

#: Attributes a snapshot leaves alone: the lock stays, blobs restore themselves.
_NOT_PICKLED = ("lock", "blobs")

_round_number = attrgetter("number")


def _tournament_of_dataset(name: str) -> int:
    if name.startswith("signals/"):
        return SIGNALS
    if name.startswith("crypto/"):
        return CRYPTO
    return CLASSIC


class World:
    """All state behind the fake API; thread-safe through :attr:`lock`.

    Build one with :func:`~numerapi_gen.testing.seed_world` (or let
    :class:`FakeNumerai` do it). Helpers
    such as :meth:`add_dataset`, :meth:`add_leaderboard_entries` and
    :meth:`add_submission_scores` let tests and benchmarks add content.
    """

    def __init__(self, *, seed: int, now: dt.datetime, account: User) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.now = now
        self._started = time.monotonic()
        self.rng = random.Random(f"world-{seed}")
        self.account = account
        self.users: dict[str, User] = {account.username: account}
        self.models: dict[str, Model] = {}
        self.rounds: list[Round] = []
        self.datasets: dict[str, DatasetFile] = {}
        self.submissions: dict[str, Submission] = {}
        self.submission_scores: dict[str, list[dict[str, Any]]] = {}
        self.leaderboards: dict[str, list[dict[str, Any]]] = {
            "classic": [],
            "signals": [],
            "crypto": [],
        }
        self.account_leaderboards: dict[int, list[dict[str, Any]]] = {
            CLASSIC: [],
            SIGNALS: [],
            CRYPTO: [],
        }
        self.payouts: dict[str, list[dict[str, Any]]] = {}
        self.diagnostics: dict[str, Diagnostics] = {}
        self.uploads: dict[str, Upload] = {}
        self.stake_requests: list[StakeRequest] = []
        self.compute_pickle_uploads: dict[str, ComputePickleUpload] = {}
        self.compute_data_versions: list[dict[str, Any]] = []
        self.compute_docker_images: list[dict[str, Any]] = []
        self.v3_stake_config: dict[str, Any] = {}
        self.diagnostics_pending_reads = 0
        """How many ``diagnostics`` reads a new record reports ``pending``."""
        self.blobs = BlobStore()

    # -- snapshots ----------------------------------------------------------

    def snapshot(self) -> WorldSnapshot:
        """The world's state now, to :meth:`restore` later (e.g. per test)."""
        with self.lock:
            state = {k: v for k, v in vars(self).items() if k not in _NOT_PICKLED}
            return WorldSnapshot(
                pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL),
                self.blobs.snapshot(),
            )

    def restore(self, snapshot: WorldSnapshot) -> None:
        """Put the world back as it was at :meth:`snapshot`, in place.

        Unpickling a copy is several times cheaper than seeding or a deep
        copy; blobs generated since from the same lazy content are kept, and
        files stored since (uploads) are deleted.
        """
        with self.lock:
            state = _unpickle_without_gc(snapshot.state)
            for name in [k for k in vars(self) if k not in _NOT_PICKLED]:
                if name not in state:
                    delattr(self, name)
            vars(self).update(state)
            keep = {u.path for u in self.uploads.values() if u.path is not None}
            self.blobs.restore(snapshot.blobs, keep=keep)

    def __repr__(self) -> str:
        return (
            f"<World seed={self.seed} account={self.account.username!r} "
            f"models={len(self.models)} rounds={len(self.rounds)} "
            f"datasets={len(self.datasets)} submissions={len(self.submissions)} "
            f"uploads={len(self.uploads)}>"
        )

    def clock(self) -> dt.datetime:
        """Current time in the world: ``now`` plus the real time elapsed since."""
        elapsed = dt.timedelta(seconds=time.monotonic() - self._started)
        return (self.now + elapsed).replace(microsecond=0)

    # -- lookups ------------------------------------------------------------

    def own_models(self, tournament: int | None = None) -> list[Model]:
        """The account's models (optionally of one tournament), by name."""
        with self.lock:
            return sorted(
                (
                    m
                    for m in self.models.values()
                    if m.username == self.account.username
                    and (tournament is None or m.tournament == tournament)
                ),
                key=lambda m: (m.tournament, m.name),
            )

    def model(self, key: str) -> Model:
        """A model by id or (case-insensitive) name; ``KeyError`` if unknown."""
        with self.lock:
            if key in self.models:
                return self.models[key]
            lowered = key.lower()
            for model in self.models.values():
                if model.name == lowered:
                    return model
        raise KeyError(key)

    def find_model_by_name(self, name: str, tournament: int | None) -> Model | None:
        lowered = name.lower()
        with self.lock:
            candidates = [m for m in self.models.values() if m.name == lowered]
        for model in candidates:
            if tournament is None or model.tournament == tournament:
                return model
        return None

    def own_model(self, model_id: str | None, tournament: int | None = None) -> Model:
        """Resolve an optional ``modelId`` argument to one of the account's models.

        Without an id the account's first model of ``tournament`` is used, as
        the API does for single-model accounts.
        """
        with self.lock:
            if model_id:
                model = self.models.get(model_id)
                if model is None:
                    raise WorldError(f"Model not found: {model_id}")
                if model.username != self.account.username:
                    raise WorldError("You do not have permission to access this model")
                return model
            models = self.own_models(tournament)
            if not models:
                raise WorldError("No model found for this account")
            return models[0]

    def rounds_of(self, tournament: int) -> list[Round]:
        """Rounds of a tournament, newest first."""
        with self.lock:
            rounds = [r for r in self.rounds if r.tournament == tournament]
        rounds.sort(key=_round_number, reverse=True)
        return rounds

    def current_round(self, tournament: int = CLASSIC) -> Round | None:
        """The round open for submissions now, if any."""
        now = self.clock()
        for rnd in self.rounds_of(tournament):
            if rnd.status(now) == "OPEN":
                return rnd
        return None

    def latest_round(self, tournament: int = CLASSIC) -> Round:
        """The newest round that has opened (open or closed)."""
        now = self.clock()
        for rnd in self.rounds_of(tournament):
            if rnd.open_time <= now:
                return rnd
        raise WorldError(f"No rounds for tournament {tournament}")

    def round_by_id(self, round_id: str) -> Round | None:
        with self.lock:
            for rnd in self.rounds:
                if rnd.id == round_id:
                    return rnd
        return None

    def round_by_number(self, tournament: int, number: int) -> Round | None:
        with self.lock:
            for rnd in self.rounds:
                if rnd.tournament == tournament and rnd.number == number:
                    return rnd
        return None

    def submissions_of(self, model_id: str) -> list[Submission]:
        """A model's submissions, oldest first."""
        with self.lock:
            return sorted(
                (s for s in self.submissions.values() if s.model_id == model_id),
                key=lambda s: (s.inserted_at, s.id),
            )

    # -- content helpers for tests and benchmarks ---------------------------

    def add_dataset(
        self,
        name: str,
        data: bytes | str | os.PathLike[str],
        *,
        tournament: int | None = None,
    ) -> DatasetFile:
        """Add (or replace) a dataset file.

        ``bytes`` are kept and written to a temporary file on first download; a
        path is served straight from that file (never read into memory), which
        is what a multi-GiB benchmark file needs.
        """
        key = f"datasets/{name}"
        if isinstance(data, bytes):
            self.blobs.add_bytes(key, data)
        else:
            path = Path(data)
            if not path.is_file():
                raise FileNotFoundError(path)
            self.blobs.add_file(key, path)
        entry = DatasetFile(
            name=name,
            tournament=tournament
            if tournament is not None
            else _tournament_of_dataset(name),
            blob_key=key,
        )
        with self.lock:
            self.datasets[name] = entry
        return entry

    def add_leaderboard_entries(self, board: str, count: int) -> list[dict[str, Any]]:
        """Append ``count`` generated entries to a leaderboard.

        ``board`` is ``classic``, ``signals``, ``crypto`` or ``account``
        (the classic account leaderboard); entries continue the ranking.
        """
        with self.lock:
            if board == "account":
                target = self.account_leaderboards[CLASSIC]
            elif board in self.leaderboards:
                target = self.leaderboards[board]
            else:
                raise ValueError(f"unknown leaderboard {board!r}")
            entries = leaderboard_entries(
                self.seed, self.now, board, count, start_rank=len(target) + 1
            )
            target.extend(entries)
        return entries

    def add_submission_scores(self, model: str, count: int) -> list[dict[str, Any]]:
        """Append ``count`` generated score records to a model (id or name)."""
        with self.lock:
            target = self.model(model)
            existing = len(self.submission_scores.get(target.id, ()))
            rounds = self.rounds_of(target.tournament)
            records = extra_submission_scores(target, rounds, self.now, existing, count)
            self.submission_scores.setdefault(target.id, []).extend(records)
        return records

    def add_model(
        self, name: str, tournament: int = CLASSIC, *, username: str | None = None
    ) -> Model:
        """Create a model for the account (or for another, new or known, user)."""
        with self.lock:
            owner = username or self.account.username
            lowered = name.lower()
            if self.find_model_by_name(lowered, tournament) is not None:
                raise WorldError(f"Model name {lowered!r} is already taken")
            model, user = new_model(
                self.seed, self.now, lowered, tournament, owner, self.users
            )
            if user is not None:
                self.users[owner] = user
            self.models[model.id] = model
            return model

    # -- uploads ------------------------------------------------------------

    def create_upload(
        self,
        kind: str,
        filename: str,
        *,
        model_id: str | None,
        tournament: int | None,
    ) -> Upload:
        """Issue an upload slot (what the ``*UploadAuth`` queries return)."""
        base = os.path.basename(filename.replace("\\", "/")) or "upload.bin"
        with self.lock:
            slot = stable_uuid(
                "upload", self.seed, len(self.uploads), time.monotonic_ns()
            )
            key = f"{kind}/{slot}/{base}"
            signature = hashlib.sha256(f"{key}|{self.seed}|{slot}".encode()).hexdigest()
            upload = Upload(
                key=key,
                filename=key,
                kind=kind,
                model_id=model_id,
                tournament=tournament,
                signature=signature,
            )
            self.uploads[key] = upload
        return upload

    def _completed_upload(self, filename: str, kind: str) -> Upload:
        with self.lock:
            upload = self.uploads.get(filename)
        if upload is None or upload.kind != kind:
            raise WorldError(f"File not found: {filename}. Upload the file first.")
        if not upload.complete:
            raise WorldError(f"File {filename} has not been uploaded")
        return upload

    # -- mutations ----------------------------------------------------------

    def create_submission(
        self,
        *,
        filename: str,
        tournament: int,
        model_id: str | None,
        trigger_id: str | None = None,
        source: str | None = None,
        data_datestamp: int | None = None,
    ) -> Submission:
        """Attach an uploaded file to the current round as the model's submission."""
        with self.lock:
            model = self.own_model(model_id, tournament)
            if model.tournament != tournament:
                raise WorldError(
                    f"Model {model.name} is not a model of tournament {tournament}"
                )
            upload = self._completed_upload(filename, "submissions")
            rnd = self.current_round(tournament)
            if rnd is None:
                raise WorldError("Current round not open for submissions")
            for previous in self.submissions.values():
                if previous.model_id == model.id and previous.round_id == rnd.id:
                    previous.selected = False
            submission_id = stable_uuid("submission", upload.key)
            blob_key = f"submissions/{submission_id}/{os.path.basename(upload.key)}"
            self.blobs.add_upload(blob_key, upload)
            submission = Submission(
                id=submission_id,
                model_id=model.id,
                tournament=tournament,
                round_id=rnd.id,
                filename=os.path.basename(upload.key),
                blob_key=blob_key,
                inserted_at=self.clock(),
                selected=True,
                source=source,
                trigger_id=trigger_id,
                data_datestamp=data_datestamp,
                upload_key=upload.key,
            )
            self.submissions[submission.id] = submission
            return submission

    def change_stake(
        self, *, model_id: str | None, tournament: int, kind: str, value: str
    ) -> StakeRequest:
        """``v2ChangeStake``: increases apply at once, decreases are released later."""
        if kind not in ("increase", "decrease"):
            raise WorldError(f"Invalid stake change type: {kind!r}")
        amount = parse_amount(value, "stake amount")
        if amount <= 0:
            raise WorldError("Stake change amount must be positive")
        with self.lock:
            model = self.own_model(model_id, tournament)
            if kind == "increase":
                return self._increase(model, amount)
            return self._release(model, amount, drain=False)

    def increase_stake(self, *, model_id: str, amount: str) -> StakeRequest:
        value = parse_amount(amount, "stake amount")
        if value <= 0:
            raise WorldError("Stake change amount must be positive")
        with self.lock:
            return self._increase(self.own_model(model_id), value)

    def release_stake(self, *, model_id: str, amount: str, drain: bool) -> StakeRequest:
        """``releaseStake``: with ``drain`` the whole stake is released."""
        with self.lock:
            model = self.own_model(model_id)
            value = model.stake if drain else parse_amount(amount, "stake amount")
            if not drain and value <= 0:
                raise WorldError("Stake change amount must be positive")
            return self._release(model, value, drain=drain)

    def _increase(self, model: Model, amount: Decimal) -> StakeRequest:
        if amount > self.account.available_nmr:
            raise WorldError("Insufficient NMR balance for this stake increase")
        now = self.clock()
        self.account.available_nmr -= amount
        model.stake += amount
        model.stake_status = "confirmed"
        model.stake_tx_hash = hex_digest("stake", model.id, len(self.stake_requests))
        request = StakeRequest(
            id=stable_uuid("stake", model.id, len(self.stake_requests), now),
            model_id=model.id,
            tournament=model.tournament,
            type="increase",
            requested_amount=amount,
            status="completed",
            inserted_at=now,
            due_date=now,
        )
        self.stake_requests.append(request)
        self.account.wallet_txns.insert(
            0,
            {
                "amount": amount,
                "from": self.account.wallet_address,
                "to": self.v3_stake_config.get("address"),
                "status": "confirmed",
                "time": now,
                "tournament": model.tournament,
                "txHash": model.stake_tx_hash,
                "type": "stake",
            },
        )
        return request

    def _release(self, model: Model, amount: Decimal, *, drain: bool) -> StakeRequest:
        if amount > model.stake:
            raise WorldError(
                f"Cannot release {amount} NMR: model {model.name} "
                f"has {model.stake} NMR staked"
            )
        now = self.clock()
        model.stake -= amount
        request = StakeRequest(
            id=stable_uuid("stake", model.id, len(self.stake_requests), now),
            model_id=model.id,
            tournament=model.tournament,
            type="decrease",
            requested_amount=amount,
            status="pending",
            inserted_at=now,
            due_date=now + dt.timedelta(days=28),
            drain=drain,
        )
        model.pending_stake_request = request
        self.stake_requests.append(request)
        return request

    def set_bio(self, model_id: str | None, value: str) -> Model:
        with self.lock:
            model = self.own_model(model_id)
            model.bio = value
            return model

    def set_link(
        self, model_id: str | None, link_url: str, link_text: str | None
    ) -> Model:
        with self.lock:
            model = self.own_model(model_id)
            model.link_url = link_url
            model.link_text = link_text if link_text is not None else link_url
            return model

    def set_submission_webhook(
        self, model_id: str | None, webhook: str | None
    ) -> Model:
        with self.lock:
            model = self.own_model(model_id)
            model.submission_webhook = webhook or None
            return model

    def create_diagnostics(
        self, *, filename: str, tournament: int, model_id: str | None
    ) -> Diagnostics:
        """Start a diagnostics run on an uploaded validation prediction file."""
        with self.lock:
            model = self.own_model(model_id, tournament) if model_id else None
            upload = self._completed_upload(filename, "diagnostics")
            diag_id = stable_uuid("diagnostics", upload.key)
            metrics, per_era = diagnostics_metrics(random.Random(diag_id))
            record = Diagnostics(
                id=diag_id,
                model_id=model.id if model else None,
                tournament=tournament,
                filename=os.path.basename(upload.key),
                inserted_at=self.clock(),
                status="done",
                message=None,
                upload_key=upload.key,
                metrics=metrics,
                per_era=per_era,
                pending_reads=self.diagnostics_pending_reads,
            )
            self.diagnostics[diag_id] = record
            return record

    def create_compute_pickle_upload(
        self,
        *,
        filename: str,
        tournament: int,
        model_id: str | None,
        data_version_id: str | None,
        docker_image_id: str | None,
    ) -> ComputePickleUpload:
        """Register an uploaded model pickle and assign it to the model."""
        with self.lock:
            model = self.own_model(model_id, tournament)
            upload = self._completed_upload(filename, "models")
            versions = {v["id"] for v in self.compute_data_versions}
            images = {i["id"] for i in self.compute_docker_images}
            if data_version_id and data_version_id not in versions:
                raise WorldError(f"Invalid data version: {data_version_id}")
            if docker_image_id and docker_image_id not in images:
                raise WorldError(f"Invalid docker image: {docker_image_id}")
            record = ComputePickleUpload(
                id=stable_uuid("pickle", upload.key),
                model_id=model.id,
                tournament=tournament,
                filename=os.path.basename(upload.key),
                inserted_at=self.clock(),
                upload_key=upload.key,
                data_version_id=data_version_id or self.compute_data_versions[0]["id"],
                docker_image_id=docker_image_id or self.compute_docker_images[0]["id"],
                validation_status="pending",
            )
            self.compute_pickle_uploads[record.id] = record
            model.compute_pickle_upload_id = record.id
            model.compute_enabled = True
            return record

    # -- misc ---------------------------------------------------------------

    def iter_scores(self, model_id: str) -> Iterable[dict[str, Any]]:
        with self.lock:
            return list(self.submission_scores.get(model_id, ()))


def _unpickle_without_gc(data: bytes) -> Any:
    """``pickle.loads`` without cyclic collections while it allocates: a
    seeded world is tens of thousands of objects, enough to set off full
    collections midway."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


class WorldSnapshot:
    """A :class:`World`'s state at one moment (see :meth:`World.snapshot`)."""

    __slots__ = ("blobs", "state")

    def __init__(self, state: bytes, blobs: BlobSnapshot) -> None:
        self.state = state
        self.blobs = blobs
