"""Method logic written once for the sync and the async clients.

A public method is a *plan*: a generator that validates its arguments, yields
the I/O it needs as plain step objects, receives each result and returns the
method's value. ``NumerAPI`` runs plans with blocking I/O and ``AsyncNumerAPI``
with ``await``; neither repeats what the method means. Errors raised by a step
are thrown into the plan at its ``yield``, so a plan can handle them.

``yield from graphql(Client.get_account)`` keeps the result type: the generated
*sync* client's method serves as the typed name of the operation for both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

R = TypeVar("R")


@dataclass(frozen=True)
class GraphQLCall:
    """Call the generated client's ``method`` with ``variables``.

    ``repeatable``: the operation is a query, so a retry cannot change
    anything (known from the generated client's ``MUTATIONS``).
    """

    method: str
    variables: Mapping[str, Any]
    authenticated: bool
    repeatable: bool = False


@dataclass(frozen=True)
class RawQuery:
    """Send a hand-written GraphQL document; the result is the JSON ``data``.

    ``repeatable``: the document's operation is a query (graphql-core's reading).
    """

    query: str
    variables: Mapping[str, Any] | None
    authenticated: bool
    repeatable: bool = False
    max_retries: int | None = None
    backoff_factor: float | None = None
    multiplier: float | None = None


@dataclass(frozen=True)
class Download:
    """Fetch ``url`` into ``dest``; the result is the destination path.

    With ``filters`` (pyarrow/pandas DNF), only the matching rows of a remote
    parquet file are read, over HTTP range requests, and written to ``dest``.
    """

    url: str
    dest: Path
    description: str = ""
    filters: Any = None


@dataclass(frozen=True)
class Upload:
    """PUT ``source`` to a presigned ``url``; the result is None.

    ``timeout``: seconds, or numerapi's ``(connect, read)`` pair; None keeps
    the client's transfer timeouts.
    """

    url: str
    source: Path
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float | tuple[float, float] | None = None


@dataclass(frozen=True)
class Offload:
    """Run blocking local work (disk, pandas); the result is its return value.

    The async clients run it in a worker thread so the event loop stays free.
    """

    function: Callable[[], Any]


Step = GraphQLCall | RawQuery | Download | Upload | Offload
Plan = Generator[Step, Any, R]


def graphql(
    method: Callable[..., R], *, authenticated: bool = False, **variables: Any
) -> Generator[Step, Any, R]:
    """Run one generated operation; ``method`` is e.g. ``Client.get_account``."""
    from numerai_graphql import Client

    name = method.__name__
    result = yield GraphQLCall(
        name, variables, authenticated, repeatable=name not in Client.MUTATIONS
    )
    return cast(R, result)


@functools.lru_cache(maxsize=512)
def is_query(document: str) -> bool:
    """Whether the operation ``document`` runs is a query (graphql-core parses it,
    once per document).

    A document that does not parse, or holds several operations, counts as
    not repeatable: the server will refuse or pick, and a retry buys nothing.
    """
    from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse

    try:
        parsed = parse(document, no_location=True)
    except GraphQLSyntaxError:
        return False
    operations = [
        d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)
    ]
    return len(operations) == 1 and operations[0].operation.value == "query"


def raw_query(
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    authenticated: bool = False,
    max_retries: int | None = None,
    backoff_factor: float | None = None,
    multiplier: float | None = None,
) -> Generator[Step, Any, dict[str, Any]]:
    result = yield RawQuery(
        query,
        variables,
        authenticated,
        is_query(query),
        max_retries,
        backoff_factor,
        multiplier,
    )
    return cast(dict[str, Any], result)


def download(
    url: str, dest: Path, description: str = "", filters: Any = None
) -> Generator[Step, Any, Path]:
    result = yield Download(url, dest, description, filters)
    return cast(Path, result)


def upload(
    url: str,
    source: Path,
    headers: Mapping[str, str] | None = None,
    timeout: float | tuple[float, float] | None = None,
) -> Generator[Step, Any, None]:
    yield Upload(url, source, dict(headers or {}), timeout)


def offload(
    function: Callable[..., R], *args: Any, **kwargs: Any
) -> Generator[Step, Any, R]:
    """Run ``function(*args, **kwargs)`` off the event loop (in async clients)."""
    result = yield Offload(functools.partial(function, *args, **kwargs))
    return cast(R, result)
