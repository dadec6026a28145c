"""The result types of numerapi-gen, under short names that stay put.

Annotate your own helpers with these::

    from numerapi_gen import NumerAPI
    from numerapi_gen.types import Round, SubmissionScore

    def latest(rounds: list[Round]) -> Round: ...

Each domain concept has one class, shared by every operation that returns it
(one GraphQL fragment per concept in ``queries/fragments``), so renaming or
adding an operation does not change these names. Most are the generated
models themselves; a few are hand-written refinements of them, noted below.
The operation-named classes in ``numerai_graphql`` (``GetAccountAccount``,
...) are aliases or subclasses of these and may change between releases.

Datasets have no type of their own: the schema serves them as file names
(``list_datasets`` returns ``list[str]``, ``download_dataset`` a path).
"""

from __future__ import annotations

from numerai_graphql.fragments import (
    Account,
    AccountLeaderboardEntry,
    ApiToken,
    ApiTokenInfo,
    ApiTokenScope,
    ClassicLeaderboardEntry,
    ComputePickle,
    ComputePickleTrigger,
    CryptoLeaderboardEntry,
    DailyModelPerformance,
    Diagnostics,
    IntraRoundScores,
    LeaderboardOverview,
    ManagedModel,
    Model,
    PayoutMultiplier,
    RoundDetails,
    RoundModelPerformance,
    RoundScoreConfig,
    SeasonAccountSummary,
    SeasonLeaderboardEntry,
    SignalsLeaderboardEntry,
    StakeTransaction,
    Submission,
    SubmissionScore,
    Tournament,
    TournamentOverview,
    TriggerLog,
    UploadAuth,
    UserProfile,
    UserScore,
    V3StakeClaim,
    V3StakeConfig,
    V3StakeRound,
    V3StakeServiceWallet,
    WalletTransaction,
)

from ._methods.performance import ModelPayouts, Payout
from ._methods.pipeline import PipelineStatus
from ._methods.rounds import Round
from ._methods.stake_account import StakeIncrease, StakeRelease
from ._methods.staking import (
    StakeChange,
    StakeDrain,
    StakeRequest,
    V3StakeAuthorization,
)
from ._methods.submissions import SubmissionFilename
from ._methods.tokens import NewApiToken
from ._methods.tournament_info import CurrencyPrice, NmrPrice
from ._tables import Records

__all__ = [
    "Account",
    "AccountLeaderboardEntry",
    "ApiToken",
    "ApiTokenInfo",
    "ApiTokenScope",
    "ClassicLeaderboardEntry",
    "ComputePickle",
    "ComputePickleTrigger",
    "CryptoLeaderboardEntry",
    "CurrencyPrice",
    "DailyModelPerformance",
    "Diagnostics",
    "IntraRoundScores",
    "LeaderboardOverview",
    "ManagedModel",
    "Model",
    "ModelPayouts",
    "NewApiToken",
    "NmrPrice",
    "Payout",
    "PayoutMultiplier",
    "PipelineStatus",
    "Records",
    "Round",
    "RoundDetails",
    "RoundModelPerformance",
    "RoundScoreConfig",
    "SeasonAccountSummary",
    "SeasonLeaderboardEntry",
    "SignalsLeaderboardEntry",
    "StakeChange",
    "StakeDrain",
    "StakeIncrease",
    "StakeRelease",
    "StakeRequest",
    "StakeTransaction",
    "Submission",
    "SubmissionFilename",
    "SubmissionScore",
    "Tournament",
    "TournamentOverview",
    "TriggerLog",
    "UploadAuth",
    "UserProfile",
    "UserScore",
    "V3StakeAuthorization",
    "V3StakeClaim",
    "V3StakeConfig",
    "V3StakeRound",
    "V3StakeServiceWallet",
    "WalletTransaction",
]
