"""An installed client meeting an API that dropped a field: SchemaDriftError."""

from __future__ import annotations

import pytest
from _read_support import MODES, make_api

from numerapi_gen import GraphQLError, SchemaDriftError
from numerapi_gen._errors import GraphQLErrorDetail
from numerapi_gen._translate import graphql_error
from numerapi_gen.testing import FakeNumerai


@pytest.mark.parametrize("mode", MODES)
def test_a_dropped_field_raises_schema_drift_naming_it(
    server: FakeNumerai, mode: str
) -> None:
    server.drop_field("Round.roundScoreConfigs")
    for api in make_api(server, "classic", mode):
        with pytest.raises(SchemaDriftError) as info:
            api.list_rounds()
    error = info.value
    assert isinstance(error, GraphQLError)
    assert error.operation == "list_rounds"  # the operation, by its method name
    assert error.missing == ("field Round.roundScoreConfigs",)
    text = str(error)
    assert text.startswith("list_rounds uses what the API no longer has: field ")
    assert "upgrade it (pip install --upgrade numerapi-gen)" in text
    assert "`numerapi-gen schema diff` shows what changed" in text
    assert "Cannot query field 'roundScoreConfigs' on type 'Round'" in text
    # other operations are unaffected; restoring (or resetting) heals it
    for api in make_api(server, "classic", "sync"):
        assert api.list_datasets()  # no Round in it
        server.restore_schema()
        assert api.list_rounds()
        server.drop_field("Round.roundScoreConfigs")
        server.reset()
        assert api.list_rounds()


def test_drop_field_refuses_an_unknown_field(server: FakeNumerai) -> None:
    with pytest.raises(ValueError, match=r"no field Round\.noSuchField"):
        server.drop_field("Round.noSuchField")


@pytest.mark.parametrize(
    ("message", "missing"),
    [
        # the real API (Absinthe) quotes with ", graphql-core with '
        ('Cannot query field "username" on type "Account".', "field Account.username"),
        (
            "Unknown argument 'limit' on field 'RootQueryType.rounds'.",
            "argument limit of RootQueryType.rounds",
        ),
        ('Unknown type "RoundStatus".', "type RoundStatus"),
    ],
)
def test_validation_messages_that_name_something_gone(
    message: str, missing: str
) -> None:
    error = graphql_error(
        [{"message": message}], None, "ListRounds", sent_credentials=False
    )
    assert isinstance(error, SchemaDriftError)
    assert error.missing == (missing,)
    assert error.errors == (GraphQLErrorDetail(message),)


def test_other_graphql_errors_are_not_drift() -> None:
    error = graphql_error(
        [{"message": "Argument 'tournament' has invalid value \"eight\"."}],
        None,
        "ListRounds",
        sent_credentials=False,
    )
    assert type(error) is GraphQLError
