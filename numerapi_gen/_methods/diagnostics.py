"""Diagnostics: upload validation predictions, fetch the results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from numerai_graphql import Client, Diagnostics

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NumeraiValidationError
from .._plan import Plan, graphql
from .._tables import Records
from .._transfer import upload_kind
from ._common import (
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


def upload_diagnostics(
    tournament: int,
    file_path: str,
    model_id: str | None,
    df: pd.DataFrame | None,
) -> Plan[str]:
    """``diagnosticsUploadAuth`` → PUT → ``createDiagnostics``; the new id."""
    model = _validate.optional_model_id(given(model_id))
    with scratch_directory() as scratch:
        source = yield from upload_source(
            file_path, df, upload_kind(tournament, diagnostics=True), scratch
        )
        auth = yield from graphql(
            Client.get_diagnostics_upload_auth,
            authenticated=True,
            filename=source.name,
            tournament=tournament,
            model_id=model,
        )
        url, name = upload_url(auth.diagnostics_upload_auth, "diagnosticsUploadAuth")
        created = yield from put_then_create(
            url,
            source,
            {},
            name,
            graphql(
                Client.create_diagnostics,
                authenticated=True,
                filename=name,
                tournament=tournament,
                model_id=model,
            ),
            "diagnostics",
        )
    return created_id(created.create_diagnostics, name, "diagnostics")


def diagnostics(
    model_id: str, diagnostics_id: str | None
) -> Plan[Records[Diagnostics]]:
    model = _validate.model_id(model_id)
    wanted = given(diagnostics_id)
    if wanted is not None:
        wanted = _validate.uuid_string(wanted, "diagnostics_id")
    result = yield from graphql(
        Client.get_diagnostics, authenticated=True, model_id=model, id=wanted
    )
    return Records.present(result.diagnostics, Diagnostics)


class DiagnosticsMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST, *UPLOAD)
    def upload_diagnostics(
        self,
        file_path: str = "predictions.csv",
        tournament: int | None = None,
        model_id: str | None = "",
        df: pd.DataFrame | None = None,
    ) -> str:
        """Upload validation predictions for diagnostics.

        Args:
            file_path: The predictions file (or, with ``df``, the name to upload it
                under).
            tournament: The tournament (default: this client's).
            model_id: The model's id.
            df: A DataFrame to upload instead of a file.

        Returns:
            The id of the diagnostics run.

        Example:
            >>> api.upload_diagnostics("validation_preds.csv", model_id=model_id)
        """
        return self._run(
            upload_diagnostics(self._tournament(tournament), file_path, model_id, df)
        )

    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def diagnostics(
        self, model_id: str, diagnostics_id: str | None = None
    ) -> Records[Diagnostics]:
        """The diagnostics runs of one of your models, with their results.

        Args:
            model_id: The model's id.
            diagnostics_id: Only this run (default: every run of the model).

        Returns:
            Records of Diagnostics: status, overall validation metrics and per-era
            results.

        Example:
            >>> runs = api.diagnostics(model_id)
            >>> runs[0].status
        """
        return self._run(diagnostics(model_id, diagnostics_id))


@documented_like(DiagnosticsMethods)
class AsyncDiagnosticsMethods(AsyncAPIClient):
    async def upload_diagnostics(
        self,
        file_path: str = "predictions.csv",
        tournament: int | None = None,
        model_id: str | None = "",
        df: pd.DataFrame | None = None,
    ) -> str:
        return await self._run(
            upload_diagnostics(self._tournament(tournament), file_path, model_id, df)
        )

    async def diagnostics(
        self, model_id: str, diagnostics_id: str | None = None
    ) -> Records[Diagnostics]:
        return await self._run(diagnostics(model_id, diagnostics_id))
