"""API tokens: what the current key may do, which scopes exist.

Creating and revoking tokens changes keys, so those methods take every
argument explicitly and check it before any request.
"""

from __future__ import annotations

from collections.abc import Sequence

from numerai_graphql import (
    ApiToken,
    ApiTokenInfo,
    ApiTokenScope,
    Client,
)
from numerai_graphql.base_model import BaseModel
from pydantic import Field, SecretStr

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import (
    InvalidResponseError,
    MissingCredentialsError,
    NotFoundError,
    NumeraiValidationError,
)
from .._plan import Plan, graphql
from .._tables import Records
from ._common import reshape
from ._docs import documented_like, raises


def api_token_info() -> Plan[ApiTokenInfo]:
    result = yield from graphql(Client.get_api_token_info, authenticated=True)
    if result.api_token_info is None:
        raise InvalidResponseError("apiTokenInfo: the API returned no token")
    return result.api_token_info


def api_token_scopes() -> Plan[Records[ApiTokenScope]]:
    result = yield from graphql(Client.list_api_token_scopes)
    return Records.present(result.api_token_scopes, ApiTokenScope)


class NewApiToken(BaseModel):
    """A newly created API key; ``secret_key`` is shown nowhere but here.

    The secret is a ``SecretStr``: reprs and logs show ``**********``; call
    ``secret_key.get_secret_value()`` once to store it.
    """

    name: str | None = None
    public_id: str | None = Field(default=None, alias="publicId")
    scopes: list[str | None] | None = None
    secret_key: SecretStr | None = Field(default=None, alias="secretKey")


def _scopes(value: object) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise NumeraiValidationError(
            f"scopes must be a list of scope names, got {type(value).__name__}",
            argument="scopes",
        )
    if not value:
        raise NumeraiValidationError(
            "scopes is empty: name what the key may do (see api_token_scopes())",
            argument="scopes",
        )
    return [_validate.non_empty(scope, "scopes") for scope in value]


def create_api_token(
    name: str, scopes: Sequence[str], password: str, code: str | None
) -> Plan[NewApiToken]:
    label = _validate.non_empty(name, "name")
    granted = _scopes(scopes)
    secret = _validate.non_empty(password, "password")
    mfa = None if code is None else _validate.non_empty(code, "code")
    result = yield from graphql(
        Client.create_api_token,
        authenticated=True,
        name=label,
        scopes=granted,
        password=secret,
        code=mfa,
    )
    if result.create_api_token is None:
        raise InvalidResponseError("createApiToken: the API returned no token")
    return reshape(
        NewApiToken, result.create_api_token.model_dump(by_alias=True), "createApiToken"
    )


def revoke_api_token(public_id: str) -> Plan[ApiToken]:
    key = _validate.non_empty(public_id, "public_id").strip()
    result = yield from graphql(
        Client.revoke_api_token, authenticated=True, public_id=key
    )
    if result.revoke_api_token is None:
        raise NotFoundError(f"no API token with public id {key!r}")
    return result.revoke_api_token


class TokenMethods(SyncAPIClient):
    @raises(MissingCredentialsError)
    def api_token_info(self) -> ApiTokenInfo:
        """The API key this client uses: its name, public id, scopes and owner.

        Returns:
            The token's ``name``, ``public_id``, ``scopes`` and
            ``account_username`` (the secret key is never returned).

        Raises:
            InvalidCredentialsError: the key is wrong.

        Example:
            >>> api.api_token_info().scopes
            ['upload_submission', 'read_submission_info']
        """
        return self._run(api_token_info())

    def api_token_scopes(self) -> Records[ApiTokenScope]:
        """Every scope an API key can be granted, with its description.

        Returns:
            One record per scope (``name``, ``description``); pass the names to
            :meth:`create_api_token`.

        Raises:
            NumeraiError: the request failed.

        Example:
            >>> [scope.name for scope in api.api_token_scopes()]
            ['read_user_info', 'upload_submission', ...]
        """
        return self._run(api_token_scopes())

    def create_api_token(
        self, name: str, scopes: Sequence[str], password: str, code: str | None = None
    ) -> NewApiToken:
        """Create a new API key with the given scopes.

        Every argument but the MFA ``code`` is required and checked first.

        Args:
            name: a label for the key.
            scopes: what the key may do (at least one name from
                :meth:`api_token_scopes`).
            password: your account password, which the API asks for here.
            code: the current MFA code, if your account uses MFA.

        Returns:
            The new key; its ``secret_key`` is a ``SecretStr`` the API shows only
            this once.

        Raises:
            NumeraiValidationError: an empty name, password or scope list.
            GraphQLError: the API refused (e.g. a wrong password or MFA code).

        Example:
            >>> token = api.create_api_token("ci", ["upload_submission"], password)
            >>> token.secret_key.get_secret_value()  # store it now
        """
        return self._run(create_api_token(name, scopes, password, code))

    def revoke_api_token(self, public_id: str) -> ApiToken:
        """Revoke an API key for good; requests made with it fail from then on.

        Args:
            public_id: the key's public id (see :meth:`get_account` ``api_tokens``).

        Returns:
            The revoked key's ``name``, ``public_id`` and ``scopes``.

        Raises:
            NumeraiValidationError: ``public_id`` is empty (nothing is sent).
            NotFoundError: the API returned no such key.

        Example:
            >>> api.revoke_api_token("ABCDEF123").public_id
            'ABCDEF123'
        """
        return self._run(revoke_api_token(public_id))


@documented_like(TokenMethods)
class AsyncTokenMethods(AsyncAPIClient):
    async def api_token_info(self) -> ApiTokenInfo:
        return await self._run(api_token_info())

    async def api_token_scopes(self) -> Records[ApiTokenScope]:
        return await self._run(api_token_scopes())

    async def create_api_token(
        self, name: str, scopes: Sequence[str], password: str, code: str | None = None
    ) -> NewApiToken:
        return await self._run(create_api_token(name, scopes, password, code))

    async def revoke_api_token(self, public_id: str) -> ApiToken:
        return await self._run(revoke_api_token(public_id))
