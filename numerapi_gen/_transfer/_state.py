"""The resume sidecar ``<dest>.part.json``: what the ``.part`` file holds.

A partial file is only worth continuing if the remote file is still the same
one, so the sidecar remembers its validator (ETag or Last-Modified, sent back
as ``If-Range``) and size. A segmented download also records each segment's
progress, because a preallocated ``.part`` does not reveal it by its size.
No URL is stored: presigned URLs change per request and carry signatures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ._files import unlink_quietly, write_bytes_atomically

_VERSION = 1


@dataclass
class Segment:
    """Bytes ``start``..``end`` (inclusive); everything before ``pos`` is on disk."""

    start: int
    end: int
    pos: int

    @property
    def done(self) -> bool:
        return self.pos > self.end

    @property
    def received(self) -> int:
        return self.pos - self.start


@dataclass
class PartState:
    """What is known about the remote file the ``.part`` belongs to."""

    total: int | None = None
    validator: str | None = None
    segments: list[Segment] | None = None

    def to_json(self) -> bytes:
        document: dict[str, object] = {
            "version": _VERSION,
            "total": self.total,
            "validator": self.validator,
        }
        if self.segments is not None:
            document["segments"] = [[s.start, s.end, s.pos] for s in self.segments]
        return json.dumps(document).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> PartState | None:
        """The state, or None if the sidecar is unreadable or inconsistent."""
        try:
            document = json.loads(raw)
            if not isinstance(document, dict) or document.get("version") != _VERSION:
                return None
            total = document.get("total")
            validator = document.get("validator")
            if total is not None and (not isinstance(total, int) or total < 0):
                return None
            if validator is not None and not isinstance(validator, str):
                return None
            segments = None
            if "segments" in document:
                segments = [
                    Segment(int(a), int(b), int(c)) for a, b, c in document["segments"]
                ]
                if total is None or not _covers(segments, total):
                    return None
            return cls(total=total, validator=validator, segments=segments)
        except (ValueError, TypeError):
            return None


def _covers(segments: list[Segment], total: int) -> bool:
    """Whether segments tile ``0..total-1`` with sane positions."""
    expected = 0
    for segment in segments:
        if segment.start != expected or segment.end < segment.start:
            return False
        if not segment.start <= segment.pos <= segment.end + 1:
            return False
        expected = segment.end + 1
    return expected == total and bool(segments)


class Sidecar:
    """Reads, writes and removes ``<part>.json``."""

    def __init__(self, part: Path) -> None:
        self.path = part.with_name(part.name + ".json")

    def load(self) -> PartState | None:
        try:
            raw = self.path.read_bytes()
        except OSError:
            return None
        return PartState.from_json(raw)

    def save(self, state: PartState) -> None:
        write_bytes_atomically(self.path, state.to_json())

    def remove(self) -> None:
        unlink_quietly(self.path)
