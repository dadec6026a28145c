"""Numerai Compute pickles: list, download, label, assign, trigger, and logs.

Uploading a pickle is ``model_upload`` (``compute``); this module manages the
pickles already uploaded. Assigning and triggering decide what runs for a
model's submissions, so those take the model and the pickle explicitly.
"""

from __future__ import annotations

from numerai_graphql import (
    Client,
    ComputePickle,
    TriggerLog,
)

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import (
    InvalidResponseError,
    MissingCredentialsError,
    NotFoundError,
    NumeraiValidationError,
)
from .._plan import Plan, download, graphql
from .._tables import Records
from ._docs import documented_like, raises
from .datasets import destination


def _pickle_id(value: object) -> str:
    return _validate.uuid_string(value, "pickle_id")


def compute_pickles(
    model_id: str | None, pickle_id: str | None, unassigned: bool
) -> Plan[Records[ComputePickle]]:
    model = _validate.optional_model_id(model_id)
    pickle = None if pickle_id is None else _pickle_id(pickle_id)
    if not isinstance(unassigned, bool):
        raise NumeraiValidationError(
            f"unassigned must be True or False, got {unassigned!r}",
            argument="unassigned",
        )
    result = yield from graphql(
        Client.list_compute_pickles,
        authenticated=True,
        id=pickle,
        model_id=model,
        unassigned=unassigned,
    )
    return Records.present(result.compute_pickles, ComputePickle)


def compute_pickle_download_url(model_id: str, pickle_id: str | None) -> Plan[str]:
    model = _validate.model_id(model_id)
    pickle = None if pickle_id is None else _pickle_id(pickle_id)
    result = yield from graphql(
        Client.get_compute_pickle_download_auth,
        authenticated=True,
        model_id=model,
        pickle_id=pickle,
    )
    auth = result.compute_pickle_download_auth
    if auth is None or not auth.url:
        raise NotFoundError(f"no pickle to download for model {model}")
    return auth.url


def download_compute_pickle(
    model_id: str, dest_path: str, pickle_id: str | None, data_dir: str
) -> Plan[str]:
    _validate.non_empty(dest_path, "dest_path")
    url = yield from compute_pickle_download_url(model_id, pickle_id)
    dest = destination(dest_path, dest_path, data_dir)
    path = yield from download(url, dest, description=dest.name)
    return str(path)


def trigger_logs(trigger_id: str) -> Plan[Records[TriggerLog]]:
    trigger = _validate.uuid_string(trigger_id, "trigger_id")
    result = yield from graphql(
        Client.get_trigger_logs, authenticated=True, trigger_id=trigger
    )
    return Records.present(result.trigger_logs, TriggerLog)


def diagnostics_trigger_logs(
    pickle_id: str,
) -> Plan[Records[TriggerLog]]:
    pickle = _pickle_id(pickle_id)
    result = yield from graphql(
        Client.get_diagnostics_trigger_logs, authenticated=True, pickle_id=pickle
    )
    return Records.present(result.diagnostics_trigger_logs, TriggerLog)


def assign_pickle_to_model(pickle_id: str, model_id: str) -> Plan[bool]:
    pickle = _pickle_id(pickle_id)
    model = _validate.model_id(model_id)
    result = yield from graphql(
        Client.assign_pickle_to_model,
        authenticated=True,
        model_id=model,
        pickle_id=pickle,
    )
    if result.assign_pickle_to_model is None:
        raise InvalidResponseError("assignPickleToModel: the API returned no answer")
    return True


def trigger_compute_pickle(
    pickle_id: str, model_id: str, trigger_validation: bool
) -> Plan[ComputePickle]:
    pickle = _pickle_id(pickle_id)
    model = _validate.model_id(model_id)
    if not isinstance(trigger_validation, bool):
        raise NumeraiValidationError(
            f"trigger_validation must be True or False, got {trigger_validation!r}",
            argument="trigger_validation",
        )
    result = yield from graphql(
        Client.trigger_compute_pickle_upload,
        authenticated=True,
        model_id=model,
        pickle_id=pickle,
        trigger_validation=trigger_validation,
    )
    if result.trigger_compute_pickle_upload is None:
        raise InvalidResponseError(
            "triggerComputePickleUpload: the API returned no pickle"
        )
    return result.trigger_compute_pickle_upload


def update_pickle_label(pickle_id: str, label: str | None) -> Plan[ComputePickle]:
    pickle = _pickle_id(pickle_id)
    if label is not None and not isinstance(label, str):
        raise NumeraiValidationError(
            f"label must be a string or None, got {type(label).__name__}",
            argument="label",
        )
    result = yield from graphql(
        Client.update_pickle_label, authenticated=True, pickle_id=pickle, label=label
    )
    if result.update_pickle_label is None:
        raise NotFoundError(f"no pickle with id {pickle}")
    return result.update_pickle_label


class PickleMethods(SyncAPIClient):
    @raises(MissingCredentialsError)
    def compute_pickles(
        self,
        model_id: str | None = None,
        pickle_id: str | None = None,
        unassigned: bool = False,
    ) -> Records[ComputePickle]:
        """Your uploaded Compute pickles, newest first.

        Args:
            model_id: only the pickles of this model (a UUID); None: all models.
            pickle_id: only this pickle (a UUID); None: every pickle.
            unassigned: only pickles assigned to no model.

        Returns:
            One record per pickle: ``id``, ``filename``, ``label``, the assigned
            model slots, data version and docker image, validation and trigger
            status, and its ``triggers`` (runs).

        Raises:
            NumeraiValidationError: an id is not a UUID.

        Example:
            >>> [(p.id, p.validation_status) for p in api.compute_pickles(model_id)]
            [('8f0c...', 'validated')]
        """
        return self._run(compute_pickles(model_id, pickle_id, unassigned))

    def compute_pickle_download_url(
        self, model_id: str, pickle_id: str | None = None
    ) -> str:
        """A temporary URL from which a model's pickle can be downloaded.

        Args:
            model_id: the model (a UUID).
            pickle_id: which of its pickles (a UUID); None: the assigned one.

        Returns:
            A presigned URL, valid for a short time.

        Raises:
            NumeraiValidationError: an id is not a UUID.
            NotFoundError: the API returned no URL.

        Example:
            >>> url = api.compute_pickle_download_url(model_id)
        """
        return self._run(compute_pickle_download_url(model_id, pickle_id))

    def download_compute_pickle(
        self, model_id: str, dest_path: str, pickle_id: str | None = None
    ) -> str:
        """Download a model's pickle to ``dest_path``, complete and exact or not at all.

        Args:
            model_id: the model (a UUID).
            dest_path: the file to write (under the client's data directory).
            pickle_id: which pickle (a UUID); None: the one assigned to the model.

        Returns:
            The path written.

        Raises:
            NumeraiValidationError: an id is not a UUID, or ``dest_path`` is empty.
            NotFoundError: the API returned no URL.
            TransferError: the download failed (no partial file is left).

        Example:
            >>> api.download_compute_pickle(model_id, "model.pkl")
            'model.pkl'
        """
        return self._run(
            download_compute_pickle(
                model_id, dest_path, pickle_id, self.global_data_dir
            )
        )

    def trigger_logs(self, trigger_id: str) -> Records[TriggerLog]:
        """The log lines of one Compute run (a pickle's trigger).

        Args:
            trigger_id: the run's id (a UUID; see ``triggers`` in
                :meth:`compute_pickles`).

        Returns:
            One record per line: ``timestamp`` (Unix seconds) and ``message``.

        Raises:
            NumeraiValidationError: ``trigger_id`` is not a UUID.

        Example:
            >>> for line in api.trigger_logs(trigger_id):
            ...     print(line.timestamp, line.message)
        """
        return self._run(trigger_logs(trigger_id))

    def diagnostics_trigger_logs(self, pickle_id: str) -> Records[TriggerLog]:
        """The log lines of a pickle's validation (diagnostics) run.

        Args:
            pickle_id: the pickle (a UUID).

        Returns:
            One record per line: ``timestamp`` (Unix seconds) and ``message``.

        Raises:
            NumeraiValidationError: ``pickle_id`` is not a UUID.

        Example:
            >>> print(*(line.message for line in api.diagnostics_trigger_logs(pid)))
        """
        return self._run(diagnostics_trigger_logs(pickle_id))

    def assign_pickle_to_model(self, pickle_id: str, model_id: str) -> bool:
        """Make ``pickle_id`` the pickle Compute runs for ``model_id``.

        Both arguments are required: this decides what is submitted for the model.

        Args:
            pickle_id: the uploaded pickle (a UUID).
            model_id: the model that will run it (a UUID).

        Returns:
            True once the API has accepted the assignment.

        Raises:
            NumeraiValidationError: an id is not a UUID (nothing is sent).
            GraphQLError: the API refused (e.g. not your pickle or model).

        Example:
            >>> api.assign_pickle_to_model(pickle_id, model_id)
            True
        """
        return self._run(assign_pickle_to_model(pickle_id, model_id))

    def trigger_compute_pickle(
        self, pickle_id: str, model_id: str, trigger_validation: bool = False
    ) -> ComputePickle:
        """Run a pickle now for a model (``triggerComputePickleUpload``).

        Args:
            pickle_id: the pickle to run (a UUID).
            model_id: the model whose submission it makes (a UUID).
            trigger_validation: run the validation (diagnostics) instead.

        Returns:
            The pickle, with its new ``trigger_status``.

        Raises:
            NumeraiValidationError: an id is not a UUID (nothing is sent).
            GraphQLError: the API refused.

        Example:
            >>> api.trigger_compute_pickle(pickle_id, model_id).trigger_status
            'pending'
        """
        return self._run(
            trigger_compute_pickle(pickle_id, model_id, trigger_validation)
        )

    def update_pickle_label(self, pickle_id: str, label: str | None) -> ComputePickle:
        """Set (or, with None, clear) the label shown for a pickle.

        Args:
            pickle_id: the pickle (a UUID).
            label: the new label; None removes it.

        Returns:
            The pickle with its new ``label``.

        Raises:
            NumeraiValidationError: ``pickle_id`` is not a UUID.
            NotFoundError: the API returned no pickle.

        Example:
            >>> api.update_pickle_label(pickle_id, "lgbm v2").label
            'lgbm v2'
        """
        return self._run(update_pickle_label(pickle_id, label))


@documented_like(PickleMethods)
class AsyncPickleMethods(AsyncAPIClient):
    async def compute_pickles(
        self,
        model_id: str | None = None,
        pickle_id: str | None = None,
        unassigned: bool = False,
    ) -> Records[ComputePickle]:
        return await self._run(compute_pickles(model_id, pickle_id, unassigned))

    async def compute_pickle_download_url(
        self, model_id: str, pickle_id: str | None = None
    ) -> str:
        return await self._run(compute_pickle_download_url(model_id, pickle_id))

    async def download_compute_pickle(
        self, model_id: str, dest_path: str, pickle_id: str | None = None
    ) -> str:
        return await self._run(
            download_compute_pickle(
                model_id, dest_path, pickle_id, self.global_data_dir
            )
        )

    async def trigger_logs(self, trigger_id: str) -> Records[TriggerLog]:
        return await self._run(trigger_logs(trigger_id))

    async def diagnostics_trigger_logs(self, pickle_id: str) -> Records[TriggerLog]:
        return await self._run(diagnostics_trigger_logs(pickle_id))

    async def assign_pickle_to_model(self, pickle_id: str, model_id: str) -> bool:
        return await self._run(assign_pickle_to_model(pickle_id, model_id))

    async def trigger_compute_pickle(
        self, pickle_id: str, model_id: str, trigger_validation: bool = False
    ) -> ComputePickle:
        return await self._run(
            trigger_compute_pickle(pickle_id, model_id, trigger_validation)
        )

    async def update_pickle_label(
        self, pickle_id: str, label: str | None
    ) -> ComputePickle:
        return await self._run(update_pickle_label(pickle_id, label))
