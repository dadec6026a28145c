"""numerapi's ``NumerAPI``, ``SignalsAPI`` and ``CryptoAPI``, on the typed client.

Each method calls the typed method of the same name (same arguments, checks,
retries and transfers) and reshapes its result into what numerapi 3.1.1
returns: plain dicts and lists with numerapi's keys, and numerapi's value
types field by field (see ``_values``). The typed client stays reachable as
``.typed`` for moving code over one method at a time.
"""

from __future__ import annotations

import datetime
import logging
import warnings
import weakref
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from .. import _api
from .._config import LOGGER_NAME
from ._errors import public_methods_raise_numerapi_errors
from ._values import Json, convert, records, wire

if TYPE_CHECKING:
    import pandas as pd

    from .._methods.datasets import Filters
    from .._methods.rounds import RoundStatusName
    from .._methods.staking import NmrAmount, StakeAction, StakeChange
    from .._methods.submissions import Timeout

_logger = logging.getLogger(LOGGER_NAME)
CompatT = TypeVar("CompatT", bound="_CompatAPI")

#: Fields numerapi converts, per result shape.
_SCORE_TIMES = (
    "roundResolveTime",
    "roundScoreTime",
    "roundCloseStakingTime",
    "date",
    "resolveDate",
)
_ROUND_TIMES = ("closeTime", "closeStakingTime", "openTime", "scoreTime", "resolveTime")
_PAYOUTS = ("payoutPending", "payoutSettled")
# numerapi's keys, in its order, where the typed face's shared type has more.
_SCORE_KEYS = (
    "roundId",
    "submissionId",
    "roundNumber",
    "roundResolveTime",
    "roundScoreTime",
    "roundCloseStakingTime",
    "value",
    "percentile",
    "displayName",
    "version",
    "date",
    "day",
    "resolveDate",
    "resolved",
)
_ROUND_SCORE_KEYS = (
    "date",
    "day",
    "displayName",
    "payoutPending",
    "payoutSettled",
    "percentile",
    "value",
)
_SUBMISSION_KEYS = ("id", "filename", "insertedAt")
_COMPETITION_KEYS = (
    "number",
    "openTime",
    "resolveTime",
    "resolvedGeneral",
    "resolvedStaking",
)
_CLASSIC_DAILY_KEYS = (
    "date",
    "corrRep",
    "corrRank",
    "mmcRep",
    "mmcRank",
    "fncRep",
    "fncRank",
    "fncV3Rep",
    "fncV3Rank",
    "tcRep",
    "tcRank",
)
_SIGNALS_DAILY_KEYS = (
    "date",
    "corrRank",
    "corrRep",
    "mmcRep",
    "mmcRank",
    "corr20dRep",
    "corr20dRank",
    "corr60Rep",
    "corr60Rank",
    "icRep",
    "icRank",
    "tcRank",
    "tcRep",
    "mmc20dRep",
    "mmc20dRank",
)
_STAKE = {"times": ("dueDate",), "amounts": ("requestedAmount",)}


def _stake_change(change: StakeChange) -> dict[str, Json]:
    """numerapi's dict of a stake change: the API's fields only."""
    fields = change.model_dump(by_alias=True, exclude={"sent_amount"})
    return convert(wire(fields), **_STAKE)


def _date_text(value: Json) -> Json:
    """The ``YYYY-MM-DD`` the API sent for a Date the typed face made a datetime."""
    return value[:10] if isinstance(value, str) else value


class _CompatAPI:
    """numerapi's methods every tournament shares."""

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        public_methods_raise_numerapi_errors(cls)

    _typed_class: ClassVar[type[_api._BaseAPI]]

    def __init__(
        self,
        public_id: str | None = None,
        secret_key: str | None = None,
        verbosity: str = "INFO",
        show_progress_bars: bool = True,
        **options: Any,
    ) -> None:
        typed = self._typed_class(
            public_id,
            secret_key,
            verbosity=verbosity,
            show_progress_bars=show_progress_bars,
            **options,
        )
        #: The typed client these methods run on.
        self.typed = typed
        self.logger = _logger
        # numerapi code never closes its client: close it with this object (or
        # at exit), so its connections never outlive it.
        self._finalizer = weakref.finalize(self, typed.close)

    def close(self) -> None:
        """Close the connections now (they are also closed when collected)."""
        self._finalizer()

    def __enter__(self: CompatT) -> CompatT:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"numerapi_gen.compat.{self.typed!r}"

    # --- numerapi's attributes ------------------------------------------------

    @property
    def tournament_id(self) -> int:
        return self.typed.tournament_id

    @property
    def global_data_dir(self) -> str:
        return self.typed.global_data_dir

    @global_data_dir.setter
    def global_data_dir(self, directory: str) -> None:
        self.typed.global_data_dir = directory

    @property
    def show_progress_bars(self) -> bool:
        return self.typed.show_progress_bars

    @show_progress_bars.setter
    def show_progress_bars(self, value: bool) -> None:
        self.typed.show_progress_bars = value

    # --- queries --------------------------------------------------------------

    def raw_query(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        authorization: bool = False,
        *,
        retries: int = 3,
        delay: float = 5,
        backoff: float = 2,
    ) -> dict[str, Any]:
        return self.typed.raw_query(
            query,
            variables,
            authorization,
            retries=retries,
            delay=delay,
            backoff=backoff,
        )

    def list_datasets(self, round_num: int | None = None) -> list[str]:
        return list(self.typed.list_datasets(round_num))

    def download_dataset(
        self,
        filename: str,
        dest_path: str | None = None,
        round_num: int | None = None,
        filters: Filters | None = None,
    ) -> str:
        return self.typed.download_dataset(filename, dest_path, round_num, filters)

    def set_global_data_dir(self, directory: str) -> None:
        self.typed.set_global_data_dir(directory)

    def get_account(self) -> dict[str, Json]:
        account: dict[str, Json] = wire(self.typed.get_account())
        for model in account.get("models") or ():
            # selected by the typed query to tell tournaments apart
            model.pop("tournament", None)
            for submission in model.get("submissions") or ():
                convert(submission, keep=("id", "filename"))
        return convert(account, times=("insertedAt",), amounts=("availableNmr",))

    def models_of_account(self, account: str) -> dict[str, str]:
        return dict(self.typed.models_of_account(account))

    def public_user_profile(self, username: str) -> dict[str, Json]:
        return convert(
            wire(self.typed.public_user_profile(username)),
            times=("startDate",),
            amounts=("nmrStaked",),
            keep=("id", "startDate", "username", "bio", "nmrStaked"),
        )

    def stake_get(self, username: str) -> Decimal | None:
        return self.typed.stake_get(username)

    def get_models(self, tournament: int | None = None) -> dict[str, str]:
        return dict(self.typed.get_models(tournament))

    def v3_stake_auth(
        self,
        submission_id: str,
        staker: str,
        amount: NmrAmount | None = None,
        max_amount: NmrAmount | None = None,
    ) -> dict[str, Json]:
        result: dict[str, Json] = wire(
            self.typed.v3_stake_auth(submission_id, staker, amount, max_amount)
        )
        return result

    def v3_stake_config(self) -> dict[str, Json]:
        result: dict[str, Json] = wire(self.typed.v3_stake_config())
        return result

    def v3_stake_round(self, round_id: int | str) -> dict[str, Json]:
        result: dict[str, Json] = wire(self.typed.v3_stake_round(round_id))
        return result

    def v3_stake_claim(
        self, round_id: int | str, model_id: str, staker: str
    ) -> dict[str, Json]:
        result: dict[str, Json] = wire(
            self.typed.v3_stake_claim(round_id, model_id, staker)
        )
        return result

    def get_current_round(self, tournament: int | None = None) -> int | None:
        return self.typed.get_current_round(tournament)

    def list_rounds(
        self,
        number: int | None = None,
        target: str | None = None,
        status: RoundStatusName | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Json]]:
        rounds = records(
            self.typed.list_rounds(number, target, status, limit),
            times=_ROUND_TIMES,
            amounts=("payoutFactor",),
        )
        for round_info in rounds:
            for config in round_info.get("roundScoreConfigs") or ():
                convert(config, times=("scoringStart", "scoringEnd"))
        return rounds

    def set_bio(self, model_id: str, bio: str) -> bool:
        return self.typed.set_bio(model_id, bio)

    def set_link(self, model_id: str, link_text: str | None, link: str) -> bool:
        return self.typed.set_link(model_id, link_text, link)

    def wallet_transactions(self) -> list[dict[str, Json]]:
        return records(
            self.typed.wallet_transactions(), times=("time",), amounts=("amount",)
        )

    def set_submission_webhook(self, model_id: str, webhook: str | None = None) -> bool:
        return self.typed.set_submission_webhook(model_id, webhook)

    def upload_diagnostics(
        self,
        file_path: str = "predictions.csv",
        tournament: int | None = None,
        model_id: str | None = "",
        df: pd.DataFrame | None = None,
    ) -> str:
        return self.typed.upload_diagnostics(file_path, tournament, model_id, df)

    def diagnostics(
        self, model_id: str, diagnostics_id: str | None = None
    ) -> list[dict[str, Json]]:
        # numerapi converts ``updatedAt`` only on a dict; the API sends a list
        return records(self.typed.diagnostics(model_id, diagnostics_id), drop=("id",))

    def submission_scores(
        self,
        model_id: str,
        display_name: str | None = None,
        version: str | None = None,
        day: int | None = None,
        resolved: bool | None = None,
        last_n_rounds: int | None = None,
        distinct_on_round: bool | None = None,
    ) -> list[dict[str, Json]]:
        scores = self.typed.submission_scores(
            model_id,
            display_name,
            version,
            day,
            resolved,
            last_n_rounds,
            distinct_on_round,
        )
        return records(scores, times=_SCORE_TIMES, keep=_SCORE_KEYS)

    def pending_model_payouts(self, tournament: int | None = None) -> dict[str, Json]:
        payouts: dict[str, Json] = wire(self.typed.pending_model_payouts(tournament))
        for kind in ("actual", "pending"):
            for payout in payouts.get(kind) or ():
                # a schema Date, which the typed face widens to a datetime
                if "roundResolveTime" in payout:
                    payout["roundResolveTime"] = _date_text(payout["roundResolveTime"])
                convert(
                    payout,
                    times=("roundResolveTime",),
                    amounts=("payoutNmr", "payoutValue"),
                )
        return payouts

    def round_model_performances_v2(self, model_id: str) -> list[dict[str, Json]]:
        warnings.warn(
            "round_model_performances_v2 is deprecated; use submission_scores",
            DeprecationWarning,
            stacklevel=2,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            typed = self.typed.round_model_performances_v2(model_id)
        performances = records(
            typed,
            times=("roundOpenTime", "roundResolveTime"),
            amounts=("atRisk",),
        )
        for performance in performances:
            for score in performance.get("submissionScores") or ():
                convert(
                    score, times=("date",), amounts=_PAYOUTS, keep=_ROUND_SCORE_KEYS
                )
        return performances

    def intra_round_scores(self, model_id: str) -> list[dict[str, Json]]:
        performances = records(self.typed.intra_round_scores(model_id))
        for performance in performances:
            for score in performance.get("intraRoundSubmissionScores") or ():
                convert(
                    score, times=("date",), amounts=_PAYOUTS, keep=_ROUND_SCORE_KEYS
                )
        return performances

    def round_model_performances(self, username: str) -> list[dict[str, Json]]:
        self.logger.warning("Deprecated. Use submission_scores instead.")
        return self.round_model_performances_v2(username)

    def stake_change(
        self, nmr: NmrAmount, action: StakeAction = "decrease", model_id: str = ""
    ) -> dict[str, Json]:
        return _stake_change(self.typed.stake_change(nmr, action, model_id))

    def stake_drain(self, model_id: str | None = None) -> dict[str, Json]:
        result: dict[str, Json] = wire(self.typed.stake_drain(model_id))
        return result

    def stake_decrease(self, nmr: NmrAmount, model_id: str) -> dict[str, Json]:
        return self.stake_change(nmr, "decrease", model_id)

    def stake_increase(self, nmr: NmrAmount, model_id: str) -> dict[str, Json]:
        return self.stake_change(nmr, "increase", model_id)

    def check_round_open(self) -> bool:
        return self.typed.check_round_open()

    def check_new_round(self, hours: int = 12) -> bool:
        return self.typed.check_new_round(hours)

    def get_account_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Json]]:
        return records(
            self.typed.get_account_leaderboard(limit, offset),
            amounts=("nmrStaked", "return1yNmr", "return3mNmr", "returnAllTimeNmr"),
        )

    def modelid_to_modelname(self, model_id: str) -> str:
        return self.typed.modelid_to_modelname(model_id)

    def pipeline_status(
        self, date: str | datetime.date | None = None
    ) -> dict[str, Json]:
        status: dict[str, Json] = wire(self.typed.pipeline_status(date))
        return convert(status, times=[key for key in status if key.endswith("At")])

    def model_upload(
        self,
        file_path: str,
        tournament: int | None = None,
        model_id: str | None = None,
        data_version: str | None = None,
        docker_image: str | None = None,
    ) -> str:
        return self.typed.model_upload(
            file_path, tournament, model_id, data_version, docker_image
        )

    def model_upload_data_versions(self) -> dict[str, str]:
        return dict(self.typed.model_upload_data_versions())

    def model_upload_docker_images(self) -> dict[str, str]:
        return dict(self.typed.model_upload_docker_images())

    def submission_ids(self, model_id: str) -> list[dict[str, Json]]:
        # numerapi converts ``insertedAt`` only on a dict; the API sends a list
        return records(self.typed.submission_ids(model_id), keep=_SUBMISSION_KEYS)

    def download_submission(
        self,
        submission_id: str | None = None,
        model_id: str | None = "",
        dest_path: str | None = "",
    ) -> str:
        return self.typed.download_submission(submission_id, model_id, dest_path)

    def upload_predictions(
        self,
        file_path: str = "predictions.csv",
        model_id: str | None = None,
        df: pd.DataFrame | None = None,
        data_datestamp: int | None = None,
        timeout: Timeout = (10, 600),
    ) -> str:
        return self.typed.upload_predictions(
            file_path, model_id, df, data_datestamp, timeout
        )


public_methods_raise_numerapi_errors(_CompatAPI)


class NumerAPI(_CompatAPI):
    """numerapi's ``NumerAPI`` (Classic, tournament 8) with numerapi's values."""

    _typed_class = _api.NumerAPI
    typed: _api.NumerAPI

    def get_competitions(self, tournament: int = 8) -> list[dict[str, Json]]:
        return records(
            self.typed.get_competitions(tournament),
            times=("openTime", "resolveTime"),
            keep=_COMPETITION_KEYS,
        )

    def get_submission_filenames(
        self,
        tournament: int | None = None,
        round_num: int | None = None,
        model_id: str | None = None,
    ) -> list[dict[str, Json]]:
        return records(
            self.typed.get_submission_filenames(tournament, round_num, model_id)
        )

    def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Json]]:
        return records(
            self.typed.get_leaderboard(limit, offset), amounts=("nmrStaked",)
        )

    def stake_set(self, nmr: NmrAmount, model_id: str) -> dict[str, Json] | None:
        result = self.typed.stake_set(nmr, model_id)
        return None if result is None else _stake_change(result)

    def daily_model_performances(self, username: str) -> list[dict[str, Json]]:
        return records(
            self.typed.daily_model_performances(username),
            times=("date",),
            keep=_CLASSIC_DAILY_KEYS,
        )


class SignalsAPI(_CompatAPI):
    """numerapi's ``SignalsAPI`` (tournament 11) with numerapi's values."""

    _typed_class = _api.SignalsAPI
    typed: _api.SignalsAPI

    def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Json]]:
        # numerapi leaves the Signals leaderboard's amounts as the API's text
        return records(self.typed.get_leaderboard(limit, offset))

    def daily_model_performances(self, username: str) -> list[dict[str, Json]]:
        return records(
            self.typed.daily_model_performances(username),
            times=("date",),
            keep=_SIGNALS_DAILY_KEYS,
        )

    def ticker_universe(self) -> list[str]:
        return list(self.typed.ticker_universe())


class CryptoAPI(_CompatAPI):
    """numerapi's ``CryptoAPI`` (tournament 12) with numerapi's values."""

    _typed_class = _api.CryptoAPI
    typed: _api.CryptoAPI

    def get_leaderboard(
        self, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Json]]:
        return records(
            self.typed.get_leaderboard(limit, offset), amounts=("nmrStaked",)
        )
