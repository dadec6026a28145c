"""Submissions: upload predictions, list them, download them back.

Uploading checks the file (or the DataFrame) before any request, asks for an
upload slot, PUTs the file and creates the submission; see ``_common`` for what
happens when one of those steps fails.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING

from numerai_graphql import Client, Submission
from numerai_graphql.base_model import BaseModel

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import (
    NotFoundError,
    NumeraiValidationError,
    TransferError,
)
from .._plan import Plan, download, graphql
from .._tables import Records
from .._transfer import upload_kind
from ._common import (
    SOURCE,
    compute_headers,
    created_id,
    given,
    put_then_create,
    scratch_directory,
    upload_source,
    upload_url,
)
from ._docs import AUTHENTICATED, REQUEST, UPLOAD, documented_like, raises

if TYPE_CHECKING:
    import pandas as pd

#: numerapi's ``timeout``: seconds, or (connect, read) seconds.
Timeout = float | tuple[float, float] | None

_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)


class SubmissionFilename(BaseModel):
    """A selected submission's file name, as ``get_submission_filenames`` lists it."""

    round_num: int | None
    tournament: int | None
    filename: str | None


def _check_timeout(timeout: object) -> float | tuple[float, float] | None:
    """numerapi's PUT timeout: seconds or (connect, read) seconds, normalised."""
    parts = timeout if isinstance(timeout, tuple) else (timeout,)
    if timeout is None:
        return None
    if len(parts) in (1, 2) and all(
        isinstance(p, (int, float)) and not isinstance(p, bool) and p > 0 for p in parts
    ):
        seconds = [float(p) for p in parts]
        return (seconds[0], seconds[1]) if len(seconds) == 2 else seconds[0]
    raise NumeraiValidationError(
        f"timeout must be seconds or (connect, read) seconds, got {timeout!r}",
        argument="timeout",
    )


def _trigger_id() -> str | None:
    return os.environ.get("TRIGGER_ID") or None


def upload_predictions(
    tournament: int,
    file_path: str,
    model_id: str | None,
    df: pd.DataFrame | None,
    data_datestamp: int | None,
    timeout: Timeout,
) -> Plan[str]:
    """Classic and Crypto: ``submissionUploadAuth`` → PUT → ``createSubmission``."""
    model = _validate.optional_model_id(given(model_id))
    datestamp = _validate.optional_positive_int(data_datestamp, "data_datestamp")
    put_timeout = _check_timeout(timeout)
    with scratch_directory() as scratch:
        source = yield from upload_source(
            file_path, df, upload_kind(tournament), scratch
        )
        auth = yield from graphql(
            Client.get_submission_upload_auth,
            authenticated=True,
            filename=source.name,
            tournament=tournament,
            model_id=model,
        )
        slot = auth.submission_upload_auth
        url, name = upload_url(slot, "submissionUploadAuth")
        created = yield from put_then_create(
            url,
            source,
            compute_headers(),
            name,
            graphql(
                Client.create_submission,
                authenticated=True,
                filename=name,
                tournament=tournament,
                model_id=model,
                trigger_id=_trigger_id(),
                source=SOURCE,
                data_datestamp=datestamp,
            ),
            "submission",
            put_timeout,
        )
    return created_id(created.create_submission, name, "submission")


def upload_signals_predictions(
    tournament: int,
    file_path: str,
    model_id: str | None,
    df: pd.DataFrame | None,
    data_datestamp: int | None,
    timeout: Timeout,
) -> Plan[str]:
    """Signals: ``submissionUploadSignalsAuth`` → PUT → ``createSignalsSubmission``."""
    model = _validate.optional_model_id(given(model_id))
    datestamp = _validate.optional_positive_int(data_datestamp, "data_datestamp")
    put_timeout = _check_timeout(timeout)
    with scratch_directory() as scratch:
        source = yield from upload_source(file_path, df, "signals", scratch)
        auth = yield from graphql(
            Client.get_signals_submission_upload_auth,
            authenticated=True,
            filename=source.name,
            tournament=tournament,
            model_id=model,
        )
        slot = auth.submission_upload_signals_auth
        url, name = upload_url(slot, "submissionUploadSignalsAuth")
        created = yield from put_then_create(
            url,
            source,
            compute_headers(),
            name,
            graphql(
                Client.create_signals_submission,
                authenticated=True,
                filename=name,
                model_id=model,
                trigger_id=_trigger_id(),
                source=SOURCE,
                data_datestamp=datestamp,
            ),
            "submission",
            put_timeout,
        )
    return created_id(created.create_signals_submission, name, "submission")


def submission_ids(model_id: str) -> Plan[Records[Submission]]:
    model = _validate.model_id(model_id)
    result = yield from graphql(
        Client.get_submission_ids, authenticated=True, model_id=model
    )
    return Records.present(result.submissions, Submission)


def submission_filenames(
    tournament: int | None, round_num: int | None, model_id: str | None
) -> Plan[Records[SubmissionFilename]]:
    model = _validate.optional_model_id(given(model_id))
    tournament = _validate.optional_tournament(tournament)
    round_num = _validate.optional_positive_int(round_num, "round_num")
    result = yield from graphql(
        Client.get_submission_filenames, authenticated=True, model_id=model
    )
    if result.model is None:
        raise NotFoundError(
            f"no model with id {model!r}" if model else "no model for this account"
        )
    rows = [
        SubmissionFilename(
            filename=item.filename,
            round_num=item.round.number if item.round else None,
            tournament=item.round.tournament if item.round else None,
        )
        for item in result.model.submissions or ()
        if item is not None and item.selected
    ]
    if round_num is not None:
        rows = [row for row in rows if row.round_num == round_num]
    if tournament is not None:
        rows = [row for row in rows if row.tournament == tournament]
    rows.sort(key=lambda row: (row.round_num or 0, row.tournament or 0))
    return Records(rows, SubmissionFilename)


def latest_submission_id(model_id: str) -> Plan[str]:
    submissions = yield from submission_ids(model_id)
    dated = [(s.inserted_at or _EARLIEST, s.id) for s in submissions if s.id]
    if not dated:
        raise NotFoundError(f"model {model_id} has no submissions")
    return max(dated)[1]


def download_submission(
    submission_id: str | None, model_id: str | None, dest_path: str | None
) -> Plan[str]:
    which = _validate.exactly_one(
        {"submission_id": given(submission_id), "model_id": given(model_id)}
    )
    if which == "submission_id":
        wanted = _validate.uuid_string(submission_id, "submission_id")
    else:
        wanted = yield from latest_submission_id(_validate.model_id(model_id))
    result = yield from graphql(
        Client.get_submission_download_auth, authenticated=True, id=wanted
    )
    auth = result.submission_download_auth
    if auth is None or not auth.url:
        raise NotFoundError(f"no download for submission {wanted}")
    if given(dest_path) is not None:
        dest = Path(str(dest_path))
    else:
        # The API's name may carry a key prefix; keep only the file name.
        dest = Path(os.path.basename(auth.filename or "") or f"{wanted}.csv")
    path = yield from download(auth.url, dest, description=dest.name)
    return str(path)


class SubmissionMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST, *UPLOAD)
    def upload_predictions(
        self,
        file_path: str = "predictions.csv",
        model_id: str | None = None,
        df: pd.DataFrame | None = None,
        data_datestamp: int | None = None,
        timeout: Timeout = (10, 600),
    ) -> str:
        """Upload predictions for a model, checked first against Numerai's rules.

        Args:
            file_path: The predictions file (or, with ``df``, the name to upload it
                under).
            model_id: The model's id.
            df: A DataFrame to upload instead of a file.
            data_datestamp: The data date the predictions are for (Signals, daily
                rounds).
            timeout: Seconds for the upload, or a (connect, read) pair.

        Returns:
            The id of the created submission.

        Example:
            >>> api.upload_predictions("predictions.csv", model_id=model_id)
        """
        return self._run(
            upload_predictions(
                self.tournament_id, file_path, model_id, df, data_datestamp, timeout
            )
        )

    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def submission_ids(self, model_id: str) -> Records[Submission]:
        """A model's submissions.

        Args:
            model_id: The model's id.

        Returns:
            Records of Submission (id, filename, insertedAt, selected).

        Example:
            >>> api.submission_ids(model_id)[-1].id
        """
        return self._run(submission_ids(model_id))

    @raises(
        NumeraiValidationError, *AUTHENTICATED, NotFoundError, *REQUEST, TransferError
    )
    def download_submission(
        self,
        submission_id: str | None = None,
        model_id: str | None = "",
        dest_path: str | None = "",
    ) -> str:
        """Download one submission file, or a model's latest one.

        Args:
            submission_id: The submission to fetch (default: the model's latest).
            model_id: The model whose latest submission to fetch when no
                ``submission_id`` is given.
            dest_path: Where to write it (default: the submission's file name).

        Returns:
            The path of the complete file.

        Example:
            >>> api.download_submission(model_id=model_id)
            'predictions.csv'
        """
        return self._run(download_submission(submission_id, model_id, dest_path))


@documented_like(SubmissionMethods)
class AsyncSubmissionMethods(AsyncAPIClient):
    async def upload_predictions(
        self,
        file_path: str = "predictions.csv",
        model_id: str | None = None,
        df: pd.DataFrame | None = None,
        data_datestamp: int | None = None,
        timeout: Timeout = (10, 600),
    ) -> str:
        return await self._run(
            upload_predictions(
                self.tournament_id, file_path, model_id, df, data_datestamp, timeout
            )
        )

    async def submission_ids(self, model_id: str) -> Records[Submission]:
        return await self._run(submission_ids(model_id))

    async def download_submission(
        self,
        submission_id: str | None = None,
        model_id: str | None = "",
        dest_path: str | None = "",
    ) -> str:
        return await self._run(download_submission(submission_id, model_id, dest_path))


class ClassicSubmissionMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def get_submission_filenames(
        self,
        tournament: int | None = None,
        round_num: int | None = None,
        model_id: str | None = None,
    ) -> Records[SubmissionFilename]:
        """File names of a model's selected submissions.

        Args:
            tournament: Only this tournament (default: all).
            round_num: Only this round (default: all).
            model_id: The model (required).

        Returns:
            Records of SubmissionFilename (round_num, tournament, filename), sorted by
            round.

        Example:
            >>> api.get_submission_filenames(model_id=model_id)[0].filename
        """
        return self._run(submission_filenames(tournament, round_num, model_id))


@documented_like(ClassicSubmissionMethods)
class AsyncClassicSubmissionMethods(AsyncAPIClient):
    async def get_submission_filenames(
        self,
        tournament: int | None = None,
        round_num: int | None = None,
        model_id: str | None = None,
    ) -> Records[SubmissionFilename]:
        return await self._run(submission_filenames(tournament, round_num, model_id))


class SignalsSubmissionMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST, *UPLOAD)
    def upload_predictions(
        self,
        file_path: str = "predictions.csv",
        model_id: str | None = None,
        df: pd.DataFrame | None = None,
        data_datestamp: int | None = None,
        timeout: Timeout = (10, 600),
    ) -> str:
        """Upload Signals predictions for a model, checked first.

        Args:
            file_path: The predictions file (or, with ``df``, the name to upload it
                under).
            model_id: The model's id.
            df: A DataFrame to upload instead of a file.
            data_datestamp: The data date the predictions are for.
            timeout: Seconds for the upload, or a (connect, read) pair.

        Returns:
            The id of the created submission.

        Example:
            >>> api.upload_predictions("signals.csv", model_id=model_id)
        """
        return self._run(
            upload_signals_predictions(
                self.tournament_id, file_path, model_id, df, data_datestamp, timeout
            )
        )


@documented_like(SignalsSubmissionMethods)
class AsyncSignalsSubmissionMethods(AsyncAPIClient):
    async def upload_predictions(
        self,
        file_path: str = "predictions.csv",
        model_id: str | None = None,
        df: pd.DataFrame | None = None,
        data_datestamp: int | None = None,
        timeout: Timeout = (10, 600),
    ) -> str:
        return await self._run(
            upload_signals_predictions(
                self.tournament_id, file_path, model_id, df, data_datestamp, timeout
            )
        )
