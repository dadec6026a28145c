"""A user's pipeline annotated only with numerapi_gen.types names.

``mypy --strict`` must accept it (test_typing.py). No name here comes from an
operation: renaming a query in queries/ must not break it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from numerapi_gen import AsyncNumerAPI, NumerAPI, SignalsAPI
from numerapi_gen.types import (
    Account,
    ApiToken,
    ClassicLeaderboardEntry,
    DailyModelPerformance,
    Diagnostics,
    Model,
    ModelPayouts,
    Payout,
    PipelineStatus,
    Records,
    Round,
    RoundModelPerformance,
    RoundScoreConfig,
    SignalsLeaderboardEntry,
    StakeChange,
    Submission,
    SubmissionScore,
    UserProfile,
    WalletTransaction,
)


def open_rounds(rounds: Records[Round]) -> list[int]:
    return [r.number for r in rounds if r.number is not None and not r.resolved_general]


def payout_windows(rnd: Round) -> list[RoundScoreConfig]:
    return [c for c in rnd.round_score_configs or () if c is not None]


def key_names(account: Account) -> list[str]:
    tokens: list[ApiToken] = [t for t in account.api_tokens or () if t is not None]
    models: list[Model] = [m for m in account.models or () if m is not None]
    return [t.name or "" for t in tokens] + [m.name or "" for m in models]


def mean_score(scores: Records[SubmissionScore]) -> float:
    values = [s.value for s in scores if s.value is not None]
    return sum(values) / len(values) if values else 0.0


def first_scores(performances: Records[RoundModelPerformance]) -> list[SubmissionScore]:
    return [s for p in performances for s in p.submission_scores or () if s is not None]


def best_corr(days: Records[DailyModelPerformance]) -> float | None:
    return max((d.corr_rep for d in days if d.corr_rep is not None), default=None)


def earned(payouts: ModelPayouts) -> Decimal:
    settled: list[Payout] = list(payouts.actual)
    return sum((p.payout_nmr or Decimal(0) for p in settled), Decimal(0))


def moved(transactions: Records[WalletTransaction]) -> int:
    return len(transactions)


def top(board: Records[ClassicLeaderboardEntry]) -> str | None:
    return board[0].username if board else None


def signals_top(board: Records[SignalsLeaderboardEntry]) -> str | None:
    return board[0].username if board else None


def pipeline_started(status: PipelineStatus) -> datetime.datetime | None:
    return status.started_at


def files(submissions: Records[Submission]) -> list[str]:
    return [s.filename or "" for s in submissions]


def checked(diagnostics: Records[Diagnostics]) -> list[str | None]:
    return [d.status for d in diagnostics]


def requested(change: StakeChange) -> Decimal | None:
    return change.requested_amount


def bio(profile: UserProfile) -> str | None:
    return profile.bio


def run(api: NumerAPI, signals: SignalsAPI, model_id: str) -> None:
    open_rounds(api.list_rounds())
    open_rounds(api.get_competitions())
    key_names(api.get_account())
    mean_score(api.submission_scores(model_id))
    best_corr(api.daily_model_performances("model"))
    best_corr(signals.daily_model_performances("model"))
    earned(api.pending_model_payouts())
    moved(api.wallet_transactions())
    top(api.get_leaderboard())
    signals_top(signals.get_leaderboard())
    pipeline_started(api.pipeline_status())
    files(api.submission_ids(model_id))
    checked(api.diagnostics(model_id))
    bio(api.public_user_profile("model"))


async def run_async(api: AsyncNumerAPI, model_id: str) -> None:
    open_rounds(await api.list_rounds())
    mean_score(await api.submission_scores(model_id))
    requested(await api.stake_change(1, "increase", model_id))
