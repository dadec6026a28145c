"""numerapi's errors: what numerapi raised as ``ValueError`` still is one.

numerapi 3.1.1 raises ``ValueError`` when the API answers with errors and
when a call needs API keys that are missing, so numerapi code catches
``ValueError``. The compat face raises numerapi-gen's typed errors, each of
those also made a ``ValueError`` (argument errors already are one), so both
``except ValueError`` and ``except GraphQLError`` keep working.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from .._errors import GraphQLError, MissingCredentialsError

P = ParamSpec("P")
R = TypeVar("R")

#: What numerapi raised as ValueError.
_NUMERAPI_VALUE_ERRORS = (GraphQLError, MissingCredentialsError)


_VALUE_ERROR_TWINS: dict[type, Any] = {}


def _also_value_error(cls: type) -> Any:
    """``cls`` with ``ValueError`` as a second base (one class per ``cls``)."""
    twin = _VALUE_ERROR_TWINS.get(cls)
    if twin is None:
        twin = _VALUE_ERROR_TWINS[cls] = type(
            cls.__name__,
            (cls, ValueError),
            {"__module__": cls.__module__, "__doc__": cls.__doc__},
        )
    return twin


def numerapi_errors(method: Callable[P, R]) -> Callable[P, R]:
    """``method``, raising its numerapi-style errors as ``ValueError`` too."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except _NUMERAPI_VALUE_ERRORS as exc:
            if not isinstance(exc, ValueError):
                exc.__class__ = _also_value_error(type(exc))
            raise

    return call


def public_methods_raise_numerapi_errors(cls: type[R]) -> type[R]:
    """Wrap the public methods ``cls`` defines with :func:`numerapi_errors`."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and callable(member):
            setattr(cls, name, numerapi_errors(member))
    return cls
