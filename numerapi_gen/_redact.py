"""Masking API secrets in every message numerapi-gen produces.

A secret key can reach a message in text numerapi-gen did not write: a proxy
or error page that echoes the request, a GraphQL error quoting the token. So
exceptions are scrubbed as they leave a public method (their whole chain, and
the error details they carry), and the package's log records are scrubbed as
they are made. The secret key is masked whatever its length; where the public
id travels with it (``PUBLIC$SECRET``, the Authorization token) both are.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterable
from typing import Any

MASK = "***"

_known: dict[str, None] = {}
_known_lock = threading.Lock()


def secrets_of(public_id: str | None, secret_key: str | None) -> tuple[str, ...]:
    """The texts to mask for a key pair, longest first (the pair, then the key)."""
    if not secret_key:
        return ()
    paired = (f"{public_id}${secret_key}",) if public_id else ()
    return (*paired, secret_key)


def remember(public_id: str | None, secret_key: str | None) -> tuple[str, ...]:
    """Mask this key pair in the package's log records from now on."""
    found = secrets_of(public_id, secret_key)
    with _known_lock:
        _known.update(dict.fromkeys(found))
    return found


def known_secrets() -> tuple[str, ...]:
    """Every secret :func:`remember` was given, longest first."""
    with _known_lock:
        return tuple(sorted(_known, key=len, reverse=True))


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced by ``***``."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return text


#: Objects inside an exception whose text is scrubbed too (error details).
_OWN_MODULES = ("numerapi_gen", "numerai_graphql")


def _scrub(value: Any, secrets: tuple[str, ...], depth: int) -> Any:
    """``value`` with secrets masked in its strings (containers rebuilt)."""
    if isinstance(value, str):
        return redact(value, secrets)
    if depth <= 0:
        return value
    if isinstance(value, tuple):
        return tuple(_scrub(v, secrets, depth - 1) for v in value)
    if isinstance(value, list):
        return [_scrub(v, secrets, depth - 1) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets, depth - 1) for k, v in value.items()}
    if type(value).__module__.startswith(_OWN_MODULES) and hasattr(value, "__dict__"):
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {
                f.name: _scrub(getattr(value, f.name), secrets, depth - 1)
                for f in dataclasses.fields(value)
                if f.init
            }
            return dataclasses.replace(value, **changes)
        _scrub_attributes(value, secrets, depth - 1)
    return value


def _scrub_attributes(obj: object, secrets: tuple[str, ...], depth: int) -> None:
    for name, value in list(vars(obj).items()):
        scrubbed = _scrub(value, secrets, depth)
        if scrubbed is not value:
            object.__setattr__(obj, name, scrubbed)


def redact_exception(exc: BaseException, secrets: tuple[str, ...]) -> None:
    """Mask secrets in ``exc`` and every exception chained to it, in place."""
    if not secrets:
        return
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.args = tuple(_scrub(a, secrets, 3) for a in current.args)
        notes = getattr(current, "__notes__", None)
        if isinstance(notes, list):
            current.__notes__ = [redact(str(n), secrets) for n in notes]
        if type(current).__module__.startswith(_OWN_MODULES):
            _scrub_attributes(current, secrets, 3)
        elif hasattr(current, "__dict__"):
            for name, value in list(vars(current).items()):
                if isinstance(value, str):
                    setattr(current, name, redact(value, secrets))
        pending += [current.__cause__, current.__context__]
        pending += list(getattr(current, "exceptions", ()) or ())


class RedactingFilter(logging.Filter):
    """Masks every remembered secret in a log record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = known_secrets()
        if secrets:
            message = record.getMessage()
            masked = redact(message, secrets)
            if masked != message:
                record.msg, record.args = masked, None
            if record.exc_info and record.exc_info[1] is not None:
                redact_exception(record.exc_info[1], secrets)
                record.exc_text = None
        return True


_FILTER = RedactingFilter()


def install_log_filter(*logger_names: str) -> None:
    """Scrub the records of these loggers (idempotent)."""
    for name in logger_names:
        found = logging.getLogger(name)
        if _FILTER not in found.filters:
            found.addFilter(_FILTER)
