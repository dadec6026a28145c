"""File storage for the fake server: dataset blobs, uploads and byte ranges.

Every blob is served from a file on disk so a 1 GiB dataset never sits in
memory; generated and ``bytes`` content is written to the store's temporary
directory on first use. Uploads are streamed to disk with their length and
SHA-256 computed on the way in.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Protocol

__all__ = ["Blob", "BlobSnapshot", "BlobStore", "ByteRange", "Upload", "parse_range"]

_CHUNK = 1024 * 1024


class Readable(Protocol):
    """Anything with ``read(n)``: a socket's rfile, a file, ``BytesIO``."""

    def read(self, size: int = -1, /) -> bytes: ...


_CONTENT_TYPES = {
    ".parquet": "application/octet-stream",
    ".json": "application/json",
    ".csv": "text/csv",
    ".pkl": "application/octet-stream",
}


def content_type_for(name: str) -> str:
    """Best-effort content type from a file name, as S3 would store it."""
    return _CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


@dataclass
class Blob:
    """A downloadable file: its location on disk and its HTTP validators."""

    key: str
    path: Path
    size: int
    etag: str
    last_modified: float
    content_type: str

    @property
    def last_modified_http(self) -> str:
        """``Last-Modified`` header value (RFC 7231 date)."""
        return formatdate(self.last_modified, usegmt=True)


@dataclass
class Upload:
    """An upload slot handed out by an ``*UploadAuth`` query, and what was PUT.

    ``length``/``sha256``/``path`` stay ``None`` until the client uploads.
    """

    key: str
    filename: str
    kind: str
    model_id: str | None
    tournament: int | None
    signature: str = field(repr=False)
    created_at: float = field(default_factory=time.time)
    length: int | None = None
    sha256: str | None = None
    path: Path | None = None
    uploaded_at: float | None = None
    content_type: str | None = None

    @property
    def complete(self) -> bool:
        """Whether a body has been stored for this slot."""
        return self.path is not None

    def read_bytes(self) -> bytes:
        """The uploaded body (tests only; reads the whole file)."""
        if self.path is None:
            raise ValueError(f"nothing uploaded yet for {self.key!r}")
        return self.path.read_bytes()


@dataclass(frozen=True)
class ByteRange:
    """An inclusive byte range ``start``..``end`` of a file of ``size`` bytes."""

    start: int
    end: int
    size: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end}/{self.size}"


_RANGE_RE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class RangeNotSatisfiable(Exception):
    """The ``Range`` header cannot be served (416)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """Parse a single-range ``Range`` header.

    Returns ``None`` when the header is absent, malformed or asks for several
    ranges (RFC 9110 lets a server ignore those and send the whole file);
    raises :class:`RangeNotSatisfiable` when it starts beyond the end.
    """
    if not header:
        return None
    match = _RANGE_RE.match(header)
    if match is None:
        return None
    first, last = match.group(1), match.group(2)
    if first == "" and last == "":
        return None
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return ByteRange(max(0, size - suffix), size - 1, size)
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable(header)
    return ByteRange(start, end, size)


def if_range_matches(if_range: str | None, blob: Blob) -> bool:
    """Whether an ``If-Range`` validator still matches (absent = matches)."""
    if if_range is None:
        return True
    value = if_range.strip()
    if value.startswith(('"', "W/")):
        return value == blob.etag
    try:
        stamp = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return False
    return int(stamp) == int(blob.last_modified)


def _etag_for_digest(digest: str) -> str:
    return f'"{digest[:32]}"'


@dataclass(frozen=True)
class BlobSnapshot:
    """A :class:`BlobStore`'s keys and content at one moment."""

    blobs: dict[str, Blob]
    lazy: dict[str, Callable[[], bytes]]


class BlobStore:
    """Blobs by key, backed by files; owns a temporary directory.

    Lazy blobs (generated datasets, seeded submission files) are produced by a
    factory on first access so that a world can list hundreds of files without
    generating any of them.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._blobs: dict[str, Blob] = {}
        self._lazy: dict[str, Callable[[], bytes]] = {}
        self._tmp: Path | None = None
        self._counter = 0

    def __repr__(self) -> str:
        return f"<BlobStore blobs={len(self._blobs)} lazy={len(self._lazy)}>"

    @property
    def directory(self) -> Path:
        """The store's temporary directory, created on first use."""
        with self._lock:
            if self._tmp is None:
                self._tmp = Path(tempfile.mkdtemp(prefix="fake-numerai-"))
            return self._tmp

    def _new_path(self, hint: str) -> Path:
        with self._lock:
            self._counter += 1
            safe = re.sub(r"[^A-Za-z0-9._-]+", "_", hint)[-60:]
            return self.directory / f"{self._counter:06d}-{safe}"

    def keys(self) -> list[str]:
        with self._lock:
            return sorted(set(self._blobs) | set(self._lazy))

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._blobs or key in self._lazy

    def add_bytes(self, key: str, data: bytes) -> None:
        """Serve ``data`` under ``key``; written to disk when first downloaded."""
        self.add_lazy(key, lambda: data)

    def _materialize(self, key: str, data: bytes) -> Blob:
        path = self._new_path(key)
        path.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        return self._register(key, path, _etag_for_digest(digest), None, keep_lazy=True)

    def add_file(
        self, key: str, path: str | os.PathLike[str], *, content_type: str | None = None
    ) -> Blob:
        """Serve an existing file under ``key`` without copying or reading it."""
        file_path = Path(path).resolve()
        st = file_path.stat()
        tag = f"{st.st_size:x}-{st.st_mtime_ns:x}-{st.st_ino:x}"
        return self._register(key, file_path, f'"{tag}"', content_type)

    def add_lazy(self, key: str, factory: Callable[[], bytes]) -> None:
        """Register content produced by ``factory`` the first time it is needed."""
        with self._lock:
            self._blobs.pop(key, None)
            self._lazy[key] = factory

    def add_upload(self, key: str, upload: Upload) -> Blob:
        """Serve a completed upload back (e.g. a submission download)."""
        if upload.path is None or upload.sha256 is None:
            raise ValueError(f"upload {upload.key!r} has no body")
        return self._register(key, upload.path, _etag_for_digest(upload.sha256), None)

    def _register(
        self,
        key: str,
        path: Path,
        etag: str,
        content_type: str | None,
        *,
        keep_lazy: bool = False,
    ) -> Blob:
        st = path.stat()
        blob = Blob(
            key=key,
            path=path,
            size=st.st_size,
            etag=etag,
            last_modified=float(int(st.st_mtime)),
            content_type=content_type or content_type_for(key),
        )
        with self._lock:
            if not keep_lazy:
                self._lazy.pop(key, None)
            self._blobs[key] = blob
        return blob

    def get(self, key: str) -> Blob | None:
        """The blob for ``key``, generating lazy content on first access."""
        with self._lock:
            blob = self._blobs.get(key)
            if blob is not None:
                return blob
            factory = self._lazy.get(key)
            if factory is None:
                return None
            # Generate under the lock: concurrent first downloads of one dataset
            # must see one file, and generation is only done once per key.
            return self._materialize(key, factory())

    def receive(self, upload: Upload, stream: Readable, length: int) -> Upload:
        """Stream ``length`` bytes from ``stream`` to disk for ``upload``.

        Raises ``ConnectionError`` if the client sends fewer bytes than it
        announced; the partial file is removed.
        """
        path = self._new_path(upload.filename)
        digest = hashlib.sha256()
        remaining = length
        try:
            with path.open("wb") as out:
                while remaining > 0:
                    chunk = stream.read(min(_CHUNK, remaining))
                    if not chunk:
                        raise ConnectionError(
                            f"upload ended after {length - remaining} of {length} bytes"
                        )
                    digest.update(chunk)
                    out.write(chunk)
                    remaining -= len(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        with self._lock:
            if upload.path is not None and upload.path.parent == self._tmp:
                upload.path.unlink(missing_ok=True)
            upload.path = path
            upload.length = length
            upload.sha256 = digest.hexdigest()
            upload.uploaded_at = time.time()
        return upload

    def snapshot(self) -> BlobSnapshot:
        """Which content is served under which key now."""
        with self._lock:
            return BlobSnapshot(dict(self._blobs), dict(self._lazy))

    def restore(self, snapshot: BlobSnapshot, *, keep: set[Path]) -> None:
        """Serve what :meth:`snapshot` recorded; delete files stored since.

        Content generated since from a lazy factory that is still the one
        recorded is kept (no need to generate it again); files in the store's
        directory that are no longer served, and not in ``keep``, are deleted.
        """
        with self._lock:
            blobs, lazy = dict(snapshot.blobs), dict(snapshot.lazy)
            for key, blob in self._blobs.items():
                if (
                    key not in blobs
                    and key in lazy
                    and self._lazy.get(key) is lazy[key]
                ):
                    blobs[key] = blob
            self._blobs, self._lazy = blobs, lazy
            tmp = self._tmp
            keep = keep | {b.path for b in blobs.values()}
        if tmp is not None:
            for path in tmp.iterdir():
                if path not in keep:
                    path.unlink(missing_ok=True)

    def cleanup(self) -> None:
        """Delete the temporary directory and forget every blob stored in it.

        Lazy content survives (it is regenerated on the next download); upload
        bodies do not.
        """
        with self._lock:
            tmp, self._tmp = self._tmp, None
            if tmp is None:
                return
            for key in [k for k, b in self._blobs.items() if b.path.parent == tmp]:
                del self._blobs[key]
        shutil.rmtree(tmp, ignore_errors=True)
