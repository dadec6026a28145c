"""File transfers: dataset downloads, prediction uploads, upload checks.

Everything here talks to file hosts (S3 / CDN presigned URLs), never to the
GraphQL API, through the client's unauthenticated transfer pool, so API keys
never reach a file host. One module per concern:

* ``_download`` / ``_segments`` / ``_stream`` / ``_state``: resumable,
  verified, atomic, optionally parallel downloads over httpx;
* ``_upload``: streaming PUT with retries;
* ``_checks`` / ``_rules`` / ``_validate``: Numerai's submission rules,
  checked on files (streamed) and DataFrames before upload;
* ``_remote_parquet``: filtered reads of remote parquet files over ranges;
* ``_progress`` / ``_files`` / ``_common``: progress bars, disk, shared bits.
"""

from __future__ import annotations

from ._checks import (
    EXTENSIONS,
    check_upload_file,
    validate_frame,
    write_upload_frame,
)
from ._common import CHUNK_SIZE, DEFAULT_CONNECTIONS, SEGMENT_THRESHOLD, redact
from ._download import download_file
from ._remote_parquet import (
    HTTPRangeFile,
    download_parquet_subset,
    read_remote_parquet,
    write_parquet_atomically,
)
from ._rules import RULES, FrameKind, UploadKind, upload_kind
from ._upload import upload_file

__all__ = [
    "CHUNK_SIZE",
    "DEFAULT_CONNECTIONS",
    "EXTENSIONS",
    "RULES",
    "SEGMENT_THRESHOLD",
    "FrameKind",
    "HTTPRangeFile",
    "UploadKind",
    "check_upload_file",
    "download_file",
    "download_parquet_subset",
    "read_remote_parquet",
    "redact",
    "upload_file",
    "upload_kind",
    "validate_frame",
    "write_parquet_atomically",
    "write_upload_frame",
]
