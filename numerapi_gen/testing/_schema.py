"""The schema the fake server answers with, loaded once per process.

It is the schema the client was generated from (``packaged_schema_sdl``),
with the wire formats of the custom scalars attached. Seeding reads its types
to fill records; the GraphQL layer attaches its resolvers to it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from graphql import GraphQLScalarType, GraphQLSchema, build_schema

__all__ = [
    "load_schema",
    "schema_from",
    "serialize_amount",
    "serialize_date",
    "serialize_time",
]


def serialize_time(value: Any) -> Any:
    """``2026-11-27T13:00:00Z``, the way the real API sends ``Time``."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    return value


def serialize_date(value: Any) -> Any:
    """``2026-11-27`` for ``Date``."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def serialize_amount(value: Any) -> Any:
    """``Nmr``/``Usd`` as 18-decimal strings; preformatted strings pass through."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        return f"{value:.18f}"
    return value


@lru_cache(maxsize=1)
def load_schema() -> GraphQLSchema:
    """The packaged schema with the custom scalars' serializers (built once)."""
    from numerapi_gen._schema_tools import packaged_schema_sdl

    return schema_from(packaged_schema_sdl())


def schema_from(sdl: str) -> GraphQLSchema:
    """A schema from SDL with the custom scalars' serializers (no resolvers)."""
    schema = build_schema(sdl)
    for name, serializer in (
        ("Time", serialize_time),
        ("Date", serialize_date),
        ("Nmr", serialize_amount),
        ("Usd", serialize_amount),
    ):
        scalar = schema.type_map[name]
        assert isinstance(scalar, GraphQLScalarType)
        scalar.serialize = serializer  # type: ignore[method-assign]
    return schema
