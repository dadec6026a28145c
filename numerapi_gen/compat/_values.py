"""numerapi's result values, rebuilt from typed results.

numerapi 3.1.1 returns the API's JSON with a few fields converted per method:
``parse_datetime_string`` (dateutil) for some times and dates,
``parse_float_string`` (``Decimal``, thousands separators removed) for some
amounts; every other value stays as the API sent it (times and amounts as
text, enums as their names). So a typed result is first turned back into the
API's JSON (:func:`wire`), then the same fields are converted as numerapi
converts them (:func:`convert`).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

Json = Any


def wire(value: Any) -> Json:
    """A typed value as the API's JSON carried it (models become dicts)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True)
    if isinstance(value, Mapping):
        return {key: wire(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        text = value.astimezone(datetime.timezone.utc).isoformat()
        return text.removesuffix("+00:00") + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def parse_time(value: Any) -> datetime.datetime | None:
    """numerapi's date/time parsing, by the same parser (dateutil).

    A date alone is a naive midnight; the time zone object is dateutil's, as
    in numerapi's results (equal instants compare equal either way).
    """
    if value is None:
        return None
    import dateutil.parser

    parsed: datetime.datetime = dateutil.parser.parse(value)
    return parsed


def parse_amount(value: Any) -> Decimal | None:
    """numerapi's amount parsing: ``Decimal``, or None when it is not a number."""
    if value is None:
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def convert(
    record: dict[str, Json],
    *,
    times: Iterable[str] = (),
    amounts: Iterable[str] = (),
    drop: Iterable[str] = (),
    keep: Iterable[str] | None = None,
) -> dict[str, Json]:
    """Convert the fields numerapi converts (when present), drop extra keys.

    ``keep``: numerapi's keys in numerapi's order; any other key goes. A typed
    result shares one type per domain concept, which may hold more fields
    than numerapi selected for this method.
    """
    for key in drop:
        record.pop(key, None)
    if keep is not None:
        kept = [(key, record[key]) for key in keep if key in record]
        record.clear()
        record.update(kept)
    for key in times:
        if key in record:
            record[key] = parse_time(record[key])
    for key in amounts:
        if key in record:
            record[key] = parse_amount(record[key])
    return record


def records(
    value: Any,
    *,
    times: Iterable[str] = (),
    amounts: Iterable[str] = (),
    drop: Iterable[str] = (),
    keep: Iterable[str] | None = None,
) -> list[dict[str, Json]]:
    """A typed list as numerapi's list of dicts, converted like :func:`convert`."""
    times, amounts, drop = tuple(times), tuple(amounts), tuple(drop)
    keep = None if keep is None else tuple(keep)
    return [
        convert(item, times=times, amounts=amounts, drop=drop, keep=keep)
        for item in wire(value)
    ]
