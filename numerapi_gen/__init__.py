"""numerapi-gen: a typed, schema-driven client for the Numerai tournament API.

    from numerapi_gen import NumerAPI
    with NumerAPI() as api:          # keys from NUMERAI_PUBLIC_ID/SECRET_KEY or .env
        print(api.get_current_round())

The clients are imported on first use, so ``import numerapi_gen`` stays cheap
(no httpx, pydantic, generated models or pandas until they are needed).
Existing numerapi code runs unchanged on ``numerapi_gen.compat``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    GraphQLError,
    GraphQLErrorDetail,
    GraphQLNotFoundError,
    IncompleteDownloadError,
    InvalidCredentialsError,
    InvalidResponseError,
    MissingCredentialsError,
    NotFoundError,
    NumeraiError,
    NumeraiValidationError,
    RateLimitError,
    ResponseTooLargeError,
    SchemaDriftError,
    SubmissionCreateError,
    TransferError,
    UploadError,
)
from ._version import __version__

if TYPE_CHECKING:
    from ._api import (
        AsyncCryptoAPI,
        AsyncNumerAPI,
        AsyncSignalsAPI,
        CryptoAPI,
        NumerAPI,
        SignalsAPI,
    )
    from ._retry import RetryPolicy
    from ._tables import Records, to_dataframe

_LAZY = {
    "NumerAPI": "._api",
    "SignalsAPI": "._api",
    "CryptoAPI": "._api",
    "AsyncNumerAPI": "._api",
    "AsyncSignalsAPI": "._api",
    "AsyncCryptoAPI": "._api",
    "RetryPolicy": "._retry",
    "Records": "._tables",
    "to_dataframe": "._tables",
}


if not TYPE_CHECKING:
    # Hidden from type checkers, which see the imports above instead: a
    # module-level __getattr__ would make every misspelt name ``Any``.
    def __getattr__(name: str) -> Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncCryptoAPI",
    "AsyncNumerAPI",
    "AsyncSignalsAPI",
    "AuthenticationError",
    "CryptoAPI",
    "GraphQLError",
    "GraphQLErrorDetail",
    "GraphQLNotFoundError",
    "IncompleteDownloadError",
    "InvalidCredentialsError",
    "InvalidResponseError",
    "MissingCredentialsError",
    "NotFoundError",
    "NumerAPI",
    "NumeraiError",
    "NumeraiValidationError",
    "RateLimitError",
    "Records",
    "ResponseTooLargeError",
    "RetryPolicy",
    "SchemaDriftError",
    "SignalsAPI",
    "SubmissionCreateError",
    "TransferError",
    "UploadError",
    "__version__",
    "to_dataframe",
]
