"""What the ``http.client`` fast paths share with each other and with httpx.

The API's keep-alive POSTs (``_keepalive``) and the download body reader
(``_transfer._wire``) bypass httpx for speed, but must fail and verify the way
httpx does: the same certifi trust store, and httpx's exception types, so one
error translation and one retry policy serve every path.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import ssl

import httpx

_CONTEXTS: dict[tuple[str | None, str | None], ssl.SSLContext] = {}


def default_ssl_context() -> ssl.SSLContext:
    """Verified TLS as httpx makes it by default: certifi's CAs, unless
    ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` name others (built once per setting).
    """
    key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    context = _CONTEXTS.get(key)
    if context is None:
        context = _CONTEXTS[key] = httpx.create_ssl_context()
    return context


def describe(exc: BaseException) -> str:
    """``Type: message`` for an exception (these messages hold no URLs)."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def mapped_error(
    exc: BaseException,
    timeout: type[httpx.TransportError],
    failure: type[httpx.TransportError],
    request: httpx.Request | None = None,
) -> httpx.TransportError:
    """The httpx exception for a socket or ``http.client`` failure.

    ``timeout`` and ``failure`` say which phase failed (connect, write, read).
    """
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):  # distinct in 3.10
        return timeout(str(exc) or "timed out", request=request)
    if isinstance(exc, http.client.RemoteDisconnected):
        return httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    if isinstance(exc, http.client.HTTPException):
        return httpx.RemoteProtocolError(describe(exc), request=request)
    return failure(str(exc) or type(exc).__name__, request=request)
