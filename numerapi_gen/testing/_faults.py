"""Scriptable fault injection for the fake server.

A :class:`Fault` selects requests (URL path prefix, GraphQL operation name,
HTTP method) and says what goes wrong with them. Faults are checked in the
order they were added and the first active match fires, consuming one of its
``times``. Examples::

    server.faults.add(operation="GetCurrentRound", statuses=[503, 503])
    server.faults.add(path="/files/", statuses=[429], retry_after=2)
    server.faults.add(path="/files/", drop_after=1024, times=1)
    server.faults.add(operation="ListDatasets", html_status=502)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = ["Fault", "FaultHit", "Faults"]


@dataclass
class Fault:
    """One fault rule; see :meth:`Faults.add` for the meaning of each knob."""

    path: str | None = None
    operation: str | None = None
    method: str | None = None
    statuses: tuple[int, ...] = ()
    retry_after: int | float | str | None = None
    latency: float = 0.0
    drop_after: int | None = None
    short_body: bool = False
    ignore_range: bool = False
    html_status: int | None = None
    invalid_json: bool = False
    content_range_shift: int = 0
    strip_validators: bool = False
    only_validator: str | None = None
    times: int | None = None
    fired: int = field(default=0, compare=False)

    def matches(self, method: str, path: str, operation: str | None) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is not None and not path.startswith(self.path):
            return False
        return self.operation is None or self.operation == operation

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times


@dataclass(frozen=True)
class FaultHit:
    """What one request suffers: the firing of a :class:`Fault`."""

    fault: Fault
    status: int | None
    retry_after: str | None
    latency: float
    drop_after: int | None
    short_body: bool
    ignore_range: bool
    html_status: int | None
    invalid_json: bool
    content_range_shift: int
    strip_validators: bool
    only_validator: str | None

    @property
    def replaces_response(self) -> bool:
        """Whether the normal response is not produced at all."""
        return (
            self.status is not None or self.html_status is not None or self.invalid_json
        )


_ALLOWED_STATUSES = range(100, 600)


class Faults:
    """The server's fault rules (thread-safe, list-like)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        *,
        path: str | None = None,
        operation: str | None = None,
        method: str | None = None,
        statuses: Iterable[int] = (),
        retry_after: int | float | str | None = None,
        latency: float = 0.0,
        drop_after: int | None = None,
        short_body: bool = False,
        ignore_range: bool = False,
        html_status: int | None = None,
        invalid_json: bool = False,
        content_range_shift: int = 0,
        strip_validators: bool = False,
        only_validator: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Add a fault rule and return it (its ``fired`` counts matches).

        Selectors (all given ones must match; none = every request):
          ``path``: URL path prefix, e.g. ``"/files/"`` or ``"/"``;
          ``operation``: GraphQL operation name; ``method``: HTTP method.
        Effects:
          ``statuses``: status codes answered instead of the real response,
          one per matching request, in order (e.g. ``[503, 503]``);
          ``retry_after``: ``Retry-After`` header sent with those statuses;
          ``latency``: seconds to sleep before answering;
          ``drop_after``: close the connection after this many body bytes;
          ``short_body``: send half the body (Content-Length stays whole), close;
          ``ignore_range``: answer ``Range`` requests with 200 and the full file;
          ``html_status``: answer with an HTML error page and this status
          (502 like a proxy, or 200);
          ``invalid_json``: answer 200 with a truncated JSON body;
          ``content_range_shift``: lie in ``Content-Range`` (start moved by N);
          ``strip_validators``: omit ``Accept-Ranges``, ``ETag`` and
          ``Last-Modified`` from downloads;
          ``only_validator``: a download's only validator is a weak ETag
          (``"weak-etag"``) or its Last-Modified (``"last-modified"``).
        ``times`` limits how many requests the rule fires for; it defaults to
        ``len(statuses)`` when statuses are given, otherwise unlimited.
        """
        codes = tuple(int(s) for s in statuses)
        for code in codes + ((html_status,) if html_status is not None else ()):
            if code not in _ALLOWED_STATUSES:
                raise ValueError(f"invalid HTTP status {code}")
        if latency < 0:
            raise ValueError("latency must be >= 0")
        if drop_after is not None and drop_after < 0:
            raise ValueError("drop_after must be >= 0")
        if times is not None and times < 0:
            raise ValueError("times must be >= 0")
        if only_validator not in (None, "weak-etag", "last-modified"):
            raise ValueError("only_validator is 'weak-etag' or 'last-modified'")
        effects = (
            codes,
            latency,
            drop_after is not None,
            short_body,
            ignore_range,
            html_status is not None,
            invalid_json,
            content_range_shift,
            strip_validators,
            only_validator,
        )
        if not any(effects):
            raise ValueError("a fault needs at least one effect")
        if times is None and codes:
            times = len(codes)
        fault = Fault(
            path=path,
            operation=operation,
            method=method,
            statuses=codes,
            retry_after=retry_after,
            latency=float(latency),
            drop_after=drop_after,
            short_body=short_body,
            ignore_range=ignore_range,
            html_status=html_status,
            invalid_json=invalid_json,
            content_range_shift=content_range_shift,
            strip_validators=strip_validators,
            only_validator=only_validator,
            times=times,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        with self._lock:
            self._faults = [f for f in self._faults if f is not fault]

    def clear(self) -> None:
        """Remove every fault rule."""
        with self._lock:
            self._faults.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)

    def __iter__(self) -> Iterator[Fault]:
        with self._lock:
            return iter(list(self._faults))

    def __repr__(self) -> str:
        return f"<Faults {list(self)!r}>"

    def take(self, method: str, path: str, operation: str | None) -> FaultHit | None:
        """Fire the first active rule matching this request, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or not fault.matches(method, path, operation):
                    continue
                index = fault.fired
                fault.fired += 1
                status = (
                    fault.statuses[index % len(fault.statuses)]
                    if fault.statuses
                    else None
                )
                retry = fault.retry_after
                return FaultHit(
                    fault=fault,
                    status=status,
                    retry_after=None if retry is None else _format_retry_after(retry),
                    latency=fault.latency,
                    drop_after=fault.drop_after,
                    short_body=fault.short_body,
                    ignore_range=fault.ignore_range,
                    html_status=fault.html_status,
                    invalid_json=fault.invalid_json,
                    content_range_shift=fault.content_range_shift,
                    strip_validators=fault.strip_validators,
                    only_validator=fault.only_validator,
                )
        return None


def _format_retry_after(value: int | float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
