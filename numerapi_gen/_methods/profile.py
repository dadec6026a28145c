"""Model profile settings: bio, link and the Compute submission webhook."""

from __future__ import annotations

from numerai_graphql import Client

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NumeraiValidationError
from .._plan import Plan, graphql
from ._docs import AUTHENTICATED, REQUEST, documented_like, raises


def set_bio(model_id: str, bio: str) -> Plan[bool]:
    model = _validate.model_id(model_id)
    if not isinstance(bio, str):
        raise NumeraiValidationError(
            f"bio must be a string, got {type(bio).__name__}", argument="bio"
        )
    result = yield from graphql(
        Client.set_bio, authenticated=True, model_id=model, value=bio
    )
    return result.set_user_bio is True


def set_link(model_id: str, link_text: str | None, link: str) -> Plan[bool]:
    model = _validate.model_id(model_id)
    link = _validate.non_empty(link, "link")
    if link_text is not None and not isinstance(link_text, str):
        raise NumeraiValidationError(
            f"link_text must be a string, got {type(link_text).__name__}",
            argument="link_text",
        )
    result = yield from graphql(
        Client.set_link,
        authenticated=True,
        model_id=model,
        link_text=link_text,
        link_url=link,
    )
    return result.set_user_link is True


def set_submission_webhook(model_id: str, webhook: str | None) -> Plan[bool]:
    model = _validate.model_id(model_id)
    if webhook is not None and not isinstance(webhook, str):
        raise NumeraiValidationError(
            f"webhook must be a URL string or None, got {type(webhook).__name__}",
            argument="webhook",
        )
    result = yield from graphql(
        Client.set_submission_webhook,
        authenticated=True,
        model_id=model,
        new_submission_webhook=webhook,
    )
    # The schema types the answer as a String: "true" on success.
    return (result.set_submission_webhook or "").strip().lower() == "true"


class ProfileMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def set_bio(self, model_id: str, bio: str) -> bool:
        """Set a model's profile bio.

        Args:
            model_id: The model's id.
            bio: The new text.

        Returns:
            True if Numerai accepted it.

        Example:
            >>> api.set_bio(model_id, "Gradient boosting, patiently.")
            True
        """
        return self._run(set_bio(model_id, bio))

    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def set_link(self, model_id: str, link_text: str | None, link: str) -> bool:
        """Set a model's profile link and its text.

        Args:
            model_id: The model's id.
            link_text: The link's text (None: none).
            link: The URL.

        Returns:
            True if Numerai accepted it.

        Example:
            >>> api.set_link(model_id, "my blog", "https://example.org")
            True
        """
        return self._run(set_link(model_id, link_text, link))

    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST)
    def set_submission_webhook(self, model_id: str, webhook: str | None = None) -> bool:
        """Set, or clear, a model's Compute submission webhook.

        Args:
            model_id: The model's id.
            webhook: The URL to call (None clears it).

        Returns:
            True if Numerai accepted it.

        Example:
            >>> api.set_submission_webhook(model_id, "https://example.org/hook")
            True
        """
        return self._run(set_submission_webhook(model_id, webhook))


@documented_like(ProfileMethods)
class AsyncProfileMethods(AsyncAPIClient):
    async def set_bio(self, model_id: str, bio: str) -> bool:
        return await self._run(set_bio(model_id, bio))

    async def set_link(self, model_id: str, link_text: str | None, link: str) -> bool:
        return await self._run(set_link(model_id, link_text, link))

    async def set_submission_webhook(
        self, model_id: str, webhook: str | None = None
    ) -> bool:
        return await self._run(set_submission_webhook(model_id, webhook))
