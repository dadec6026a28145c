"""Plain CSV blocks read with numpy alone, so pyarrow is not even imported.

Importing pyarrow costs about a quarter of an upload's memory budget, and the
CSVs that models write (``id,prediction`` lines of ASCII ids and decimal
numbers) need none of what it offers. A block of whole lines is read here
only when nothing in it could be read differently: ASCII without NUL, lines
ending in LF or CRLF, no empty lines, the same number of fields on every line,
quotes only around whole ids or dates, no id or date that pyarrow would take
for a missing one (``NA``, ``null``, ...), and predictions that are empty or
made of digits, ``.``, ``e``, ``E``, ``+`` and ``-`` only and parse as
numbers. Any other block returns None and goes to pyarrow, which stays the
reference for what a CSV means.
"""

from __future__ import annotations

import numpy as np

from ._validate import _BYTE_MASKS, Batch, Texts, unaligned_words

#: pyarrow's default ``null_values``: text it reads as missing.
NULL_TOKENS = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "n/a",
    "nan",
    "null",
)
#: The bytes a prediction may hold here (anything else: pyarrow decides).
_NUMBER_BYTES = np.zeros(256, dtype=bool)
_NUMBER_BYTES[list(b"\x000123456789.eE+-")] = True  # NUL: the padding
#: Longer predictions go to pyarrow (they are parsed as a rows x width matrix).
_WIDEST_NUMBER = 32
_NEWLINE, _RETURN, _COMMA, _QUOTE = ord("\n"), ord("\r"), ord(","), ord('"')


def _token_words() -> dict[int, np.ndarray]:
    """The null tokens as little-endian words, by length."""
    found: dict[int, list[int]] = {}
    for token in NULL_TOKENS:
        raw = token.encode()
        found.setdefault(len(raw), []).append(int.from_bytes(raw, "little"))
    return {n: np.array(v, dtype=np.uint64) for n, v in found.items()}


_NULL_WORDS = _token_words()


def simple_block(
    lines: bytes, columns: int, ids: int, predictions: int, dates: int | None
) -> Batch | None:
    """The block as a :class:`Batch`, or None if it is not plain (see above).

    ``columns`` is the number of fields per line; ``ids``, ``predictions`` and
    ``dates`` are the indices of the fields to read.
    """
    crlf = b"\r" in lines
    if crlf and lines.count(b"\r") != lines.count(b"\r\n"):
        return None  # a carriage return that is not part of a line end
    data = np.frombuffer(lines, dtype=np.uint8)
    if not len(data) or int(data.max()) >= 0x80 or int(data.min()) == 0:
        return None
    newlines = np.flatnonzero(data == _NEWLINE)
    starts = np.zeros(len(newlines) + 1, dtype=newlines.dtype)
    starts[1:] = newlines + 1
    ends = newlines
    if crlf:
        ends = ends - (data[np.maximum(ends - 1, 0)] == _RETURN)
    if starts[-1] == len(data):
        starts = starts[:-1]  # the block ends with a line end
    else:
        ends = np.append(ends, len(data))  # the last line has none
    if (ends == starts).any():
        return None  # empty lines: pyarrow skips them
    found = np.flatnonzero(data == _COMMA)
    if len(found) != len(ends) * (columns - 1):
        return None
    commas = found.reshape(len(ends), columns - 1)
    if columns > 1 and ((commas[:, 0] < starts).any() or (commas[:, -1] > ends).any()):
        return None  # some line has too many commas and another too few

    def field(index: int) -> tuple[np.ndarray, np.ndarray]:
        first = starts if index == 0 else commas[:, index - 1] + 1
        last = ends if index == columns - 1 else commas[:, index]
        return first, last

    words = unaligned_words(data)
    quotes = lines.count(b'"') if b'"' in lines else 0  # count: a slower scan
    texts: list[Texts] = []
    for index in (ids,) if dates is None else (ids, dates):
        first, last = field(index)
        if quotes:  # "text": the quotes enclose it (and nothing else is quoted)
            wide = last - first >= 2
            opens = data[np.minimum(first, len(data) - 1)] == _QUOTE
            quoted = wide & opens & (data[np.maximum(last - 1, 0)] == _QUOTE)
            quotes -= 2 * int(quoted.sum())
            first, last = first + quoted, last - quoted
        if _looks_missing(words, first, last):
            return None
        texts.append(Texts(first, last, data, None))
    if quotes:
        return None  # quotes elsewhere, or inside a text
    values = _numbers(words, *field(predictions))
    if values is None:
        return None
    return Batch(texts[0], values, "double", texts[1] if dates is not None else None)


def _looks_missing(words: np.ndarray, first: np.ndarray, last: np.ndarray) -> bool:
    """Whether any field is one of pyarrow's null tokens."""
    lengths = last - first
    for length, tokens in _NULL_WORDS.items():
        same = np.flatnonzero(lengths == length)
        if len(same):
            mask = np.uint64((1 << (8 * length)) - 1)
            if np.isin(words[first[same]] & mask, tokens).any():
                return True
    return False


def _numbers(
    words: np.ndarray, first: np.ndarray, last: np.ndarray
) -> np.ndarray | None:
    """The fields as float64 (NaN where empty), or None if any is not plain.

    The fields are gathered 8 bytes at a time into a zero-padded matrix,
    which numpy reads as fixed-width byte strings and parses.
    """
    lengths = last - first
    width = int(lengths.max())
    if width > _WIDEST_NUMBER:
        return None
    count = max((width + 7) // 8, 1)
    grid = np.empty((len(first), count), dtype="<u8")
    end = len(words) - 1
    for k in range(count):
        left = np.clip(lengths - 8 * k, 0, 8)
        grid[:, k] = words[np.minimum(first + 8 * k, end)] & _BYTE_MASKS[left]
    if not _NUMBER_BYTES[grid.view(np.uint8)].all():
        return None
    values = np.full(len(first), np.nan)
    present = lengths > 0
    text = grid.view(f"S{8 * count}").ravel()
    try:
        values[present] = text[present].astype(np.float64)
    except ValueError:
        return None
    return values
