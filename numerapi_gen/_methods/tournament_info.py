"""Tournament-wide facts: tournaments, round details, overviews, seasons, prices.

``tournament_overview`` reads ``v2TournamentOverview``, which the schema names
as the replacement of the deprecated ``tournamentOverview`` return fields;
``leaderboard_overview`` adds the time series only the per-tournament
overviews have, and selects none of their deprecated fields.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from numerai_graphql import (
    Client,
    LeaderboardOverview,
    RoundDetails,
    SeasonAccountSummary,
    SeasonLeaderboardEntry,
    Tournament,
    TournamentOverview,
    UserScore,
)
from numerai_graphql.base_model import BaseModel
from numerai_graphql.scalars import parse_decimal
from pydantic import BeforeValidator, Field

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import InvalidResponseError, MissingCredentialsError, NotFoundError
from .._plan import Plan, graphql
from .._tables import Records
from ._common import reshape
from ._docs import documented_like, raises

_CLASSIC, _SIGNALS, _CRYPTO = 8, 11, 12

Price = Annotated[Decimal | None, BeforeValidator(parse_decimal)]


class NmrPrice(BaseModel):
    """The latest NMR price in US dollars, as an exact decimal."""

    price_usd: Price = Field(default=None, alias="priceUsd")
    last_updated: str | None = Field(default=None, alias="lastUpdated")


class CurrencyPrice(BaseModel):
    """The latest price of ``base_symbol`` in ``target_symbol``, exact."""

    base_symbol: str | None = Field(default=None, alias="baseSymbol")
    target_symbol: str | None = Field(default=None, alias="targetSymbol")
    price: Price = None
    last_updated: str | None = Field(default=None, alias="lastUpdated")


def tournaments() -> Plan[Records[Tournament]]:
    result = yield from graphql(Client.list_tournaments)
    return Records.present(result.tournaments, Tournament)


def round_details(tournament: int, round_num: int) -> Plan[RoundDetails]:
    number = _validate.positive_int(round_num, "round_num")
    result = yield from graphql(
        Client.get_round_details, round_number=number, tournament=tournament
    )
    if result.round_details is None:
        raise NotFoundError(f"no round {number} in tournament {tournament}")
    return result.round_details


def tournament_overview(
    tournament: int,
) -> Plan[TournamentOverview]:
    result = yield from graphql(
        Client.get_v_2_tournament_overview, tournament=tournament
    )
    if result.v_2_tournament_overview is None:
        raise NotFoundError(f"no overview for tournament {tournament}")
    return result.v_2_tournament_overview


def leaderboard_overview(tournament: int) -> Plan[LeaderboardOverview]:
    overview: BaseModel | None
    if tournament == _SIGNALS:
        signals = yield from graphql(Client.get_signals_leaderboard_overview)
        field, overview = (
            "signalsLeaderboardOverview",
            signals.signals_leaderboard_overview,
        )
    elif tournament == _CRYPTO:
        crypto = yield from graphql(Client.get_cryptosignals_leaderboard_overview)
        field = "cryptosignalsLeaderboardOverview"
        overview = crypto.cryptosignals_leaderboard_overview
    else:
        classic = yield from graphql(Client.get_tournament_overview)
        field, overview = "tournamentOverview", classic.tournament_overview
    if overview is None:
        raise InvalidResponseError(f"{field}: the API returned no overview")
    return reshape(LeaderboardOverview, overview.model_dump(by_alias=True), field)


def nmr_price() -> Plan[NmrPrice]:
    result = yield from graphql(Client.get_latest_nmr_price)
    if result.latest_nmr_price is None:
        raise InvalidResponseError("latestNmrPrice: the API returned no price")
    return reshape(
        NmrPrice, result.latest_nmr_price.model_dump(by_alias=True), "latestNmrPrice"
    )


def currency_price(base_symbol: str, target_symbol: str) -> Plan[CurrencyPrice]:
    base = _validate.non_empty(base_symbol, "base_symbol").strip().upper()
    target = _validate.non_empty(target_symbol, "target_symbol").strip().upper()
    result = yield from graphql(
        Client.get_latest_currency_price, base_symbol=base, target_symbol=target
    )
    price = result.latest_currency_price
    if price is None:
        raise NotFoundError(f"no price of {base} in {target}")
    return reshape(
        CurrencyPrice, price.model_dump(by_alias=True), "latestCurrencyPrice"
    )


def user_scores(model_id: str) -> Plan[Records[UserScore]]:
    model = _validate.model_id(model_id)
    result = yield from graphql(Client.get_user_scores, model_id=model)
    return Records.present(result.user_scores, UserScore)


def season_leaderboard(
    tournament: int, season_year: int, tier_number_lte: int | None
) -> Plan[Records[SeasonLeaderboardEntry]]:
    year = _validate.positive_int(season_year, "season_year")
    tiers = _validate.optional_positive_int(tier_number_lte, "tier_number_lte")
    result = yield from graphql(
        Client.get_season_leaderboard,
        season_year=year,
        tournament=tournament,
        tier_number_lte=tiers,
    )
    return Records.present(result.season_leaderboard, SeasonLeaderboardEntry)


def season_account_summary(
    tournament: int,
) -> Plan[Records[SeasonAccountSummary]]:
    result = yield from graphql(
        Client.get_season_account_summary, authenticated=True, tournament=tournament
    )
    return Records.present(result.season_account_summary, SeasonAccountSummary)


class TournamentInfoMethods(SyncAPIClient):
    def tournaments(self) -> Records[Tournament]:
        """Every Numerai tournament: its number, name and whether it is active.

        Returns:
            One record per tournament (``tournament`` is the number the clients'
            ``tournament_id`` uses: 8 Classic, 11 Signals, 12 Crypto).

        Raises:
            NumeraiError: the request failed.

        Example:
            >>> {t.tournament: t.name for t in api.tournaments()}
            {8: 'classic', 11: 'signals', 12: 'crypto'}
        """
        return self._run(tournaments())

    def round_details(self, round_num: int) -> RoundDetails:
        """A round of this tournament in detail: times, totals, every model's scores.

        Args:
            round_num: the round number (not its id), e.g. ``1042``.

        Returns:
            The round's schedule (``open_time`` ... ``round_resolve_time``), its
            totals (``total_at_stake``, ``total_payout``, ...), the payout
            multipliers, score histograms, and one entry per model in ``models``.

        Raises:
            NumeraiValidationError: ``round_num`` is not a positive integer.
            NotFoundError: the tournament has no such round.

        Example:
            >>> details = api.round_details(1042)
            >>> details.total_submitted, len(details.models or [])
            (8123, 8123)
        """
        return self._run(round_details(self.tournament_id, round_num))

    def tournament_overview(self) -> TournamentOverview:
        """This tournament's current totals and stake-weighted returns.

        Reads ``v2TournamentOverview``, the replacement the schema names for the
        deprecated fields of ``tournamentOverview``.

        Returns:
            Accounts, stakes, NMR at stake and at risk (``Decimal``), the returns
            over one day, three months, one year and all time, and the daily counts
            of staked accounts and models.

        Raises:
            NotFoundError: the API has no overview for this tournament.

        Example:
            >>> api.tournament_overview().total_at_stake
            Decimal('5123456.78')
        """
        return self._run(tournament_overview(self.tournament_id))

    def leaderboard_overview(self) -> LeaderboardOverview:
        """This tournament's totals with their daily history (returns, NMR at stake).

        Classic reads ``tournamentOverview``, Signals ``signalsLeaderboardOverview``
        and Crypto ``cryptosignalsLeaderboardOverview``; the result has one type for
        all three, and none of their deprecated fields.

        Returns:
            The totals of :meth:`tournament_overview` plus ``returns_values`` and
            ``total_at_stake_values``, one entry per day.

        Raises:
            InvalidResponseError: the API returned no overview.

        Example:
            >>> history = api.leaderboard_overview().total_at_stake_values
            >>> history[-1].value
            Decimal('5123456.78')
        """
        return self._run(leaderboard_overview(self.tournament_id))

    def nmr_price(self) -> NmrPrice:
        """The latest NMR price in US dollars.

        Returns:
            ``price_usd`` as an exact ``Decimal`` and ``last_updated`` as the API
            sends it.

        Raises:
            InvalidResponseError: the API returned no price.

        Example:
            >>> api.nmr_price().price_usd
            Decimal('8.42')
        """
        return self._run(nmr_price())

    def currency_price(self, base_symbol: str, target_symbol: str) -> CurrencyPrice:
        """The latest price of one currency in another, e.g. NMR in USD.

        Args:
            base_symbol: the currency priced, e.g. ``"NMR"`` (case-insensitive).
            target_symbol: the currency of the price, e.g. ``"USD"``.

        Returns:
            ``price`` as an exact ``Decimal``, the two symbols and ``last_updated``.

        Raises:
            NumeraiValidationError: a symbol is empty.
            NotFoundError: the API has no price for this pair.

        Example:
            >>> api.currency_price("NMR", "USD").price
            Decimal('8.42')
        """
        return self._run(currency_price(base_symbol, target_symbol))

    def user_scores(self, model_id: str) -> Records[UserScore]:
        """A model's daily rank and reputation history.

        Args:
            model_id: the model's id (a UUID; see :meth:`get_models`).

        Returns:
            One record per day and score (``date``, ``display_name``, ``rank``,
            ``staked_rank``, ``reputation``), oldest first.

        Raises:
            NumeraiValidationError: ``model_id`` is not a UUID.
            GraphQLError: the API knows no such model.

        Example:
            >>> api.user_scores(model_id).to_dataframe().tail()
        """
        return self._run(user_scores(model_id))

    def season_leaderboard(
        self, season_year: int, tier_number_lte: int | None = None
    ) -> Records[SeasonLeaderboardEntry]:
        """The accounts' season ranking in this tournament, tier by tier.

        Args:
            season_year: the season, e.g. ``2026``.
            tier_number_lte: only tiers numbered up to this one (None: all tiers).

        Returns:
            The season with its ``tiers``; each tier's ``leaderboard`` lists the
            accounts with their season score and ranks.

        Raises:
            NumeraiValidationError: an argument is not a positive integer.

        Example:
            >>> season = api.season_leaderboard(2026, tier_number_lte=1)[0]
            >>> season.tiers[0].leaderboard[0].account_username
            'someone'
        """
        return self._run(
            season_leaderboard(self.tournament_id, season_year, tier_number_lte)
        )

    @raises(MissingCredentialsError)
    def season_account_summary(
        self,
    ) -> Records[SeasonAccountSummary]:
        """Your account's standing in this tournament's seasons.

        Returns:
            One record per season: dates, rounds left, how many qualifying
            submissions you have and need, your ranks and title.

        Example:
            >>> summary = api.season_account_summary()[-1]
            >>> summary.num_qualifying_submissions, summary.min_qualifying_submissions
            (12, 20)
        """
        return self._run(season_account_summary(self.tournament_id))


@documented_like(TournamentInfoMethods)
class AsyncTournamentInfoMethods(AsyncAPIClient):
    async def tournaments(self) -> Records[Tournament]:
        return await self._run(tournaments())

    async def round_details(self, round_num: int) -> RoundDetails:
        return await self._run(round_details(self.tournament_id, round_num))

    async def tournament_overview(self) -> TournamentOverview:
        return await self._run(tournament_overview(self.tournament_id))

    async def leaderboard_overview(self) -> LeaderboardOverview:
        return await self._run(leaderboard_overview(self.tournament_id))

    async def nmr_price(self) -> NmrPrice:
        return await self._run(nmr_price())

    async def currency_price(
        self, base_symbol: str, target_symbol: str
    ) -> CurrencyPrice:
        return await self._run(currency_price(base_symbol, target_symbol))

    async def user_scores(self, model_id: str) -> Records[UserScore]:
        return await self._run(user_scores(model_id))

    async def season_leaderboard(
        self, season_year: int, tier_number_lte: int | None = None
    ) -> Records[SeasonLeaderboardEntry]:
        return await self._run(
            season_leaderboard(self.tournament_id, season_year, tier_number_lte)
        )

    async def season_account_summary(
        self,
    ) -> Records[SeasonAccountSummary]:
        return await self._run(season_account_summary(self.tournament_id))
