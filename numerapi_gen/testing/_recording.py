"""What the fake server saw: one :class:`RecordedRequest` per HTTP request.

Records are built after redaction, so the secret key never reaches them: the
``Authorization`` header is kept as ``Token PUBLIC_ID$***``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

__all__ = ["RecordedRequest", "RequestLog"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received (redacted) and the status it was answered with."""

    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    status: int
    operation: str | None = None
    variables: dict[str, Any] | None = None
    query: str | None = field(default=None, repr=False)
    body_length: int = 0
    fault: bool = False
    duration: float = 0.0

    @property
    def is_graphql(self) -> bool:
        return self.method == "POST" and self.path in ("/", "/graphql")

    @property
    def authorization(self) -> str | None:
        """The redacted ``Authorization`` header, if one was sent."""
        for name, value in self.headers.items():
            if name.lower() == "authorization":
                return value
        return None


class RequestLog(Sequence[RecordedRequest]):
    """Thread-safe, list-like log of :class:`RecordedRequest`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[RecordedRequest] = []

    def append(self, record: RecordedRequest) -> None:
        with self._lock:
            self._items.append(record)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...

    def __getitem__(
        self, index: int | slice
    ) -> RecordedRequest | list[RecordedRequest]:
        with self._lock:
            return self._items[index]

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __repr__(self) -> str:
        return f"<RequestLog {len(self)} requests>"

    def graphql(self, operation: str | None = None) -> list[RecordedRequest]:
        """GraphQL requests, optionally only those of one operation."""
        return [
            r
            for r in self.snapshot()
            if r.is_graphql and (operation is None or r.operation == operation)
        ]

    def operations(self) -> list[str | None]:
        """Operation names of the GraphQL requests, in order."""
        return [r.operation for r in self.graphql()]

    def paths(self, prefix: str = "/") -> list[str]:
        """Paths of every request under ``prefix``, in order."""
        return [r.path for r in self.snapshot() if r.path.startswith(prefix)]

    @property
    def last(self) -> RecordedRequest:
        with self._lock:
            if not self._items:
                raise IndexError("no request recorded")
            return self._items[-1]
