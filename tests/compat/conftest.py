"""One fake server for the compat tests, and both clients aimed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numerapi.base_api
import pytest
from _compat_support import KINDS, FrozenClock

from numerapi_gen.testing import FakeNumerai


@pytest.fixture(scope="package")
def server() -> Iterator[FakeNumerai]:
    """Lenient, so numerapi's snake_case names are accepted as the API does."""
    with pytest.MonkeyPatch.context() as patch, FakeNumerai(lenient=True) as fake:
        for name in ("NUMERAI_PUBLIC_ID", "NUMERAI_SECRET_KEY", "NUMERAI_API_URL"):
            patch.delenv(name, raising=False)
        patch.setattr(numerapi.base_api, "API_TOURNAMENT_URL", fake.url)
        # One instant for both clients' calls: due dates, deadlines and round
        # states follow the world's clock, which would otherwise tick between
        # numerapi's call and compat's.
        patch.setattr(fake.world, "clock", FrozenClock(fake.world.clock()))
        yield fake


@pytest.fixture(scope="package")
def clients(server: FakeNumerai) -> dict[str, tuple[Any, Any]]:
    """kind -> (compat client, numerapi client), both on ``server``."""
    pairs = {}
    for kind, (ours, theirs, _) in KINDS.items():
        pairs[kind] = (
            ours(server.public_id, server.secret_key, api_url=server.url),
            theirs(server.public_id, server.secret_key, show_progress_bars=False),
        )
        pairs[kind][0].show_progress_bars = False
    return pairs
