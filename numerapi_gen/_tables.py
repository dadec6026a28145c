"""Tabular results: typed lists that become pandas DataFrames in one call.

Leaderboards, rounds, scores, payouts and the like are returned as
:class:`Records`, a plain ``list`` of the generated models with one extra
method, ``to_dataframe()``. pandas is imported only then, so importing
numerapi-gen stays fast.

One rule for every frame:

* **Columns** are the model's fields, in the model's order, named as
  numerapi's dict keys (the GraphQL names, ``roundNumber``), or as the
  models' snake_case attributes (``round_number``) with ``by_alias=False``.
  An empty result has the same columns, so ``df.sort_values("roundNumber")``
  works for a model without scores yet.
* **Types** come from the schema: times are timezone-aware (UTC)
  ``datetime64[us, UTC]``, dates naive ``datetime64[us]``, integers the
  nullable ``Int64``, booleans the nullable ``boolean``, text ``string``;
  nested objects and lists stay Python objects.
* **NMR/USD amounts** are ``float64`` by default, convenient for analysis;
  ``decimals="object"`` keeps them as the exact ``Decimal`` values (for
  anything that moves money).
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


def _typed_column(
    column: pd.Series[Any], kind: type | None, decimals: str
) -> pd.Series[Any]:
    """``column`` (Python objects) with the dtype the schema gives it."""
    import pandas as pd

    if kind is None:
        return column
    if issubclass(kind, datetime.datetime):
        return pd.to_datetime(column, utc=True).astype("datetime64[us, UTC]")
    if issubclass(kind, datetime.date):
        return column.astype("datetime64[us]")
    if issubclass(kind, Decimal):
        if decimals == "float":
            return pd.to_numeric(column.astype("object")).astype("float64")
        return column.astype("object")
    if kind in _DTYPES:
        converted: pd.Series[Any] = column.astype(_DTYPES[kind])
        return converted
    return column


def to_dataframe(
    records: Iterable[BaseModel],
    *,
    by_alias: bool = True,
    decimals: Literal["float", "object"] = "float",
    model: type[BaseModel] | None = None,
) -> pd.DataFrame:
    """A DataFrame with one row per model and schema-derived column dtypes.

    ``model`` gives the columns when ``records`` is empty (otherwise the
    first record's class does); without either the frame has no columns.
    """
    import pandas as pd

    items = list(records)
    if items:
        model = type(items[0])
    if model is None:
        return pd.DataFrame()
    fields = {
        ((info.alias or name) if by_alias else name): info
        for name, info in model.model_fields.items()
    }
    rows = [item.model_dump(by_alias=by_alias) for item in items]
    data = {
        column: _typed_column(
            pd.Series([row.get(column) for row in rows], dtype="object"),
            _scalar_type(info.annotation),
            decimals,
        )
        for column, info in fields.items()
    }
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


class Records(list[M]):
    """A list of result models that converts to a DataFrame in one call.

    ``model`` is the class of the entries, so an empty result still knows its
    columns.
    """

    def __init__(self, items: Iterable[M] = (), model: type[M] | None = None) -> None:
        super().__init__(items)
        self.model = model

    @classmethod
    def present(
        cls, items: Iterable[M | None] | None, model: type[M] | None = None
    ) -> Records[M]:
        """The entries of a nullable GraphQL list, without its null ones."""
        return cls((item for item in items or () if item is not None), model)

    def to_dataframe(
        self,
        *,
        by_alias: bool = True,
        decimals: Literal["float", "object"] = "float",
    ) -> pd.DataFrame:
        """One row per entry; see the module's rule for columns and types."""
        return to_dataframe(
            self, by_alias=by_alias, decimals=decimals, model=self.model
        )
