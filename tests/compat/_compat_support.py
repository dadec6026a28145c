"""The compat classes beside numerapi's, with their tournament numbers."""

from __future__ import annotations

from typing import Any

import numerapi

from numerapi_gen import compat

KINDS: dict[str, tuple[Any, Any, int]] = {
    "classic": (compat.NumerAPI, numerapi.NumerAPI, 8),
    "signals": (compat.SignalsAPI, numerapi.SignalsAPI, 11),
    "crypto": (compat.CryptoAPI, numerapi.CryptoAPI, 12),
}
