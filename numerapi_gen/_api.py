"""The public clients, composed from the per-domain method mixins.

``NumerAPI`` (Classic, tournament 8), ``SignalsAPI`` (11) and ``CryptoAPI``
(12), and their async twins with the same methods as coroutines.
"""

from __future__ import annotations

from ._methods.account import AccountMethods, AsyncAccountMethods
from ._methods.classic import AsyncClassicMethods, ClassicMethods
from ._methods.compute import AsyncComputeMethods, ComputeMethods
from ._methods.crypto import AsyncCryptoMethods, CryptoMethods
from ._methods.datasets import AsyncDatasetMethods, DatasetMethods
from ._methods.diagnostics import AsyncDiagnosticsMethods, DiagnosticsMethods
from ._methods.leaderboard_pages import (
    AccountLeaderboardPages,
    AsyncAccountLeaderboardPages,
    AsyncClassicLeaderboardPages,
    AsyncCryptoLeaderboardPages,
    AsyncSignalsLeaderboardPages,
    ClassicLeaderboardPages,
    CryptoLeaderboardPages,
    SignalsLeaderboardPages,
)
from ._methods.leaderboards import AsyncLeaderboardMethods, LeaderboardMethods
from ._methods.model_admin import AsyncModelAdminMethods, ModelAdminMethods
from ._methods.models import AsyncModelMethods, ModelMethods
from ._methods.performance import AsyncPerformanceMethods, PerformanceMethods
from ._methods.pickles import AsyncPickleMethods, PickleMethods
from ._methods.pipeline import AsyncPipelineMethods, PipelineMethods
from ._methods.profile import AsyncProfileMethods, ProfileMethods
from ._methods.raw import AsyncRawQueryMethods, RawQueryMethods
from ._methods.rounds import AsyncRoundMethods, RoundMethods
from ._methods.signals import AsyncSignalsMethods, SignalsMethods
from ._methods.stake_account import AsyncStakeAccountMethods, StakeAccountMethods
from ._methods.staking import AsyncStakingMethods, StakingMethods
from ._methods.submissions import (
    AsyncClassicSubmissionMethods,
    AsyncSignalsSubmissionMethods,
    AsyncSubmissionMethods,
    ClassicSubmissionMethods,
    SignalsSubmissionMethods,
    SubmissionMethods,
)
from ._methods.tokens import AsyncTokenMethods, TokenMethods
from ._methods.tournament_info import AsyncTournamentInfoMethods, TournamentInfoMethods
from ._methods.wallet_pages import AsyncWalletPages, WalletPages


class _BaseAPI(
    RoundMethods,
    DatasetMethods,
    StakingMethods,
    SubmissionMethods,
    DiagnosticsMethods,
    ComputeMethods,
    ProfileMethods,
    AccountMethods,
    ModelMethods,
    LeaderboardMethods,
    AccountLeaderboardPages,
    WalletPages,
    PerformanceMethods,
    PipelineMethods,
    TournamentInfoMethods,
    TokenMethods,
    PickleMethods,
    StakeAccountMethods,
    ModelAdminMethods,
    RawQueryMethods,
):
    """Methods every tournament shares."""


class _AsyncBaseAPI(
    AsyncRoundMethods,
    AsyncDatasetMethods,
    AsyncStakingMethods,
    AsyncSubmissionMethods,
    AsyncDiagnosticsMethods,
    AsyncComputeMethods,
    AsyncProfileMethods,
    AsyncAccountMethods,
    AsyncModelMethods,
    AsyncLeaderboardMethods,
    AsyncAccountLeaderboardPages,
    AsyncWalletPages,
    AsyncPerformanceMethods,
    AsyncPipelineMethods,
    AsyncTournamentInfoMethods,
    AsyncTokenMethods,
    AsyncPickleMethods,
    AsyncStakeAccountMethods,
    AsyncModelAdminMethods,
    AsyncRawQueryMethods,
):
    """Methods every tournament shares, as coroutines."""


class NumerAPI(
    ClassicMethods, ClassicLeaderboardPages, ClassicSubmissionMethods, _BaseAPI
):
    """Client for Numerai Classic (tournament 8)."""

    tournament_id = 8


class SignalsAPI(
    SignalsMethods, SignalsLeaderboardPages, SignalsSubmissionMethods, _BaseAPI
):
    """Client for Numerai Signals (tournament 11)."""

    tournament_id = 11


class CryptoAPI(CryptoMethods, CryptoLeaderboardPages, _BaseAPI):
    """Client for Numerai Crypto (tournament 12)."""

    tournament_id = 12


class AsyncNumerAPI(
    AsyncClassicMethods,
    AsyncClassicLeaderboardPages,
    AsyncClassicSubmissionMethods,
    _AsyncBaseAPI,
):
    """Async client for Numerai Classic (tournament 8)."""

    tournament_id = 8


class AsyncSignalsAPI(
    AsyncSignalsMethods,
    AsyncSignalsLeaderboardPages,
    AsyncSignalsSubmissionMethods,
    _AsyncBaseAPI,
):
    """Async client for Numerai Signals (tournament 11)."""

    tournament_id = 11


class AsyncCryptoAPI(AsyncCryptoMethods, AsyncCryptoLeaderboardPages, _AsyncBaseAPI):
    """Async client for Numerai Crypto (tournament 12)."""

    tournament_id = 12
