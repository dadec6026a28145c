"""Method docstrings: shared ``Raises`` lines, and one text for a sync/async pair.

Most public methods fail in the same few ways (a bad argument, missing or
rejected keys, an unreachable API, a GraphQL error), and say so in the same
words. Those lines are written once, here, and added by :func:`raises`; a
docstring's own ``Raises`` section keeps only what is particular to its method.

The async mixins repeat the sync mixins' methods as coroutines; their
documentation is the same text, so it is written once, on the sync method,
and copied onto the async twin when the class is created (``help()`` and
``inspect.getdoc`` then show it on both).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TypeVar

from .._errors import (
    APIConnectionError,
    GraphQLError,
    InvalidCredentialsError,
    MissingCredentialsError,
    NotFoundError,
    NumeraiValidationError,
    SubmissionCreateError,
    TransferError,
    UploadError,
)

C = TypeVar("C", bound=type)
F = TypeVar("F", bound=Callable[..., object])

#: What each common error means, in the words every method uses for it.
REASONS: dict[type[Exception], str] = {
    NumeraiValidationError: "an argument is invalid; nothing was sent.",
    MissingCredentialsError: "no API key is configured.",
    InvalidCredentialsError: "the API rejected the key.",
    NotFoundError: "the API returned nothing for this request.",
    APIConnectionError: "the API could not be reached (after retries).",
    GraphQLError: "the API answered with an error.",
    UploadError: "the file could not be uploaded; nothing was created.",
    SubmissionCreateError: (
        "the file was uploaded but the record was not created (never retried)."
    ),
    TransferError: (
        "the download failed or was incomplete; no partial file is left as complete."
    ),
}
#: A request that needs the API keys can meet both of these.
AUTHENTICATED = (MissingCredentialsError, InvalidCredentialsError)
#: Any request can meet both of these.
REQUEST = (APIConnectionError, GraphQLError)
#: An upload that then creates a record (a submission, diagnostics, a pickle).
UPLOAD = (UploadError, SubmissionCreateError)

_WIDTH = 80  # a ``Raises`` line at most, indentation included


def raises(*errors: type[Exception]) -> Callable[[F], F]:
    """Add the common ``Raises`` lines of ``errors`` to the method's docstring.

    They follow the lines the docstring has of its own (a new section is
    made before ``Example:`` when it has none). An error listed in both, or
    one without a common reason in :data:`REASONS`, is a mistake in the
    method's definition and fails at import.
    """

    def decorate(method: F) -> F:
        method.__doc__ = with_raises(method.__doc__ or "", errors)
        return method

    return decorate


def with_raises(doc: str, errors: tuple[type[Exception], ...]) -> str:
    """``doc`` (cleaned of its indentation) with the common lines of ``errors``."""
    lines = inspect.cleandoc(doc).splitlines()
    added = [_entry(error) for error in errors]
    if "Raises:" in lines:
        start = lines.index("Raises:") + 1
        end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
        own = {line.split(":")[0].strip() for line in lines[start:end]}
        for error in errors:
            if error.__name__ in own:
                raise ValueError(f"{error.__name__} is in the docstring already")
        lines[end:end] = [line for entry in added for line in entry]
    else:
        at = lines.index("Example:") if "Example:" in lines else len(lines)
        section = ["Raises:", *(line for entry in added for line in entry), ""]
        lines[at:at] = section
    return "\n".join(lines)


def _entry(error: type[Exception]) -> list[str]:
    """One ``Raises`` entry, wrapped like the hand-written ones."""
    reason = REASONS.get(error)
    if reason is None:
        raise ValueError(f"no common reason for {error.__name__}: write it out")
    words = f"{error.__name__}: {reason}".split()
    lines = ["    " + words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) > _WIDTH:
            lines.append("        " + word)
        else:
            lines[-1] += " " + word
    return lines


def documented_like(sync_class: type) -> Callable[[C], C]:
    """Give each undocumented method of the decorated class its sync twin's doc."""

    def decorate(async_class: C) -> C:
        for name, member in vars(async_class).items():
            twin = getattr(sync_class, name, None)
            if callable(member) and member.__doc__ is None and twin is not None:
                member.__doc__ = twin.__doc__
        return async_class

    return decorate
