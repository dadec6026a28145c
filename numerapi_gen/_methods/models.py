"""Looking up models: by account, by name (public profile, stake), by id."""

from __future__ import annotations

from decimal import Decimal

from numerai_graphql import Client, UserProfile

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NotFoundError, NumeraiValidationError
from .._plan import Plan, graphql
from ._docs import REQUEST, documented_like, raises


def models_of_account(account: str, tournament: int) -> Plan[dict[str, str]]:
    """Model name -> id of any account's models, sorted by name."""
    account = _validate.non_empty(account, "account")
    result = yield from graphql(
        Client.get_models_of_account, username=account, tournament=tournament
    )
    if result.account_profile is None:
        raise NotFoundError(f"no account named {account!r}")
    pairs = [
        (model.display_name, model.id)
        for model in result.account_profile.models or ()
        if model is not None and model.display_name is not None and model.id
    ]
    return {name: model_id for name, model_id in sorted(pairs)}


def public_user_profile(username: str, tournament: int) -> Plan[UserProfile]:
    username = _validate.non_empty(username, "username")
    result = yield from graphql(
        Client.get_public_user_profile, model_name=username, tournament=tournament
    )
    if result.v_3_user_profile is None:
        raise NotFoundError(f"no model named {username!r} in tournament {tournament}")
    return result.v_3_user_profile


def model_id_of(username: str, tournament: int) -> Plan[str]:
    """The UUID of the model called ``username`` in ``tournament``."""
    profile = yield from public_user_profile(username, tournament)
    if not profile.id:
        raise NotFoundError(f"the API returned no id for model {username!r}")
    return profile.id


def stake(username: str, tournament: int) -> Plan[Decimal | None]:
    """A model's current stake; None when it has none."""
    username = _validate.non_empty(username, "username")
    result = yield from graphql(
        Client.get_stake, model_name=username, tournament=tournament
    )
    if result.v_3_user_profile is None:
        raise NotFoundError(f"no model named {username!r} in tournament {tournament}")
    return result.v_3_user_profile.stake_value


def model_name(model_id: str) -> Plan[str]:
    model_id = _validate.model_id(model_id)
    result = yield from graphql(
        Client.get_model_name, authenticated=True, model_id=model_id
    )
    if result.model is None or result.model.name is None:
        raise NotFoundError(f"no model with id {model_id}")
    return result.model.name


class ModelMethods(SyncAPIClient):
    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def models_of_account(self, account: str) -> dict[str, str]:
        """Any account's models in this tournament, by name.

        Args:
            account: The account's user name.

        Returns:
            A dict of model name to model id, sorted by name.

        Example:
            >>> api.models_of_account("someone")
            {'someone_1': '...'}
        """
        return self._run(models_of_account(account, self.tournament_id))

    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def public_user_profile(self, username: str) -> UserProfile:
        """A model's public profile in this tournament.

        Args:
            username: The model's name.

        Returns:
            UserProfile (``id`` is the model id; ``stake_value`` its stake).

        Example:
            >>> api.public_user_profile("my_model").start_date
        """
        return self._run(public_user_profile(username, self.tournament_id))

    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def stake_get(self, username: str) -> Decimal | None:
        """A model's current stake in this tournament.

        Args:
            username: The model's name.

        Returns:
            The stake in NMR, or None when the model is not staked.

        Example:
            >>> api.stake_get("my_model")
            Decimal('10')
        """
        return self._run(stake(username, self.tournament_id))

    @raises(NumeraiValidationError, NotFoundError, *REQUEST)
    def modelid_to_modelname(self, model_id: str) -> str:
        """The name of the model with this id.

        Args:
            model_id: The model's id.

        Returns:
            The model's name.

        Example:
            >>> api.modelid_to_modelname(model_id)
            'my_model'
        """
        return self._run(model_name(model_id))


@documented_like(ModelMethods)
class AsyncModelMethods(AsyncAPIClient):
    async def models_of_account(self, account: str) -> dict[str, str]:
        return await self._run(models_of_account(account, self.tournament_id))

    async def public_user_profile(self, username: str) -> UserProfile:
        return await self._run(public_user_profile(username, self.tournament_id))

    async def stake_get(self, username: str) -> Decimal | None:
        return await self._run(stake(username, self.tournament_id))

    async def modelid_to_modelname(self, model_id: str) -> str:
        return await self._run(model_name(model_id))
