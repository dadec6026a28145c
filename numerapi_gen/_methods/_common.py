"""Helpers shared by the write-side method modules.

* reshaping a generated result into a hand-written result model;
* the upload flow every file-based write uses: validate the file (or write the
  DataFrame to a temporary file) before any request, ask for an upload slot,
  PUT the file, then create the record. A failed PUT creates nothing; a failed
  creation after a successful PUT raises :class:`SubmissionCreateError` and is
  never retried (it may have reached the server).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pydantic

from .._errors import (
    InvalidResponseError,
    NumeraiError,
    NumeraiValidationError,
    SubmissionCreateError,
    UploadError,
)
from .._plan import Plan, Step, offload, upload
from .._transfer._rules import UploadKind
from .._translate import schema_mismatch

if TYPE_CHECKING:
    import pandas as pd

M = TypeVar("M", bound=pydantic.BaseModel)
T = TypeVar("T")

#: The ``source`` numerapi-gen reports when it creates a submission.
SOURCE = "numerapi-gen"


def given(value: str | None) -> str | None:
    """numerapi's ``""`` defaults mean "not given"."""
    return None if value is None or value == "" else value


def reshape(model: type[M], data: Mapping[str, Any], operation: str) -> M:
    """Validate ``data`` into a hand-written result model."""
    try:
        return model.model_validate(dict(data))
    except pydantic.ValidationError as exc:
        raise schema_mismatch(operation, exc) from exc


@contextlib.contextmanager
def scratch_directory() -> Iterator[Path]:
    """A temporary directory for files written before an upload, then removed."""
    with tempfile.TemporaryDirectory(prefix="numerapi-gen-") as directory:
        yield Path(directory)


def upload_source(
    file_path: str | os.PathLike[str],
    df: pd.DataFrame | None,
    kind: UploadKind,
    scratch: Path,
) -> Plan[Path]:
    """The file to upload, validated before any request.

    With ``df`` the frame is validated and written into ``scratch`` under the
    name of ``file_path``; otherwise ``file_path`` itself is checked. Both read
    or write the disk, so they run off the event loop in async clients.
    """
    from .. import _transfer

    if df is None:
        return Path(
            (yield from offload(_transfer.check_upload_file, file_path, kind=kind))
        )
    if kind == "model":
        raise NumeraiValidationError("a model upload needs a file", argument="df")
    name = os.path.basename(os.fspath(file_path)) or "predictions.csv"
    return (
        yield from offload(
            _transfer.write_upload_frame, df, scratch, kind=kind, filename=name
        )
    )


def compute_headers() -> dict[str, str]:
    """The Compute id header numerapi sends along with prediction uploads."""
    compute_id = os.environ.get("NUMERAI_COMPUTE_ID")
    return {"x_compute_id": compute_id} if compute_id else {}


class UploadSlot(Protocol):
    """What an ``*UploadAuth`` query returns."""

    @property
    def url(self) -> str | None: ...

    @property
    def filename(self) -> str | None: ...


class Created(Protocol):
    """What a create mutation returns."""

    @property
    def id(self) -> str | None: ...


def upload_url(slot: UploadSlot | None, operation: str) -> tuple[str, str]:
    """The upload slot's URL and object name, which must both be present."""
    if slot is None or not slot.url or not slot.filename:
        raise InvalidResponseError(f"{operation}: the API returned no upload URL")
    return slot.url, slot.filename


def put_then_create(
    url: str,
    source: Path,
    headers: Mapping[str, str],
    upload_filename: str,
    create: Generator[Step, Any, T],
    what: str,
    timeout: float | tuple[float, float] | None = None,
) -> Plan[T]:
    """PUT ``source``, then run the ``create`` plan (a mutation) once.

    A failed PUT raises :class:`UploadError` (the transfer's error is its
    cause): nothing was created. An error from ``create`` becomes a
    :class:`SubmissionCreateError` naming the upload.
    """
    try:
        yield from upload(url, source, headers, timeout)
    except UploadError:
        raise
    except NumeraiError as exc:
        raise UploadError(
            f"uploading {source.name} failed, so no {what} was created: {exc}"
        ) from exc
    try:
        return (yield from create)
    except SubmissionCreateError:
        raise
    except NumeraiError as exc:
        raise SubmissionCreateError(
            f"{source.name} was uploaded (as {upload_filename!r}) but creating "
            f"the {what} failed; it was not retried: {exc}",
            upload_filename=upload_filename,
        ) from exc


def created_id(record: Created | None, upload_filename: str, what: str) -> str:
    """The id of a created record; its absence is a failed creation."""
    value = record.id if record is not None else None
    if not value:
        raise SubmissionCreateError(
            f"the file was uploaded (as {upload_filename!r}) but the API returned "
            f"no {what} id",
            upload_filename=upload_filename,
        )
    return value
