"""Reading a request's header block without the ``email`` package.

``http.server`` hands every header block to ``email.parser``, which is built
for mail (MIME detection, defects, folding) and was a quarter of the fake
server's time per small request. Plain ``Name: value`` lines are split here
and stored with ``Message.set_raw``, giving the values the email parser would
give; anything unusual (folded lines, odd names) goes through the email parser
exactly as the standard library does.
"""

from __future__ import annotations

import email.parser
import io
import re
from http.client import HTTPException, HTTPMessage, LineTooLong

__all__ = ["MAX_HEADERS", "MAX_LINE", "read_headers"]

#: The standard library's limits (``http.client._MAXLINE``/``_MAXHEADERS``).
MAX_LINE = 65536
MAX_HEADERS = 100

# A field name as email's parser recognises one: printable ASCII, no colon.
_PLAIN_NAME = re.compile(r"[!-9;-~]+")


def read_headers(rfile: io.BufferedIOBase) -> HTTPMessage:
    """Read header lines up to the blank line; raise as ``http.client`` does.

    ``LineTooLong`` for a line over :data:`MAX_LINE` bytes, ``HTTPException``
    for more than :data:`MAX_HEADERS` lines.
    """
    lines = _buffered_lines(rfile) or []
    while not lines or lines[-1] not in (b"\r\n", b"\n", b""):
        line = rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise HTTPException(f"got more than {MAX_HEADERS} headers")
    message = HTTPMessage()
    for line in lines[:-1]:
        text = line.decode("iso-8859-1")
        name, colon, value = text.partition(":")
        if not colon or _PLAIN_NAME.fullmatch(name) is None:
            return _parse_with_email(lines)
        message.set_raw(name, value.lstrip(" \t").rstrip("\r\n"))
    return message


def _buffered_lines(rfile: io.BufferedIOBase) -> list[bytes] | None:
    """The header lines in one read when the whole block is already buffered
    (it usually arrives with the request line); None to read line by line."""
    peek = getattr(rfile, "peek", None)
    if peek is None:
        return None
    buffered: bytes = peek(0)
    if buffered.startswith(b"\r\n"):  # no header lines at all
        rfile.read(2)
        return [b"\r\n"]
    end = buffered.find(b"\r\n\r\n", 0, MAX_LINE)
    if end < 0:
        return None
    block = buffered[: end + 4]
    count = block.count(b"\r\n")
    if block.count(b"\n") != count or count > MAX_HEADERS:
        return None  # bare LFs or too many lines: the careful path decides
    lines = [line + b"\r\n" for line in block[:-4].split(b"\r\n")]
    lines.append(b"\r\n")
    rfile.read(len(block))
    return lines


def _parse_with_email(lines: list[bytes]) -> HTTPMessage:
    text = b"".join(lines).decode("iso-8859-1")
    parsed = email.parser.Parser(_class=HTTPMessage).parsestr(text)
    assert isinstance(parsed, HTTPMessage)
    return parsed
