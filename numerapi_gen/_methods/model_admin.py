"""Managing the account's models, webhooks, profile fields and diagnostics.

Creating, renaming and (un)archiving models, testing webhooks, setting the
account's public profile, deleting diagnostics runs. Deleting takes the ids
explicitly and checks every one before any request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from numerai_graphql import Client, ManagedModel

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import (
    InvalidResponseError,
    MissingCredentialsError,
    NumeraiValidationError,
)
from .._plan import Plan, graphql
from ._docs import documented_like, raises

#: Model names are letters, digits and underscores (the API lower-cases them).
_MODEL_NAME = re.compile(r"[A-Za-z0-9_]+")

#: The account profile fields ``set_account_meta`` can set.
ACCOUNT_META_FIELDS = (
    "display_name",
    "bio",
    "location",
    "occupation",
    "organization",
    "website",
    "github",
    "kaggle",
    "linkedin",
    "twitter",
)


def model_name_text(value: object, argument: str = "name") -> str:
    name = _validate.non_empty(value, argument).strip()
    if not _MODEL_NAME.fullmatch(name):
        raise NumeraiValidationError(
            f"{argument} may hold only letters, digits and underscores, got {value!r}",
            argument=argument,
        )
    return name


def model_name_available(name: str, tournament: int) -> Plan[bool]:
    text = model_name_text(name)
    result = yield from graphql(
        Client.get_model_name_available, name=text, tournament=tournament
    )
    return bool(result.model_name_available)


def add_model(name: str, tournament: int) -> Plan[ManagedModel]:
    text = model_name_text(name)
    result = yield from graphql(
        Client.add_model, authenticated=True, name=text, tournament=tournament
    )
    if result.add_model is None:
        raise InvalidResponseError("addModel: the API returned no model")
    return result.add_model


def rename_model(model_id: str, name: str) -> Plan[ManagedModel]:
    model = _validate.model_id(model_id)
    text = model_name_text(name)
    result = yield from graphql(
        Client.rename_model, authenticated=True, model_id=model, name=text
    )
    if result.rename_model is None:
        raise InvalidResponseError("renameModel: the API returned no model")
    return result.rename_model


def archive_model(model_id: str, archived: bool) -> Plan[ManagedModel]:
    model = _validate.model_id(model_id)
    field = "archiveModel" if archived else "unarchiveModel"
    changed: ManagedModel | None
    if archived:
        result = yield from graphql(
            Client.archive_model, authenticated=True, model_id=model
        )
        changed = result.archive_model
    else:
        restored = yield from graphql(
            Client.unarchive_model, authenticated=True, model_id=model
        )
        changed = restored.unarchive_model
    if changed is None:
        raise InvalidResponseError(f"{field}: the API returned no model")
    return changed


def trigger_model_webhook(model_id: str) -> Plan[str]:
    model = _validate.model_id(model_id)
    result = yield from graphql(
        Client.trigger_model_webhook, authenticated=True, model_id=model
    )
    if result.trigger_model_webhook is None:
        raise InvalidResponseError("triggerModelWebhook: the API returned no answer")
    return result.trigger_model_webhook


def send_test_submission_webhook() -> Plan[str]:
    result = yield from graphql(Client.test_submission_webhook, authenticated=True)
    if result.test_submission_webhook is None:
        raise InvalidResponseError("testSubmissionWebhook: the API returned no answer")
    return result.test_submission_webhook


def set_account_meta(fields: dict[str, str | None]) -> Plan[bool]:
    given = {name: value for name, value in fields.items() if value is not None}
    if not given:
        raise NumeraiValidationError(
            "pass at least one of " + ", ".join(ACCOUNT_META_FIELDS),
            argument=", ".join(ACCOUNT_META_FIELDS),
        )
    for name, value in given.items():
        if not isinstance(value, str):
            raise NumeraiValidationError(
                f"{name} must be a string, got {type(value).__name__}", argument=name
            )
    result = yield from graphql(Client.set_account_meta, authenticated=True, **given)
    if result.set_account_meta is None:
        raise InvalidResponseError("setAccountMeta: the API returned no answer")
    return result.set_account_meta


def delete_diagnostics(diagnostics_ids: Sequence[str]) -> Plan[str]:
    if isinstance(diagnostics_ids, str) or not isinstance(
        diagnostics_ids, (list, tuple)
    ):
        raise NumeraiValidationError(
            "diagnostics_ids must be a list of diagnostics ids, "
            f"got {type(diagnostics_ids).__name__}",
            argument="diagnostics_ids",
        )
    if not diagnostics_ids:
        raise NumeraiValidationError(
            "diagnostics_ids is empty: name the diagnostics runs to delete",
            argument="diagnostics_ids",
        )
    ids = [_validate.uuid_string(value, "diagnostics_ids") for value in diagnostics_ids]
    result = yield from graphql(
        Client.delete_diagnostics, authenticated=True, v_2_diagnostics_ids=ids
    )
    if result.delete_diagnostics is None:
        raise InvalidResponseError("deleteDiagnostics: the API returned no answer")
    return result.delete_diagnostics


class ModelAdminMethods(SyncAPIClient):
    def model_name_available(self, name: str) -> bool:
        """Whether a new model of this tournament could be called ``name``.

        Args:
            name: the wanted name (letters, digits, underscores).

        Returns:
            True when no model of this tournament has the name.

        Raises:
            NumeraiValidationError: the name is empty or has other characters.

        Example:
            >>> api.model_name_available("my_new_model")
            True
        """
        return self._run(model_name_available(name, self.tournament_id))

    def add_model(self, name: str) -> ManagedModel:
        """Create a new model slot in this tournament.

        Args:
            name: the model's name (letters, digits, underscores); check it first
                with :meth:`model_name_available`.

        Returns:
            The new model, with its ``id``.

        Raises:
            NumeraiValidationError: a bad name (nothing is sent).
            GraphQLError: the API refused (e.g. the name is taken).

        Example:
            >>> api.add_model("my_new_model").id
            '3f2a...'
        """
        return self._run(add_model(name, self.tournament_id))

    def rename_model(self, model_id: str, name: str) -> ManagedModel:
        """Give one of your models a new name.

        Args:
            model_id: the model (a UUID).
            name: its new name (letters, digits, underscores).

        Returns:
            The model with its new ``name``.

        Raises:
            NumeraiValidationError: a bad id or name (nothing is sent).
            GraphQLError: the API refused (e.g. the name is taken).

        Example:
            >>> api.rename_model(model_id, "better_name").name
            'better_name'
        """
        return self._run(rename_model(model_id, name))

    def archive_model(self, model_id: str) -> ManagedModel:
        """Archive one of your models: it leaves your model list and stops taking part.

        Undo with :meth:`unarchive_model`.

        Args:
            model_id: the model (a UUID).

        Returns:
            The model, with ``archived`` True.

        Raises:
            NumeraiValidationError: ``model_id`` is not a UUID (nothing is sent).
            GraphQLError: the API refused (e.g. the model still has a stake).

        Example:
            >>> api.archive_model(model_id).archived
            True
        """
        return self._run(archive_model(model_id, True))

    def unarchive_model(self, model_id: str) -> ManagedModel:
        """Bring an archived model back into your model list.

        Args:
            model_id: the model (a UUID).

        Returns:
            The model, with ``archived`` False.

        Raises:
            NumeraiValidationError: ``model_id`` is not a UUID (nothing is sent).
            GraphQLError: the API refused.

        Example:
            >>> api.unarchive_model(model_id).archived
            False
        """
        return self._run(archive_model(model_id, False))

    def trigger_model_webhook(self, model_id: str) -> str:
        """Call a model's submission webhook now, as a new round would.

        Args:
            model_id: the model whose webhook is called (a UUID).

        Returns:
            The API's answer.

        Raises:
            NumeraiValidationError: ``model_id`` is not a UUID (nothing is sent).
            GraphQLError: the API refused (e.g. the model has no webhook).

        Example:
            >>> api.trigger_model_webhook(model_id)
            'ok'
        """
        return self._run(trigger_model_webhook(model_id))

    @raises(MissingCredentialsError)
    def test_submission_webhook(self) -> str:
        """Send a test call to your submission webhooks.

        Returns:
            The API's answer.

        Raises:
            GraphQLError: the API refused.

        Example:
            >>> api.test_submission_webhook()
            'ok'
        """
        return self._run(send_test_submission_webhook())

    def set_account_meta(
        self,
        *,
        display_name: str | None = None,
        bio: str | None = None,
        location: str | None = None,
        occupation: str | None = None,
        organization: str | None = None,
        website: str | None = None,
        github: str | None = None,
        kaggle: str | None = None,
        linkedin: str | None = None,
        twitter: str | None = None,
    ) -> bool:
        """Set fields of your account's public profile; fields left None are unchanged.

        Args:
            display_name: the name shown instead of the username.
            bio: a short text about you.
            location: where you are.
            occupation: what you do.
            organization: where you work.
            website: your site's URL.
            github: your GitHub handle.
            kaggle: your Kaggle handle.
            linkedin: your LinkedIn handle.
            twitter: your X/Twitter handle.

        Returns:
            True once the API has saved the fields.

        Raises:
            NumeraiValidationError: no field given, or a field that is not a string.

        Example:
            >>> api.set_account_meta(location="Berlin", github="octocat")
            True
        """
        return self._run(
            set_account_meta(
                {
                    "display_name": display_name,
                    "bio": bio,
                    "location": location,
                    "occupation": occupation,
                    "organization": organization,
                    "website": website,
                    "github": github,
                    "kaggle": kaggle,
                    "linkedin": linkedin,
                    "twitter": twitter,
                }
            )
        )

    def delete_diagnostics(self, diagnostics_ids: Sequence[str]) -> str:
        """Delete diagnostics runs for good.

        Args:
            diagnostics_ids: the runs to delete (a list of UUIDs, at least one).
                Every id is checked before the request.

        Returns:
            The API's answer.

        Raises:
            NumeraiValidationError: an empty list, a plain string, or an id that is
                not a UUID (nothing is sent).
            GraphQLError: the API refused (e.g. not your diagnostics).

        Example:
            >>> api.delete_diagnostics([diagnostics_id])
            'true'
        """
        return self._run(delete_diagnostics(diagnostics_ids))


@documented_like(ModelAdminMethods)
class AsyncModelAdminMethods(AsyncAPIClient):
    async def model_name_available(self, name: str) -> bool:
        return await self._run(model_name_available(name, self.tournament_id))

    async def add_model(self, name: str) -> ManagedModel:
        return await self._run(add_model(name, self.tournament_id))

    async def rename_model(self, model_id: str, name: str) -> ManagedModel:
        return await self._run(rename_model(model_id, name))

    async def archive_model(self, model_id: str) -> ManagedModel:
        return await self._run(archive_model(model_id, True))

    async def unarchive_model(self, model_id: str) -> ManagedModel:
        return await self._run(archive_model(model_id, False))

    async def trigger_model_webhook(self, model_id: str) -> str:
        return await self._run(trigger_model_webhook(model_id))

    async def test_submission_webhook(self) -> str:
        return await self._run(send_test_submission_webhook())

    async def set_account_meta(
        self,
        *,
        display_name: str | None = None,
        bio: str | None = None,
        location: str | None = None,
        occupation: str | None = None,
        organization: str | None = None,
        website: str | None = None,
        github: str | None = None,
        kaggle: str | None = None,
        linkedin: str | None = None,
        twitter: str | None = None,
    ) -> bool:
        return await self._run(
            set_account_meta(
                {
                    "display_name": display_name,
                    "bio": bio,
                    "location": location,
                    "occupation": occupation,
                    "organization": organization,
                    "website": website,
                    "github": github,
                    "kaggle": kaggle,
                    "linkedin": linkedin,
                    "twitter": twitter,
                }
            )
        )

    async def delete_diagnostics(self, diagnostics_ids: Sequence[str]) -> str:
        return await self._run(delete_diagnostics(diagnostics_ids))
