"""Read part of a remote parquet file over HTTP range requests.

``download_dataset(filters=...)`` only needs the row groups whose statistics
can match and the columns asked for. pyarrow finds those from the footer, so a
seekable file object that turns reads into ``Range`` requests lets it fetch
just those bytes (numerapi needed fsspec for this).

Range reads must never mix two versions of the remote file. Each one is
conditional on the strong ETag the first answer gave (``If-Range``: a server
whose file changed answers 200 with the whole new file, and a 206 must carry
that same ETag), and a change found that way starts the read over from the
footer of the new version. A weak ETag or a ``Last-Modified`` date cannot tell
two versions apart (a weak ETag may stay while the bytes change; a date has
one-second resolution), so without a strong ETag, as without range support,
the whole file is downloaded to a temporary file and read there: one
response, one version.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .._errors import (
    IncompleteDownloadError,
    NumeraiError,
    NumeraiValidationError,
    TransferError,
)
from ._common import (
    STREAM_ERRORS,
    backoff,
    describe,
    logger,
    parse_content_range,
    redact,
    status_error,
    validator_of,
)
from ._download import download_file
from ._files import atomic_output
from ._lock import destination_lock
from ._stream import open_get, send_get

if TYPE_CHECKING:
    import pyarrow as pa

#: The first request fetches the file's tail: parquet's footer is there.
TAIL_BYTES = 64 * 1024
#: Smallest range requested; pyarrow's own reads are coalesced and larger.
MIN_REQUEST = 64 * 1024
#: Memory the read cache may hold (large reads bypass it).
CACHE_BYTES = 8 * 1024 * 1024


_RETRY_READ: tuple[type[Exception], ...] = (IncompleteDownloadError, *STREAM_ERRORS)


class _RangesUnsafe(Exception):
    """Range reads cannot be used: no range support, or no strong ETag to
    keep them to one version of the file."""


class RemoteFileChanged(TransferError):
    """The remote file was replaced while it was being read by ranges."""


class HTTPRangeFile(io.RawIOBase):
    """A read-only, seekable file whose reads are HTTP range requests.

    Only for a file with a strong ETag (else :class:`_RangesUnsafe`). Each
    request carries ``If-Range`` with that ETag, and each 206 must carry it
    too, so a file replaced mid-read is a :class:`RemoteFileChanged` instead
    of being stitched together from two versions. Dropped connections are
    resumed within the range, up to ``max_retries`` times.
    """

    def __init__(self, client: httpx.Client, url: str, *, max_retries: int) -> None:
        super().__init__()
        self._client = client
        self._url = url
        self._safe_url = redact(url)
        self._max_retries = max(0, max_retries)
        self._pos = 0
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self._cached = 0
        #: Body bytes received so far and requests made: how selective a read was.
        self.bytes_fetched = 0
        self.requests = 0
        self.size = 0
        self._validator = ""
        self.size, self._validator = self._probe()

    # --- io.RawIOBase ----------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._pos + offset
        elif whence == io.SEEK_END:
            position = self.size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if position < 0:
            raise ValueError("negative seek position")
        self._pos = position
        return position

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self._pos
        end = min(self._pos + size, self.size)
        if end <= self._pos:
            return b""
        data = self._read_range(self._pos, end)
        self._pos = end
        return data

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    # --- HTTP ----------------------------------------------------------------------

    def _probe(self) -> tuple[int, str]:
        """Fetch the file's tail (a suffix range), learning size and strong ETag.

        The tail holds parquet's footer, which pyarrow reads first; it is
        cached, so the probe is not an extra request.
        """
        self.requests += 1
        response = send_get(
            self._client,
            self._url,
            {"Accept-Encoding": "identity", "Range": f"bytes=-{TAIL_BYTES}"},
            max_retries=self._max_retries,
        )
        with closing(response):
            if response.status_code == 200:
                raise _RangesUnsafe("it does not support byte ranges")
            if response.status_code == 416:
                raise TransferError(f"{self._safe_url} is empty, not a parquet file")
            if response.status_code != 206:
                raise status_error(response, "GET", self._url)
            parsed = parse_content_range(response.headers.get("Content-Range"))
            if (
                parsed is None
                or parsed.total is None
                or parsed.last != parsed.total - 1
            ):
                raise _RangesUnsafe("it does not support byte ranges")
            validator = validator_of(response)
            if validator is None:
                raise _RangesUnsafe(
                    "it gives no strong ETag to keep range reads to one version"
                )
            self.size, self._validator = parsed.total, validator
            try:
                tail = response.read()
            except STREAM_ERRORS:
                tail = b""
        self.bytes_fetched += len(tail)
        if len(tail) != parsed.last - parsed.first + 1:
            tail = self._fetch(parsed.first, parsed.total)
        self._store(parsed.first, tail)
        return parsed.total, self._validator

    def _read_range(self, start: int, end: int) -> bytes:
        """Bytes ``start``..``end`` (exclusive), from the cache or the server."""
        for block_start, block in self._cache.items():
            if block_start <= start and end <= block_start + len(block):
                self._cache.move_to_end(block_start)
                return block[start - block_start : end - block_start]
        fetch_end = min(self.size, max(end, start + MIN_REQUEST))
        data = self._fetch(start, fetch_end)
        if len(data) <= CACHE_BYTES // 4:
            self._store(start, data)
        return data[: end - start]

    def _store(self, start: int, data: bytes) -> None:
        self._cache[start] = data
        self._cached += len(data)
        while self._cached > CACHE_BYTES and len(self._cache) > 1:
            _, evicted = self._cache.popitem(last=False)
            self._cached -= len(evicted)

    def _fetch(self, start: int, end: int) -> bytes:
        """One ranged GET for ``start``..``end`` (exclusive), resumed if cut."""
        parts: list[bytes] = []
        position = start
        failures = 0
        while position < end:
            self.requests += 1
            response = open_get(
                self._client,
                self._url,
                start=position,
                end=end - 1,
                validator=self._validator,
                max_retries=self._max_retries,
            )
            try:
                with closing(response):
                    self._check(response, position)
                    for piece in response.iter_raw():
                        piece = piece[: end - position]
                        parts.append(piece)
                        position += len(piece)
                        self.bytes_fetched += len(piece)
                        if position >= end:
                            break
                if position < end:
                    raise IncompleteDownloadError(
                        f"body ended at byte {position}, expected {end}"
                    )
            except _RETRY_READ as exc:
                failures += 1
                if failures > self._max_retries:
                    raise IncompleteDownloadError(
                        f"reading bytes {start}-{end - 1} of {self._safe_url} failed "
                        f"after {failures} attempts: {describe(exc)}"
                    ) from exc
                logger.debug(
                    "range read of %s interrupted at byte %d (%s); retry %d of %d",
                    self._safe_url,
                    position,
                    describe(exc),
                    failures,
                    self._max_retries,
                )
                backoff(failures)
        return b"".join(parts)

    def _check(self, response: httpx.Response, position: int) -> None:
        if response.status_code == 200 or (
            response.status_code == 206 and validator_of(response) != self._validator
        ):
            # If-Range did not match (or the server stopped honouring
            # ranges): these bytes may belong to another version.
            raise RemoteFileChanged(f"{self._safe_url} changed while it was being read")
        if response.status_code != 206:
            raise status_error(response, "GET", self._url)
        parsed = parse_content_range(response.headers.get("Content-Range"))
        if parsed is None or parsed.first != position or parsed.total != self.size:
            raise TransferError(
                f"{self._safe_url}: unexpected Content-Range "
                f"{response.headers.get('Content-Range')!r} for a read at {position}"
            )


@contextlib.contextmanager
def _local_copy(client: httpx.Client, url: str, max_retries: int) -> Iterator[Path]:
    """Download the whole file to a temporary directory (no range support)."""
    with tempfile.TemporaryDirectory(prefix="numerapi-gen-") as directory:
        path = Path(directory) / "remote.parquet"
        download_file(
            client,
            url,
            path,
            show_progress=False,
            max_retries=max_retries,
            connections=1,
        )
        yield path


def read_remote_parquet(
    client: httpx.Client,
    url: str,
    *,
    filters: Any = None,
    columns: Sequence[str] | None = None,
    max_retries: int,
) -> pa.Table:
    """The rows of a remote parquet file matching ``filters``, as a pyarrow Table.

    ``filters`` use the pyarrow/pandas DNF syntax (``[("era", "in", [...])]``
    or a list of such lists) or a ``pyarrow.compute`` expression; row groups
    whose statistics rule them out are never downloaded.
    """
    import pyarrow.parquet as pq

    changes = 0
    while True:
        try:
            return _read_by_ranges(pq, client, url, filters, columns, max_retries)
        except _RangesUnsafe as exc:
            logger.info("%s: %s; downloading all of it", redact(url), exc)
            with _local_copy(client, url, max_retries) as path:
                return _read_table(pq, path, filters, columns, url)
        except RemoteFileChanged as exc:
            changes += 1
            if changes > max(0, max_retries):
                raise RemoteFileChanged(
                    f"{exc}; it changed {changes} times, giving up"
                ) from exc
            logger.info("%s; reading the new version from the start", exc)


def _read_by_ranges(
    pq: Any,
    client: httpx.Client,
    url: str,
    filters: Any,
    columns: Sequence[str] | None,
    max_retries: int,
) -> pa.Table:
    """One read over range requests, all of one version of the file."""
    import pyarrow as pa

    with HTTPRangeFile(client, url, max_retries=max_retries) as remote:
        table = _read_table(pq, pa.PythonFile(remote, mode="r"), filters, columns, url)
        logger.debug(
            "read %d rows of %s: %d of %d bytes in %d requests",
            table.num_rows,
            redact(url),
            remote.bytes_fetched,
            remote.size,
            remote.requests,
        )
        return table


def _read_table(pq: Any, source: Any, filters: Any, columns: Any, url: str) -> pa.Table:
    """Read with pushdown; bad footers and bad filters get distinct errors."""
    try:
        pq.read_schema(source)  # the footer; cached, so no extra request
    except (OSError, ValueError) as exc:
        raise TransferError(
            f"{redact(url)} is not a readable parquet file: {exc}"
        ) from exc
    try:
        return pq.read_table(source, filters=filters, columns=columns)
    except NumeraiError:
        raise
    except (ValueError, TypeError, KeyError, NotImplementedError) as exc:
        raise NumeraiValidationError(
            f"invalid filters or columns for {redact(url)}: {exc}", argument="filters"
        ) from exc


def write_parquet_atomically(table: Any, dest: Path) -> Path:
    """Write a pyarrow Table (or pandas DataFrame) to ``dest`` via a temporary file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    dest = Path(dest)
    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table)
    with atomic_output(dest) as temporary:
        pq.write_table(table, temporary)
    return dest


def download_parquet_subset(
    client: httpx.Client,
    url: str,
    dest: Path,
    *,
    filters: Any,
    max_retries: int,
    columns: Sequence[str] | None = None,
) -> Path:
    """Fetch only the matching rows of a remote parquet file into ``dest``.

    Holds ``<dest>.lock`` as :func:`download_file` does, so two writers of one
    destination take turns.
    """
    dest = Path(dest)
    with destination_lock(dest):
        table = read_remote_parquet(
            client, url, filters=filters, columns=columns, max_retries=max_retries
        )
        return write_parquet_atomically(table, dest)
