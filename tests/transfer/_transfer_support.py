"""Helpers for the file-transfer tests (imported by conftest and the tests)."""

from __future__ import annotations

import random
from pathlib import Path

from numerapi_gen.testing import FakeNumerai, RecordedRequest

#: Download/upload retry budgets in tests.
MAX_RETRIES = 3
SIGNATURE = "X-Amz-Signature=s3cr3t"


class Files:
    """Blobs on the fake server, and what its file host received."""

    def __init__(self, server: FakeNumerai) -> None:
        self.server = server

    def add(self, key: str, data: bytes) -> str:
        """Serve ``data``; the URL carries a fake signature like a presigned one."""
        self.server.world.blobs.add_bytes(key, data)
        return self.url(key)

    def add_path(self, key: str, path: Path) -> str:
        self.server.world.blobs.add_file(key, path)
        return self.url(key)

    def etag(self, key: str) -> str:
        blob = self.server.world.blobs.get(key)
        assert blob is not None
        return blob.etag

    def url(self, key: str) -> str:
        return f"{self.server.file_url(key)}?{SIGNATURE}&X-Amz-Expires=600"

    def requests(self, method: str | None = None) -> list[RecordedRequest]:
        return [
            r
            for r in self.server.requests
            if r.path.startswith(("/files/", "/uploads/"))
            and (method is None or r.method == method)
        ]

    def gets(self) -> list[RecordedRequest]:
        return self.requests("GET")


def header(request: RecordedRequest, name: str) -> str | None:
    """A request header, case-insensitively."""
    for key, value in request.headers.items():
        if key.lower() == name.lower():
            return value
    return None


def leftovers(directory: Path) -> list[str]:
    """Temporary files and sidecars left in ``directory``."""
    return sorted(
        p.name for p in directory.iterdir() if p.name.endswith((".part", ".json"))
    )


def random_bytes(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)
