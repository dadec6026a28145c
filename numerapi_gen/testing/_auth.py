"""API-key checks and secret redaction for the fake server.

The real API reads ``Authorization: Token PUBLIC_ID$SECRET_KEY``. The secret
is compared in constant time and never stored: everything the server records
goes through :func:`redact` first.
"""

from __future__ import annotations

import hmac
from typing import Any

__all__ = [
    "DEFAULT_PUBLIC_ID",
    "DEFAULT_SECRET_KEY",
    "Credentials",
    "authorization_header",
    "redact",
]

DEFAULT_PUBLIC_ID = "FAKEPUBLICID"
DEFAULT_SECRET_KEY = "FAKESECRETKEY0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def authorization_header(public_id: str, secret_key: str) -> str:
    """The ``Authorization`` header value a client sends for these keys."""
    return f"Token {public_id}${secret_key}"


class Credentials:
    """The one key pair the fake server accepts; ``repr`` hides the secret."""

    __slots__ = ("_secret_key", "public_id")

    def __init__(self, public_id: str, secret_key: str) -> None:
        if not public_id or not secret_key:
            raise ValueError("public_id and secret_key must be non-empty")
        self.public_id = public_id
        self._secret_key = secret_key

    @property
    def secret_key(self) -> str:
        return self._secret_key

    def __repr__(self) -> str:
        return f"Credentials(public_id={self.public_id!r}, secret_key='***')"

    def check(self, header: str | None) -> tuple[str, str | None]:
        """Classify a header as ``ok``/``missing``/``invalid``, with its public id."""
        if header is None or not header.strip():
            return "missing", None
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "token" or "$" not in token:
            return "invalid", None
        public_id, _, secret = token.strip().partition("$")
        valid = hmac.compare_digest(public_id.encode(), self.public_id.encode())
        valid &= hmac.compare_digest(secret.encode(), self._secret_key.encode())
        return ("ok" if valid else "invalid"), public_id

    def redact_header(self, value: str) -> str:
        """``Token PUBLIC$SECRET`` -> ``Token PUBLIC$***``; other text is scrubbed."""
        scheme, _, token = value.partition(" ")
        if scheme.lower() == "token" and "$" in token:
            public_id = token.partition("$")[0]
            return f"{scheme} {public_id}$***"
        return str(redact(value, self._secret_key))


def redact(value: Any, secret: str) -> Any:
    """A copy of ``value`` (JSON-like) with every occurrence of ``secret`` masked."""
    if not secret:
        return value
    if isinstance(value, str):
        return value.replace(secret, "***")
    if isinstance(value, dict):
        return {redact(k, secret): redact(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, secret) for v in value]
    return value
