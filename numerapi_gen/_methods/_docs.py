"""One docstring for a method and its async twin.

The async mixins repeat the sync mixins' methods as coroutines; their
documentation is the same text, so it is written once, on the sync method,
and copied onto the async twin when the class is created (``help()`` and
``inspect.getdoc`` then show it on both).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

C = TypeVar("C", bound=type)


def documented_like(sync_class: type) -> Callable[[C], C]:
    """Give each undocumented method of the decorated class its sync twin's doc."""

    def decorate(async_class: C) -> C:
        for name, member in vars(async_class).items():
            twin = getattr(sync_class, name, None)
            if callable(member) and member.__doc__ is None and twin is not None:
                member.__doc__ = twin.__doc__
        return async_class

    return decorate
