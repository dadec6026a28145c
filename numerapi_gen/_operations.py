"""Which operations a GraphQL document defines, without graphql-core.

Retrying a request safely needs one fact: is the operation it runs a query
or a mutation. Importing graphql-core to learn it cost the first API call of
every process ~100 ms; this scanner reads only the top level of a document
(definitions start at the beginning and after each top-level ``}``) and
gives up, returning None, on anything it does not recognise, so callers can
fall back to a real parser.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_LINE_END = re.compile(r"[\r\n]")
_IGNORED = frozenset(" \t\n\r,\ufeff")
OPERATION_KINDS = frozenset({"query", "mutation", "subscription"})


def top_level_operations(document: str) -> list[tuple[str, str | None]] | None:
    """``(kind, name)`` of each operation, in order; None if unsure."""
    operations: list[tuple[str, str | None]] = []
    braces = parens = 0
    at_definition = True  # the next token starts a definition
    naming: int | None = None  # index of the operation awaiting its name
    i, end = 0, len(document)
    while i < end:
        char = document[i]
        if char in _IGNORED:
            i += 1
        elif char == "#":
            newline = _LINE_END.search(document, i)
            i = end if newline is None else newline.end()
        elif char == '"':
            i = _skip_string(document, i)
            if i < 0:
                return None
            naming = None
        elif (match := _NAME.match(document, i)) is not None:
            word = match.group()
            i = match.end()
            if naming is not None:
                operations[naming] = (operations[naming][0], word)
                naming = None
            elif braces == 0 and parens == 0 and at_definition:
                if word in OPERATION_KINDS:
                    operations.append((word, None))
                    naming = len(operations) - 1
                elif word != "fragment":
                    return None  # a schema definition or a syntax error
                at_definition = False
        else:
            naming = None
            if char == "{":
                if braces == 0 and parens == 0 and at_definition:
                    operations.append(("query", None))  # the shorthand form
                    at_definition = False
                braces += 1
            elif char == "}":
                braces -= 1
                if braces < 0:
                    return None
                at_definition = braces == 0 and parens == 0
            elif char == "(":
                parens += 1
            elif char == ")":
                parens -= 1
                if parens < 0:
                    return None
            i += 1
    if braces or parens or not at_definition:
        return None
    return operations


def _skip_string(document: str, start: int) -> int:
    """The index after the string literal at ``start``; -1 if unterminated."""
    if document.startswith('"""', start):
        i = start + 3
        while True:
            close = document.find('"""', i)
            if close < 0:
                return -1
            if document[close - 1] != "\\":  # \""" is an escaped quote
                return close + 3
            i = close + 3
    i = start + 1
    while i < len(document):
        char = document[i]
        if char == "\\":
            i += 2
        elif char == '"':
            return i + 1
        elif char in "\r\n":
            return -1
        else:
            i += 1
    return -1
