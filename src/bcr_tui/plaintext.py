"""Text as bcr keeps it from what people type and what files hand it: no control characters.

An escape sequence in a name, a title or an answer would drive the facilitator's terminal (retitle
it, recolour it, clear it). Names and titles become one line; longer text keeps its newlines and
tabs. Used where text comes in: `session` (typed names and titles), `sessionfile` (files read),
`roster` (rosters pasted or read).
"""

from __future__ import annotations

import unicodedata
from typing import Any


def one_line(text: str) -> str:
    """Text as one line: control characters dropped (an escape sequence in a name would drive the
    facilitator's terminal), runs of whitespace collapsed to one space, trimmed."""
    if text.isprintable():
        return " ".join(text.split())
    return " ".join("".join(ch for ch in text if ch.isspace() or ch.isprintable()
                            or unicodedata.category(ch) != "Cc").split())


def printable(value: Any) -> Any:
    """Text (or lists and tables of text) with control characters dropped, newlines and tabs
    kept: what a file may hand to the terminal. Other values come back unchanged."""
    if isinstance(value, str):
        if value.isprintable():
            return value
        return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        if all(type(v) is str and v.isprintable() for v in value.values()):
            return value  # the common case: a table of point keys
        return {k: printable(v) for k, v in value.items()}
    return value
