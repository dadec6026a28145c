"""The public clients, composed from the per-domain method mixins.

``NumerAPI`` (Classic, tournament 8), ``SignalsAPI`` (11) and ``CryptoAPI``
(12), and their async twins with the same methods as coroutines.
"""

from __future__ import annotations

from ._methods.datasets import AsyncDatasetMethods, DatasetMethods
from ._methods.rounds import AsyncRoundMethods, RoundMethods


class _BaseAPI(
    RoundMethods,
    DatasetMethods,
):
    """Methods every tournament shares."""


class _AsyncBaseAPI(
    AsyncRoundMethods,
    AsyncDatasetMethods,
):
    """Methods every tournament shares, as coroutines."""


class NumerAPI(_BaseAPI):
    """Client for Numerai Classic (tournament 8)."""

    tournament_id = 8


class SignalsAPI(_BaseAPI):
    """Client for Numerai Signals (tournament 11)."""

    tournament_id = 11


class CryptoAPI(_BaseAPI):
    """Client for Numerai Crypto (tournament 12)."""

    tournament_id = 12


class AsyncNumerAPI(_AsyncBaseAPI):
    """Async client for Numerai Classic (tournament 8)."""

    tournament_id = 8


class AsyncSignalsAPI(_AsyncBaseAPI):
    """Async client for Numerai Signals (tournament 11)."""

    tournament_id = 11


class AsyncCryptoAPI(_AsyncBaseAPI):
    """Async client for Numerai Crypto (tournament 12)."""

    tournament_id = 12
