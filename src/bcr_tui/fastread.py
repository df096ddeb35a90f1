"""Reading the session files bcr writes, fast, by shortcuts taken only where they are safe.

A session file is mostly its ratings and its change log (the last and largest part), in shapes
bcr always writes the same way (`sessionfile.py`): one `key = "value"` line per answer, one
`[[log]]` table per change with its keys in a fixed order, every string on one line. Read by a
general TOML parser these are most of the time it takes to open a big session or to roll up many.
Here they are read by patterns that match exactly those shapes, and the embedded instrument
(usually the same in many files) is parsed once. The result is the dictionary the TOML parser
would give.

Anything the patterns do not match exactly (a hand edit, a multi-line string, an escape other than
the simple ones, a log value other than a string, a boolean or a whole number) makes
`session_data` return None, and the file is parsed in full the general way, with its precise
error messages (`read_session_text` does both).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli

from bcr_tui.errors import BcrError, SessionFileError
from bcr_tui.session import Session

_LOG = "\n[[log]]\n"
_INSTRUMENT = "\n[instrument]\n"
_RATINGS = "\n[ratings."
#: A header inside the embedded instrument that is not under `instrument.` (a hand edit).
_NOT_INSTRUMENT = re.compile(r"\n[ \t]*\[(?!\[?instrument[.\]])")
_ID = r"[A-Za-z0-9_-]+"
_PLAIN = r'"[^"\\\x00-\x1f\x7f]*"'  # a basic string without escapes or control characters
#: The ratings as bcr writes them: `[ratings.WHO]` headers and `key = "value"` lines only.
_RATINGS_BLOCK = re.compile(rf"(?:\[ratings\.{_ID}\]\n|{_ID} = {_PLAIN}\n|\n)*")
_RATINGS_SPLIT = re.compile(rf"^\[ratings\.({_ID})\]\n", re.M)
_PAIR = re.compile(rf'^({_ID}) = "([^"\n]*)"$', re.M)
#: A basic string with only the simple escapes (bcr writes \uXXXX for other control characters;
#: those, rare, go to the full parse).
_STRING = r'"(?:[^"\\\x00-\x1f\x7f]|\\[btnfr"\\])*"'
_VALUE = rf"{_STRING}|true|false|-?(?:0|[1-9][0-9]*)"
#: One change in the log, exactly as `sessionfile._log_entry` writes it.
_ENTRY = re.compile(
    r"\[\[log\]\]\n"
    r"when = (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d))\n"
    r'op = "([a-z-]+)"\n'
    rf"who = ({_STRING})\n"
    rf"(?:item = ({_STRING})\n)?"
    rf"(?:old = ({_VALUE})\n)?"
    rf"(?:new = ({_VALUE})\n)?"
    r"\n?")
_UNESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
#: Parsed embedded instruments by their text: the sessions of a roll-up mostly share a few.
_INSTRUMENTS: dict[str, dict[str, Any]] = {}
#: Validated instruments by the identity of the parsed documents in `_INSTRUMENTS`.
_VALIDATED: dict[int, tuple[Any, Any]] = {}
_INSTRUMENTS_MAX = 32


def read_session_text(path: Path, *, log: bool = True) -> Session:
    """Load a session file as `store.load_session` does, by the shortcuts where they are safe.

    With `log=False` (a roll-up) the change log is not read at all, so a damaged log alone is not
    noticed. A file the shortcuts cannot read, or one they read but that does not validate, is
    parsed in full, so its problem is named exactly as the full parse names it.
    """
    from bcr_tui.sessionfile import parse
    from bcr_tui.tomlio import parse_toml, read_text

    text = read_text(path, SessionFileError)
    data = session_data(text, log=log)
    if data is not None:
        try:  # the embedded instrument is usually one already seen: validated once
            return parse(data, path, _VALIDATED)
        except BcrError:
            pass
    return parse(parse_toml(text, path, SessionFileError), path)


def session_data(text: str, *, log: bool = True) -> dict[str, Any] | None:
    """The file's TOML (its [[log]] tables only if `log`), or None when a shortcut is not safe.

    The log is cut off only where the text before it parses on its own (so the cut is not inside
    a string or an array) and where what follows is only [[log]] tables; bcr itself never writes
    multi-line strings, so a file with one is left to the full parse.
    """
    cut = text.find(_LOG)
    if cut < 0:
        return None
    # After the first [[log]] only [[log]] headers may start a line with "[" (or blanks).
    if (text.count("\n[", cut) != text.count(_LOG, cut) or text.find("\n ", cut) >= 0
            or text.find("\n\t", cut) >= 0):
        return None
    head = text[:cut + 1]
    if '"""' in head or "'''" in head:
        return None
    entries = _log_entries(text, cut + 1) if log else []
    if entries is None:
        return None
    try:
        data = _head(head)
    except (tomli.TOMLDecodeError, RecursionError, KeyError):
        return None
    if data is None or "log" in data:
        return None
    if log:
        data["log"] = entries
    return data


def _head(head: str) -> dict[str, Any] | None:
    """Everything before the log: the ratings read by pattern, the instrument parsed once."""
    split = head.find(_INSTRUMENT)
    if split < 0 or _NOT_INSTRUMENT.search(head, split + 1) is not None:
        return _without_ratings(head)
    data = _without_ratings(head[:split + 1])
    if data is None or "instrument" in data:
        return None
    part = head[split + 1:]
    parsed = _INSTRUMENTS.get(part)
    if parsed is None:
        parsed = tomli.loads(part)
        if len(_INSTRUMENTS) >= _INSTRUMENTS_MAX:
            _INSTRUMENTS.clear()
            _VALIDATED.clear()
        _INSTRUMENTS[part] = parsed
    data["instrument"] = parsed["instrument"]
    return data


def _without_ratings(text: str) -> dict[str, Any] | None:
    """Parse `text`, reading a block of `[ratings.WHO]` tables written the bcr way by pattern."""
    start = text.find(_RATINGS)
    if start < 0:
        return tomli.loads(text)
    end = start + 1
    while (nxt := text.find("\n[", end)) >= 0 and text.startswith("[ratings.", nxt + 1):
        end = nxt + 1
    end = len(text) if nxt < 0 else nxt + 1
    block = text[start + 1:end]
    if _RATINGS_BLOCK.fullmatch(block) is None:
        return tomli.loads(text)
    tomli.loads(text[:start + 1])  # the block does not start inside an array
    data = tomli.loads(text[:start + 1] + text[end:])
    parts = _RATINGS_SPLIT.split(block)
    ratings: dict[str, dict[str, str]] = {}
    for who, body in zip(parts[1::2], parts[2::2], strict=True):
        pairs = _PAIR.findall(body)
        answers = dict(pairs)
        if who in ratings or len(answers) != len(pairs):
            return None  # a duplicate: let the full parse name it
        ratings[who] = answers
    if "ratings" in data or parts[0].strip():
        return None
    data["ratings"] = ratings
    return data


def _log_entries(text: str, start: int) -> list[dict[str, Any]] | None:
    """The [[log]] tables from `start` to the end of `text`; None if one is not bcr's shape."""
    out = []
    pos = start
    for found in _ENTRY.finditer(text, start):
        if found.start() != pos:
            return None  # something between two tables that is not bcr's shape
        when, op, who, item, old, new = found.groups()
        entry: dict[str, Any] = {"when": datetime.fromisoformat(when), "op": op,
                                 "who": _string(who)}
        if item is not None:
            entry["item"] = _string(item)
        if old is not None:
            entry["old"] = _value(old)
        if new is not None:
            entry["new"] = _value(new)
        out.append(entry)
        pos = found.end()
    return out if pos == len(text) else None


def _string(quoted: str) -> str:
    inner = quoted[1:-1]
    if "\\" not in inner:
        return inner
    return _UNESCAPE.sub(lambda m: _ESCAPED[m.group(1)], inner)


def _value(text: str) -> Any:
    if text[0] == '"':
        return _string(text)
    if text in ("true", "false"):
        return text == "true"
    return int(text)
