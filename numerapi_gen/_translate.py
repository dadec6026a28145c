"""Turn the generated client's and httpx's exceptions into numerapi-gen's.

Used as a context manager around every call, sync or async, so the mapping is
written once. Nothing from a request's headers reaches a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
import pydantic
from numerai_graphql import (
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    GraphQLError,
    GraphQLErrorDetail,
    GraphQLNotFoundError,
    InvalidCredentialsError,
    InvalidResponseError,
    MissingCredentialsError,
    RateLimitError,
    SchemaDriftError,
)
from ._retry import failure_name, is_aiohttp_error, parse_retry_after, timed_out

_AUTH_CODES = frozenset({"UNAUTHENTICATED", "UNAUTHORIZED", "FORBIDDEN", "AUTH"})
_NOT_FOUND_MESSAGE = re.compile(
    r"not found|does not exist|could not find|no such", re.IGNORECASE
)
_AUTH_MESSAGE = re.compile(
    r"not authenticated|must be authenticated|must be logged in|authenticat"
    r"|invalid (api )?(token|key)|unauthori[sz]ed|permission denied",
    re.IGNORECASE,
)


def safe_url(url: httpx.URL | str) -> str:
    """A URL without its query string, which may carry signatures."""
    return str(httpx.URL(str(url)).copy_with(query=None, fragment=None))


# What a GraphQL server says when a document names something its schema lacks
# (graphql-core quotes with ', Absinthe, the real API's server, with ").
_Q = "[\"']"
_DRIFT = (
    (
        re.compile(rf"Cannot query field {_Q}(\w+){_Q} on type {_Q}(\w+){_Q}"),
        "field {1}.{0}",
    ),
    (
        re.compile(rf"Unknown argument {_Q}(\w+){_Q} on field {_Q}([\w.]+){_Q}"),
        "argument {0} of {1}",
    ),
    (re.compile(rf"Unknown type {_Q}(\w+){_Q}"), "type {0}"),
)


def _missing(detail: GraphQLErrorDetail) -> str | None:
    """What a validation error says no longer exists, if it says so."""
    for pattern, template in _DRIFT:
        match = pattern.search(detail.message)
        if match:
            return template.format(*match.groups())
    return None


def _is_auth_error(detail: GraphQLErrorDetail) -> bool:
    if detail.code and detail.code.upper() in _AUTH_CODES:
        return True
    return bool(_AUTH_MESSAGE.search(detail.message))


def graphql_error(
    errors: Sequence[Mapping[str, Any]],
    data: Mapping[str, Any] | None,
    operation: str | None,
    *,
    sent_credentials: bool,
) -> Exception:
    """The exception for a GraphQL ``errors`` list."""
    details = [
        GraphQLErrorDetail.from_dict(e)
        if isinstance(e, Mapping)
        else GraphQLErrorDetail(str(e))
        for e in errors
    ]
    if details and all(_is_auth_error(d) for d in details):
        text = "; ".join(d.message for d in details)
        if sent_credentials:
            return InvalidCredentialsError(
                f"Numerai rejected the API keys ({operation}): {text}"
            )
        return MissingCredentialsError(
            f"{operation} needs API keys; Numerai answered: {text}"
        )
    missing = [m for m in map(_missing, details) if m is not None]
    if missing:
        return SchemaDriftError(
            details, missing=missing, data=data, operation=operation
        )
    if details and all(_NOT_FOUND_MESSAGE.search(d.message) for d in details):
        return GraphQLNotFoundError(details, data=data, operation=operation)
    return GraphQLError(details, data=data, operation=operation)


def status_error(
    status_code: int, response: object, operation: str | None
) -> APIStatusError:
    """The exception for an HTTP error status."""
    url = None
    retry_after = None
    if isinstance(response, httpx.Response):
        url = safe_url(response.request.url)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
    what = f"{operation}: " if operation else ""
    if status_code == 429:
        hint = f"; retry after {retry_after:g}s" if retry_after is not None else ""
        return RateLimitError(
            f"{what}rate limited (HTTP 429){hint}", url=url, retry_after=retry_after
        )
    if status_code in (401, 403):
        return APIStatusError(
            f"{what}HTTP {status_code}: not allowed; check the API keys and their "
            "scopes",
            status_code=status_code,
            url=url,
        )
    return APIStatusError(
        f"{what}HTTP {status_code} from {url or 'the API'}",
        status_code=status_code,
        url=url,
    )


def schema_mismatch(
    operation: str | None, exc: pydantic.ValidationError
) -> InvalidResponseError:
    """A response that parsed as JSON but not as the expected result type."""
    return InvalidResponseError(
        f"{operation}: the response does not match the schema "
        f"({exc.error_count()} problem(s)): {exc.errors()[0]['msg']}"
    )


@contextmanager
def translated_errors(
    operation: str | None, *, sent_credentials: bool
) -> Iterator[None]:
    """Re-raise library exceptions as :class:`NumeraiError` subclasses."""
    try:
        yield
    except GraphQLClientGraphQLMultiError as exc:
        raw = [e.original or {"message": e.message} for e in exc.errors]
        raise graphql_error(
            raw, exc.data, operation, sent_credentials=sent_credentials
        ) from None
    except GraphQLClientHttpError as exc:
        raise status_error(exc.status_code, exc.response, operation) from None
    except (GraphQLClientInvalidResponseError, KeyError) as exc:
        # KeyError: the generated client indexes error["message"] unchecked.
        raise InvalidResponseError(
            f"{operation}: the API did not answer with a GraphQL JSON response"
        ) from exc
    except pydantic.ValidationError as exc:
        raise schema_mismatch(operation, exc) from exc
    except httpx.DecodingError as exc:
        raise InvalidResponseError(
            f"{operation}: the response body could not be decoded ({exc})"
        ) from exc
    except httpx.TransportError as exc:
        url = safe_url(exc.request.url) if _has_request(exc) else None
        if timed_out(exc):
            raise APITimeoutError(
                f"{operation}: timed out ({failure_name(exc)})", url=url
            ) from exc
        raise APIConnectionError(
            f"{operation}: connection failed ({failure_name(exc)}: {exc})", url=url
        ) from exc
    except httpx.HTTPError as exc:  # e.g. too many redirects
        raise APIConnectionError(f"{operation}: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:
        if not is_aiohttp_error(exc):
            raise
        # What httpx-aiohttp leaves unmapped: aiohttp's parser refusing the
        # answer (ambiguous or impossible framing), or a failure it does not
        # know; neither may escape as an aiohttp type.
        import aiohttp

        if isinstance(exc, aiohttp.ClientResponseError):
            raise InvalidResponseError(
                f"{operation}: the answer is not valid HTTP ({exc.message})"
            ) from exc
        raise APIConnectionError(
            f"{operation}: connection failed ({type(exc).__name__}: {exc})"
        ) from exc


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - raises RuntimeError when unset
    except RuntimeError:
        return False
    return True
