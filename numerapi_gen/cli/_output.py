"""Rendering command results: aligned text for people, exact JSON for programs.

Results are first turned into plain Python data: models are dumped by alias,
so keys equal numerapi's dict keys (the GraphQL field names). JSON then writes
datetimes as ISO-8601 and ``Decimal`` amounts as strings, never as floats. The
text form shows a list of records as an aligned table, a single record as
``key: value`` lines and anything else as is.

Standard library only: nothing here may slow down ``numerapi-gen --help``.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import math
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

_NONE = "-"
_MAX_CELL = 60


def to_data(value: Any) -> Any:
    """Plain data: models and dataclasses become dicts, sequences lists.

    Scalars (``Decimal``, datetimes, enums, ...) are kept as they are.
    """
    dump = getattr(value, "model_dump", None)
    if callable(dump):  # a pydantic model; dumped by alias = numerapi's keys
        return to_data(dump(by_alias=True))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_data(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(key): to_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_data(item) for item in value]
    return value


def to_json_value(value: Any) -> Any:
    """JSON-native data, exactly: amounts as strings, times as ISO-8601."""
    data = to_data(value)
    if isinstance(data, dict):
        return {key: to_json_value(item) for key, item in data.items()}
    if isinstance(data, list):
        return [to_json_value(item) for item in data]
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, Decimal):
        return decimal_text(data)
    if isinstance(data, (datetime.date, datetime.time)):  # datetime is a date
        return data.isoformat()
    if isinstance(data, enum.Enum):
        return to_json_value(data.value)
    if isinstance(data, (uuid.UUID, PurePath)):
        return str(data)
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return str(data)


def render_json(value: Any) -> str:
    """``value`` as indented JSON."""
    return json.dumps(
        to_json_value(value), indent=2, ensure_ascii=False, allow_nan=False
    )


def decimal_text(value: Decimal) -> str:
    """An exact decimal in positional notation (never ``1E+1``)."""
    return format(value, "f")


# --- text --------------------------------------------------------------------


def render_text(value: Any) -> str:
    """``value`` for people: a table, ``key: value`` lines, or a scalar."""
    data = to_data(value)
    if isinstance(data, list):
        if not data:
            return "(none)"
        if all(isinstance(item, dict) or item is None for item in data):
            return "\n".join(table(data))
        return "\n".join(scalar_text(item) for item in data)
    if isinstance(data, dict):
        return "\n".join(key_values(data)) if data else "(none)"
    return scalar_text(data)


def scalar_text(value: Any) -> str:
    """One value as text; nested data as compact JSON."""
    if value is None:
        return _NONE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):  # without the API's trailing zeros
        return decimal_text(value.normalize() if value.is_finite() else value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return scalar_text(value.value)
    if isinstance(value, (dict, list)):
        return json.dumps(to_json_value(value), ensure_ascii=False)
    return str(value)


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.6g}"
    if "e" in text and abs(value) >= 1:
        text = f"{value:.0f}"
    return text


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _cell(value: Any) -> str:
    text = " ".join(scalar_text(value).split()) if value is not None else _NONE
    if len(text) > _MAX_CELL:
        text = text[: _MAX_CELL - 3] + "..."
    return text


def table(rows: Iterable[Mapping[str, Any] | None], indent: int = 0) -> list[str]:
    """Records as an aligned table: a header, a rule, one line per record.

    Columns are the union of the records' keys in order of appearance; numeric
    columns are right-aligned.
    """
    records = [row or {} for row in rows]
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    names = list(columns)
    cells = [[_cell(record.get(name)) for name in names] for record in records]
    numeric = [
        any(_is_number(r.get(name)) for r in records)
        and all(r.get(name) is None or _is_number(r.get(name)) for r in records)
        for name in names
    ]
    widths = [
        max([len(name)] + [len(row[i]) for row in cells])
        for i, name in enumerate(names)
    ]

    def line(values: list[str]) -> str:
        parts = [
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        ]
        return (" " * indent + "  ".join(parts)).rstrip()

    header = line(names)
    rule = line(["-" * width for width in widths])
    return [header, rule, *(line(row) for row in cells)]


def key_values(record: Mapping[str, Any], indent: int = 0) -> list[str]:
    """A record as aligned ``key: value`` lines; nested records are indented."""
    pad = " " * indent
    width = max((len(key) for key in record), default=0) + 1
    lines: list[str] = []
    for key, value in record.items():
        label = f"{pad}{key + ':':<{width}}"
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{key}:")
            lines.extend(key_values(value, indent + 2))
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(item, dict) or item is None for item in value)
        ):
            lines.append(f"{pad}{key}:")
            lines.extend(table(value, indent + 2))
        elif isinstance(value, list):
            shown = ", ".join(scalar_text(item) for item in value) or "(none)"
            lines.append(f"{label} {shown}")
        elif isinstance(value, dict):
            lines.append(f"{label} (none)")
        else:
            lines.append(f"{label} {scalar_text(value)}")
    return lines
