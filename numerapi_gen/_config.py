"""Client settings: where the API is, which keys to use, how patient to be.

Keys come from the constructor, else from ``NUMERAI_PUBLIC_ID`` and
``NUMERAI_SECRET_KEY`` in the environment or a ``.env`` file (searched from the
working directory upwards, as numerapi does). Half a key pair is an error, not a
warning: a pipeline that silently runs unauthenticated submits nothing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import httpx

from . import _redact
from ._errors import MissingCredentialsError, NumeraiValidationError

DEFAULT_API_URL = "https://api-tournament.numer.ai"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
#: The most parallel ranged connections for a large download (it starts with
#: one and adds more only while they add throughput); 1 means a single stream.
DEFAULT_DOWNLOAD_CONNECTIONS = 8
#: The cap on one decoded GraphQL answer: generous, but not the whole memory.
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024
LOGGER_NAME = "numerapi_gen"

ENV_PUBLIC_ID = "NUMERAI_PUBLIC_ID"
ENV_SECRET_KEY = "NUMERAI_SECRET_KEY"
ENV_API_URL = "NUMERAI_API_URL"

_VERBOSITY_LEVELS = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "CRITICAL": logging.CRITICAL,
}


@dataclass(frozen=True)
class Credentials:
    """A Numerai API key pair. Its repr never shows the secret."""

    public_id: str
    secret_key: str = field(repr=False)

    def __post_init__(self) -> None:
        _redact.remember(self.public_id, self.secret_key)

    def __repr__(self) -> str:
        return f"Credentials(public_id={self.public_id!r}, secret_key='***')"

    @property
    def authorization(self) -> str:
        return f"Token {self.public_id}${self.secret_key}"


class TokenAuth(httpx.Auth):
    """Adds ``Authorization: Token PUBLIC$SECRET`` to the requests that need it."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials

    def __repr__(self) -> str:
        return f"TokenAuth(public_id={self._credentials.public_id!r})"

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        request.headers["Authorization"] = self._credentials.authorization
        yield request


def _dotenv_values() -> Mapping[str, str | None]:
    """Values of the nearest ``.env`` file, without touching ``os.environ``."""
    try:
        from dotenv import dotenv_values, find_dotenv
    except ImportError:  # pragma: no cover - python-dotenv is a dependency
        return {}
    path = find_dotenv(usecwd=True)
    return dotenv_values(path) if path else {}


def _setting(name: str, dotenv: Mapping[str, str | None] | None) -> str | None:
    value = os.environ.get(name)
    if not value and dotenv is not None:
        value = dotenv.get(name)
    return value or None


def resolve_credentials(
    public_id: str | None, secret_key: str | None
) -> Credentials | None:
    """Keys from the arguments, else from the environment or ``.env``."""
    source = "arguments"
    if not public_id and not secret_key:
        dotenv = _dotenv_values()
        public_id = _setting(ENV_PUBLIC_ID, dotenv)
        secret_key = _setting(ENV_SECRET_KEY, dotenv)
        source = f"{ENV_PUBLIC_ID}/{ENV_SECRET_KEY}"
    if public_id and secret_key:
        _check_key("public_id", public_id, source)
        _check_key("secret_key", secret_key, source)
        return Credentials(public_id=public_id, secret_key=secret_key)
    if public_id or secret_key:
        missing = "secret_key" if public_id else "public_id"
        raise MissingCredentialsError(
            f"incomplete API keys from {source}: {missing} is missing; "
            "pass both public_id and secret_key, or neither"
        )
    return None


def _check_key(name: str, value: str, source: str) -> None:
    """Keys travel in a header: whitespace or control characters there are a
    copy-paste accident (or header injection), reported without the value."""
    printable = value.isascii() and value.isprintable()
    if not printable or any(c.isspace() for c in value):
        raise NumeraiValidationError(
            f"{name} from {source} contains whitespace, control or non-ASCII "
            "characters; API keys are plain ASCII",
            argument=name,
        )


def resolve_api_url(api_url: str | None) -> str:
    """The constructor's URL, else ``NUMERAI_API_URL``, else the public endpoint."""
    url = api_url or _setting(ENV_API_URL, None) or DEFAULT_API_URL
    if not url.startswith(("http://", "https://")):
        raise NumeraiValidationError(
            f"api_url must start with http:// or https://, got {url!r}",
            argument="api_url",
        )
    return url


def log_level(verbosity: str | int) -> int:
    """numerapi's verbosity names ("debug" … "critical") to a logging level."""
    if isinstance(verbosity, int):
        return verbosity
    level = _VERBOSITY_LEVELS.get(verbosity.upper())
    if level is None:
        choices = ", ".join(name.lower() for name in _VERBOSITY_LEVELS)
        raise NumeraiValidationError(
            f"unknown verbosity {verbosity!r}; choose one of {choices}",
            argument="verbosity",
        )
    return level


@dataclass(frozen=True)
class ClientOptions:
    """Per-client settings; ``with_options`` makes changed copies."""

    api_url: str
    credentials: Credentials | None
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    show_progress_bars: bool = True
    download_connections: int = DEFAULT_DOWNLOAD_CONNECTIONS
    #: The cap on one decoded GraphQL answer (see ``_answers``).
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise NumeraiValidationError(
                f"timeout must be positive, got {self.timeout!r}", argument="timeout"
            )
        if self.max_retries < 0:
            raise NumeraiValidationError(
                f"max_retries must be >= 0, got {self.max_retries!r}",
                argument="max_retries",
            )
        if isinstance(self.download_connections, bool) or not (
            isinstance(self.download_connections, int)
            and self.download_connections >= 1
        ):
            raise NumeraiValidationError(
                "download_connections must be a whole number >= 1, got "
                f"{self.download_connections!r}",
                argument="download_connections",
            )
        if isinstance(self.max_response_bytes, bool) or not (
            isinstance(self.max_response_bytes, int) and self.max_response_bytes >= 1
        ):
            raise NumeraiValidationError(
                "max_response_bytes must be a whole number >= 1, got "
                f"{self.max_response_bytes!r}",
                argument="max_response_bytes",
            )

    def copy(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        show_progress_bars: bool | None = None,
        download_connections: int | None = None,
    ) -> ClientOptions:
        changes: dict[str, float | int | bool] = {}
        if download_connections is not None:
            changes["download_connections"] = download_connections
        if timeout is not None:
            changes["timeout"] = timeout
        if max_retries is not None:
            changes["max_retries"] = max_retries
        if show_progress_bars is not None:
            changes["show_progress_bars"] = show_progress_bars
        return replace(self, **changes)  # type: ignore[arg-type]
