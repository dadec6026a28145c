"""The exceptions numerapi-gen raises, all rooted at :class:`NumeraiError`.

Every failure a caller can act on has its own type, so code can tell a bad
argument from a bad key, a throttled request from an outage, and an upload that
never reached Numerai from a submission whose creation failed. Messages never
contain API secrets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class NumeraiError(Exception):
    """Base class of every error numerapi-gen raises."""


# --- bad input, caught before any request --------------------------------------


class NumeraiValidationError(NumeraiError, ValueError):
    """An argument is invalid; raised before anything is sent.

    Also a ``ValueError``, which is what numerapi raised for bad input.
    """

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


# --- credentials ----------------------------------------------------------------


class AuthenticationError(NumeraiError):
    """The API keys are missing, incomplete or rejected."""


class MissingCredentialsError(AuthenticationError):
    """The call needs API keys and none (or only one of the two) are configured."""


class InvalidCredentialsError(AuthenticationError):
    """Numerai rejected the configured API keys."""


# --- transport and HTTP -----------------------------------------------------------


class APIConnectionError(NumeraiError):
    """The request could not be completed: connection refused, reset or dropped."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class APITimeoutError(APIConnectionError):
    """The server did not answer within the configured timeout."""


class APIStatusError(NumeraiError):
    """The server answered with an HTTP error status."""

    def __init__(
        self, message: str, *, status_code: int, url: str | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.url = url


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests; ``retry_after`` is the server's hint, seconds."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 429,
        url: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, url=url)
        self.retry_after = retry_after


class InvalidResponseError(NumeraiError):
    """The server answered 2xx with something that is not a GraphQL response,
    or with a message whose framing is ambiguous (``Content-Length`` together
    with ``Transfer-Encoding``)."""


class ResponseTooLargeError(InvalidResponseError):
    """The answer (decoded) grew past the client's ``max_response_bytes``."""


# --- GraphQL ------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of a GraphQL response's ``errors`` list."""

    message: str
    path: tuple[str | int, ...] = ()
    locations: tuple[tuple[int, int], ...] = ()
    code: str | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> GraphQLErrorDetail:
        extensions = raw.get("extensions") or {}
        if not isinstance(extensions, Mapping):
            extensions = {}
        code = raw.get("code", extensions.get("code"))
        locations = tuple(
            (int(loc.get("line", 0)), int(loc.get("column", 0)))
            for loc in raw.get("locations") or ()
            if isinstance(loc, Mapping)
        )
        return cls(
            message=str(raw.get("message", "unknown error")),
            path=tuple(raw.get("path") or ()),
            locations=locations,
            code=None if code is None else str(code),
            extensions=dict(extensions),
        )

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path)
        text = f"{self.message} (at {where})" if where else self.message
        return f"{text} [{self.code}]" if self.code else text


class GraphQLError(NumeraiError):
    """The API answered with GraphQL ``errors``; all of them are kept.

    ``data`` holds whatever partial data came with the errors.
    """

    def __init__(
        self,
        errors: Sequence[GraphQLErrorDetail],
        *,
        data: Mapping[str, Any] | None = None,
        operation: str | None = None,
    ) -> None:
        self.errors = tuple(errors)
        self.data = data
        self.operation = operation
        prefix = f"{operation}: " if operation else ""
        super().__init__(prefix + "; ".join(str(e) for e in self.errors))

    @property
    def messages(self) -> list[str]:
        return [e.message for e in self.errors]

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors if e.code]


class SchemaDriftError(GraphQLError):
    """The API rejected an operation because something it names is gone.

    This client was generated from an older schema than the API serves now:
    a field, argument or type an operation uses no longer exists. ``missing``
    names each (``"field Account.username"``). The cure is a newer
    numerapi-gen; ``numerapi-gen schema diff`` shows what changed.
    """

    def __init__(
        self,
        errors: Sequence[GraphQLErrorDetail],
        *,
        missing: Sequence[str],
        data: Mapping[str, Any] | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(errors, data=data, operation=operation)
        self.missing = tuple(missing)
        self.args = (
            f"{operation or 'an operation'} uses what the API no longer has: "
            f"{', '.join(self.missing)}. This numerapi-gen was generated from an "
            "older schema: upgrade it (pip install --upgrade numerapi-gen); "
            "`numerapi-gen schema diff` shows what changed. The API said: "
            + "; ".join(str(e) for e in self.errors),
        )


class NotFoundError(NumeraiError):
    """The API answered, but the thing asked for does not exist."""


class GraphQLNotFoundError(GraphQLError, NotFoundError):
    """GraphQL errors that all say a model, user, round or file does not exist.

    Both a :class:`GraphQLError` (details kept) and a :class:`NotFoundError`.
    """


# --- file transfer ------------------------------------------------------------------


class TransferError(NumeraiError):
    """A download or upload failed; no partial destination file was left."""


class IncompleteDownloadError(TransferError):
    """The server ended a download before sending every advertised byte."""


class UploadError(TransferError):
    """The file could not be uploaded; nothing was created on Numerai."""


class SubmissionCreateError(NumeraiError):
    """The file was uploaded but creating the submission (or record) failed.

    It is not retried automatically: the creation may have reached the server.
    ``upload_filename`` is the uploaded object's name, to create it by hand.
    """

    def __init__(self, message: str, *, upload_filename: str) -> None:
        super().__init__(message)
        self.upload_filename = upload_filename
