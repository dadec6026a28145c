"""Tabular results: typed lists that become pandas DataFrames in one call.

Leaderboards, rounds, scores, payouts and the like are returned as
:class:`Records`, a plain ``list`` of the generated models with one extra
method, ``to_dataframe()``. pandas is imported only then, so importing
numerapi-gen stays fast. Columns are named as numerapi's dict keys (the GraphQL
names) and typed from the schema: times become timezone-aware (UTC) datetime
columns, dates naive datetime columns, NMR/USD amounts ``float64`` (pass
``decimals="object"`` to keep exact ``Decimal`` values), integers the
nullable ``Int64``, booleans the nullable ``boolean``, text ``string``.
"""

from __future__ import annotations

import datetime
import types
import typing
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel

if TYPE_CHECKING:
    import pandas as pd

M = TypeVar("M", bound=BaseModel)

_DTYPES: dict[type, Any] = {
    bool: "boolean",
    int: "Int64",
    float: "float64",
    str: "string",
    datetime.date: "datetime64[ns]",
}


def _scalar_type(annotation: Any) -> type | None:
    """The single scalar type behind Optional[...] / Annotated[...], if any."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _scalar_type(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        # Optional[X], or a union of ways to parse one type (scalars.Amount)
        inner = {_scalar_type(a) for a in get_args(annotation) if a is not type(None)}
        return inner.pop() if len(inner) == 1 else None
    return annotation if isinstance(annotation, type) else None


def to_dataframe(
    records: Iterable[BaseModel],
    *,
    by_alias: bool = True,
    decimals: Literal["float", "object"] = "float",
) -> pd.DataFrame:
    """A DataFrame with one row per model and schema-derived column dtypes."""
    import pandas as pd

    items = list(records)
    if not items:
        return pd.DataFrame()
    model = type(items[0])
    frame = pd.DataFrame([item.model_dump(by_alias=by_alias) for item in items])
    for name, info in model.model_fields.items():
        column = (info.alias or name) if by_alias else name
        if column not in frame.columns:
            continue
        kind = _scalar_type(info.annotation)
        if kind is None:
            continue
        if issubclass(kind, datetime.datetime):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        elif issubclass(kind, Decimal):
            if decimals == "float":
                frame[column] = pd.to_numeric(frame[column].astype("object")).astype(
                    "float64"
                )
        elif kind in _DTYPES:
            frame[column] = frame[column].astype(_DTYPES[kind])
    return frame


class Records(list[M]):
    """A list of result models that converts to a DataFrame in one call."""

    @classmethod
    def present(cls, items: Iterable[M | None] | None) -> Records[M]:
        """The entries of a nullable GraphQL list, without its null ones."""
        return cls(item for item in items or () if item is not None)

    def to_dataframe(
        self,
        *,
        by_alias: bool = True,
        decimals: Literal["float", "object"] = "float",
    ) -> pd.DataFrame:
        return to_dataframe(self, by_alias=by_alias, decimals=decimals)
