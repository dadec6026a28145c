"""The compat classes beside numerapi's, with their tournament numbers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import numerapi

from numerapi_gen import compat

KINDS: dict[str, tuple[Any, Any, int]] = {
    "classic": (compat.NumerAPI, numerapi.NumerAPI, 8),
    "signals": (compat.SignalsAPI, numerapi.SignalsAPI, 11),
    "crypto": (compat.CryptoAPI, numerapi.CryptoAPI, 12),
}


@dataclass(frozen=True)
class FrozenClock:
    """A world clock stopped at one instant (picklable: world snapshots keep it)."""

    now: datetime.datetime

    def __call__(self) -> datetime.datetime:
        return self.now
