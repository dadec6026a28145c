"""Walking a ``limit``/``offset`` list page by page, for sync and async clients.

A :class:`Pager` decides which page to ask for next and when to stop (a short
page, or the caller's ``max_items``); :func:`iterate` and :func:`aiterate`
only run the page plans, so the two clients cannot disagree about the walk.
The arguments are checked when the iterator is created, before any request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Generic, TypeVar

from .. import _validate
from .._plan import Plan

T = TypeVar("T")

#: Entries per request unless the caller chooses; the API serves a few hundred
#: rows in one answer comfortably.
DEFAULT_PAGE_SIZE = 100

#: ``fetch(limit, offset)``: the plan that reads one page, as the API sent it
#: (null entries included, so that they still count towards the offset).
PageFetch = Callable[[int, int], Plan[Sequence[T | None]]]


class Pager(Generic[T]):
    """Which page to read next, and what to keep of the page that came back."""

    def __init__(self, page_size: int, max_items: int | None) -> None:
        self.page_size = _validate.positive_int(page_size, "page_size")
        self.remaining = (
            None
            if max_items is None
            else _validate.positive_int(max_items, "max_items", allow_zero=True)
        )
        self.offset = 0
        self.done = self.remaining == 0

    def request(self) -> tuple[int, int] | None:
        """``(limit, offset)`` of the next page, or None when the walk is over."""
        if self.done:
            return None
        size = self.page_size
        if self.remaining is not None:
            size = min(size, self.remaining)
        return size, self.offset

    def accept(self, page: Sequence[T | None], asked: int) -> list[T]:
        """The entries to yield from ``page``; a short page ends the walk."""
        self.offset += len(page)
        if len(page) < asked:
            self.done = True
        entries = [entry for entry in page if entry is not None]
        if self.remaining is not None:
            entries = entries[: self.remaining]
            self.remaining -= len(entries)
            self.done = self.done or self.remaining == 0
        return entries


def iterate(
    run: Callable[[Plan[Sequence[T | None]]], Sequence[T | None]],
    fetch: PageFetch[T],
    page_size: int,
    max_items: int | None,
) -> Iterator[T]:
    """Every entry, page by page, with blocking requests (``run`` is ``_run``)."""
    pager: Pager[T] = Pager(page_size, max_items)

    def walk() -> Iterator[T]:
        while (wanted := pager.request()) is not None:
            limit, offset = wanted
            yield from pager.accept(run(fetch(limit, offset)), limit)

    return walk()


def aiterate(
    run: Callable[[Plan[Sequence[T | None]]], Awaitable[Sequence[T | None]]],
    fetch: PageFetch[T],
    page_size: int,
    max_items: int | None,
) -> AsyncIterator[T]:
    """Every entry, page by page, as an ``async for`` iterator."""
    pager: Pager[T] = Pager(page_size, max_items)

    async def walk() -> AsyncIterator[T]:
        while (wanted := pager.request()) is not None:
            limit, offset = wanted
            for entry in pager.accept(await run(fetch(limit, offset)), limit):
                yield entry

    return walk()
