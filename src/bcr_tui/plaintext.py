"""Text as bcr keeps it from what people type and what files hand it: no control characters.

An escape sequence in a name, a title or an answer would drive the facilitator's terminal (retitle
it, write its clipboard, clear it); a bidi override (U+202E) would reorder what the room and a
spreadsheet show, and a zero-width character would make two names look the same. One rule, used
wherever text comes in: `session` (typed names and titles), `storage.parse` (files read),
`instrument_validation` (instruments, embedded or not), `roster` (rosters pasted or read), `errors`
(every message naming a file or a key). Names and titles become one line; longer text keeps its
newlines and tabs. Zero-width joiners stay only between two non-ASCII characters (Persian, Indic
scripts and emoji need them; `Ki\u200dm` would only spoof `Kim`).
"""

from __future__ import annotations

import unicodedata
from typing import Any

#: Invisible characters that reorder or hide text: bidi embeddings, overrides, isolates and marks,
#: zero-width space, word joiner and invisible operators, the BOM, deprecated format characters.
INVISIBLE = frozenset(
    "\u061c\u180e\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063"
    "\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\ufeff"
)
_JOINERS = frozenset("\u200c\u200d")


def _clean(text: str, keep: str, space: str) -> str:
    """`text` without control characters (those in `keep` stay), invisible characters and stray
    joiners; line and paragraph separators become `space`."""
    out: list[str] = []
    last = len(text) - 1
    for n, ch in enumerate(text):
        if ch.isprintable() or ch in keep:
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") or ch in INVISIBLE:
            continue
        if category in ("Zl", "Zp"):
            out.append(space)
        elif ch in _JOINERS:
            if (
                out
                and out[-1] > "\x7f"
                and out[-1] not in _JOINERS
                and n < last
                and text[n + 1] > "\x7f"
                and text[n + 1].isprintable()
            ):
                out.append(ch)
        else:
            out.append(ch)  # other format characters (soft hyphen, tags …) and unassigned ones
    return "".join(out)


def one_line(text: str) -> str:
    """Text as one line: control and invisible characters dropped (an escape sequence in a name
    would drive the facilitator's terminal), runs of whitespace collapsed to one space, trimmed."""
    if text.isprintable():
        return " ".join(text.split())
    return " ".join(_clean(text, "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85", " ").split())


def printable(value: Any) -> Any:
    """Text (or lists and tables of text) with control and invisible characters dropped, newlines
    and tabs kept: what a file may hand to the terminal. Other values come back unchanged."""
    if isinstance(value, str):
        if value.isprintable():
            return value
        return _clean(value, "\n\t", "\n")
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        if all(type(v) is str and v.isprintable() for v in value.values()):
            return value  # the common case: a table of point keys
        return {k: printable(v) for k, v in value.items()}
    return value


def label(text: str) -> str:
    """A file name, a key or a path as a message shows it: every character that `printable`
    would drop (and a newline or tab) shown as `?`, as `ls` does, so the name stays recognisable
    but can neither drive the terminal nor break the message's line."""
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch.isprintable()
        or (
            ch not in INVISIBLE
            and ch not in _JOINERS
            and unicodedata.category(ch) not in ("Cc", "Cs", "Zl", "Zp")
        )
        else "?"
        for ch in text
    )


def unclean(text: str) -> list[str]:
    """The characters `printable` would drop from `text`, as `U+001B` (for a checker's
    message); empty if the text is clean."""
    if text.isprintable():
        return []
    kept = printable(text)
    if kept == text:
        return []
    seen: list[str] = []
    for ch in text:
        code = f"U+{ord(ch):04X}"
        if ch not in kept and code not in seen:
            seen.append(code)
    return seen or ["a joiner out of place"]
