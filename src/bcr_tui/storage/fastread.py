"""Reading the session files bcr writes, fast, by shortcuts taken only where they are safe.

A session file is mostly its ratings and its change log (the last and largest part), in shapes
bcr always writes the same way (`storage/render.py`): one `key = "value"` line per answer, one
`[[log]]` table per change with its keys in a fixed order, every string on one line. Read by a
general TOML parser these are most of the time it takes to open a big session or to roll up many.
Here they are read by patterns that match exactly those shapes, and the embedded instrument
(usually the same in many files) is parsed once. The result is the dictionary the TOML parser
would give.

Anything the patterns do not match exactly (a hand edit, a multi-line string, an escape other than
the simple ones, a log value other than a string, a boolean or a whole number) is not read by
them: the file (or, for the log, `read_log`) is parsed in full the general way, with its precise
error messages. `read_session_head` reads the head, `read_log` the log; `session_data` gives both
as one dictionary, which the tests compare with the TOML parser's.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import tomli

from bcr_tui.errors import BcrError, SessionFileError
from bcr_tui.session.records import LOG_OPS, LogEntry
from bcr_tui.session.state import Session
from bcr_tui.storage.parse import parse
from bcr_tui.tomlio import decode, parse_toml, read_bytes, read_text

_LOG = "\n[[log]]\n"
#: After the first [[log]]: a line that starts with a blank, or with "[" but not [[log]].
_NOT_LOG = re.compile(r"\n(?:[ \t]|\[(?!\[log\]\]\n))")
#: What `_log_start` looks for, in text and in bytes (a roll-up never decodes the log).
_CUT = {
    str: (_LOG, _NOT_LOG, '"""', "'''"),
    bytes: (_LOG.encode(), re.compile(_NOT_LOG.pattern.encode()), b'"""', b"'''"),
}
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
#: The first table header after the ratings that is not one of them.
_NOT_RATINGS = re.compile(r"\n\[(?!ratings\.)")
#: A basic string with only the simple escapes (bcr writes \uXXXX for other control characters;
#: those, rare, go to the full parse).
_STRING = r'"[^"\\\x00-\x1f\x7f]*(?:\\[btnfr"\\][^"\\\x00-\x1f\x7f]*)*"'
_VALUE = rf"{_STRING}|true|false|-?(?:0|[1-9][0-9]*)"
#: One change in the log, exactly as `render._log_entry` writes it.
_ENTRY = re.compile(
    r"\[\[log\]\]\n"
    r"when = (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d))\n"
    r'op = "([a-z-]+)"\n'
    rf"who = ({_STRING})\n"
    rf"(?:item = ({_STRING})\n)?"
    rf"(?:old = ({_VALUE})\n)?"
    rf"(?:new = ({_VALUE})\n)?"
    r"\n?"
)
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
    session, pending = read_session_head(path)
    if log and pending is not None:
        session.log = read_log(pending)[0]
    return session


class PendingLog(NamedTuple):
    """A session file's change log, not read yet (`read_log` reads it)."""

    text: str
    """The whole file as it was read (the log is never read from the disk again)."""
    start: int
    """Where its [[log]] tables start."""
    path: Path


def read_session_head(path: Path) -> tuple[Session, PendingLog | None]:
    """Load a session file with its change log left for later (the session's `log` is empty;
    `read_log` reads it). The meeting's first frame needs the answers, not the history behind
    them: a 200-person session's log is most of its file.

    Where the shortcuts do not apply the whole file is parsed now, log included (None pending).
    """
    text = read_text(path, SessionFileError)
    cut = _log_start(text)
    data = None if cut is None else _head_data(text, cut)
    if data is not None:
        try:  # the embedded instrument is usually one already seen: validated once
            return parse(data, path, _VALIDATED), PendingLog(text, cut + 1, path)
        except BcrError:
            pass
    return parse(parse_toml(text, path, SessionFileError), path), None


def read_log(pending: PendingLog) -> tuple[list[LogEntry], list[str]]:
    """The change log `read_session_head` left, and each entry's text as written (for
    `Renderer.seed_log`). A log the shortcuts cannot read is read by parsing the whole file, so a
    damaged one raises SessionFileError naming the problem as the full parse names it."""
    texts: list[str] = []
    entries = _log_entries(pending.text, pending.start, texts)
    if entries is not None:
        return entries, texts
    return parse(parse_toml(pending.text, pending.path, SessionFileError), pending.path).log, []


def session_data(text: str) -> dict[str, Any] | None:
    """The file's TOML as the shortcuts read it (head and log, as `read_session_head` and
    `read_log` do), or None when a shortcut is not safe; its [[log]] tables already as the
    `LogEntry`s the full parse makes of them."""
    cut = _log_start(text)
    if cut is None:
        return None
    entries = _log_entries(text, cut + 1)
    data = None if entries is None else _head_data(text, cut)
    if data is not None:
        data["log"] = entries
    return data


def _head_data(text: str, cut: int) -> dict[str, Any] | None:
    """The TOML of everything before the [[log]] tables at `cut`, or None (not safe)."""
    parts = _head(text[: cut + 1])
    if parts is None:
        return None
    data, block = parts
    if block is not None:
        ratings = _ratings(block)
        if ratings is None:
            return None
        data["ratings"] = ratings
    return data


def plain_ratings(path: Path) -> tuple[Session, str] | None:
    """For a roll-up: the session without its answers, and its `[ratings.WHO]` tables as the text
    of one block, or None where the shortcut does not apply (then read it with
    `read_session_text`). Everything but the block is validated here; the block is not even
    checked to be bcr's shape (`rolltable` takes only lines written exactly as bcr writes them).
    The change log is not even decoded (most of the file): a damaged log alone goes unnoticed,
    as with `read_session_text(log=False)`. Windows line endings take the shortcut too (`_lf`)."""
    data = _lf(read_bytes(path, SessionFileError))
    cut = None if data is None else _log_start(data)
    if cut is None:
        return None
    head = decode(data[: cut + 1], path, SessionFileError)  # the log is never decoded
    parts = _head(head, check=False)
    if parts is None or parts[1] is None:
        return None
    fields, block = parts
    try:
        return parse(fields, path, _VALIDATED), block
    except BcrError:
        return None


def _lf(data: bytes) -> bytes | None:
    """A file's bytes with Windows line endings (CRLF) as LF, where that means the same TOML: a
    line break is either in TOML, and a carriage return anywhere else (alone) is not valid TOML,
    so a file with one is left to the full parse (None). Multi-line strings, where a parser may
    keep the CR, never take the shortcuts (`_log_start`)."""
    if b"\r" not in data:
        return data
    data = data.replace(b"\r\n", b"\n")
    return None if b"\r" in data else data


def _log_start(text: str | bytes) -> int | None:
    """Where the [[log]] tables start, if only they follow and nothing before is multi-line (in
    a file's text, or in its bytes).

    The cut is safe where the text before it parses on its own (so it is not inside a string or
    an array) and where what follows is only [[log]] tables; bcr itself never writes multi-line
    strings, so a file with one is left to the full parse.
    """
    log, not_log, basic, literal = _CUT[type(text)]
    cut = text.find(log)
    if cut < 0:
        return None
    if not_log.search(text, cut) is not None:
        return None
    if text.find(basic, 0, cut) >= 0 or text.find(literal, 0, cut) >= 0:
        return None
    return cut


def _head(head: str, *, check: bool = True) -> tuple[dict[str, Any], str | None] | None:
    """Everything before the log, parsed, but for a block of ratings written the bcr way (given
    back as text); the embedded instrument parsed once. None if a shortcut is not safe. With
    `check` False the block's lines are not checked (the caller checks them)."""
    try:
        split = head.find(_INSTRUMENT)
        if split < 0 or _NOT_INSTRUMENT.search(head, split + 1) is not None:
            parts = _cut_ratings(head, check)
        else:
            parts = _cut_ratings(head[: split + 1], check)
            if parts is None or "instrument" in parts[0]:
                return None
            part = head[split + 1 :]
            parsed = _INSTRUMENTS.get(part)
            if parsed is None:
                parsed = tomli.loads(part)
                if len(_INSTRUMENTS) >= _INSTRUMENTS_MAX:
                    _INSTRUMENTS.clear()
                    _VALIDATED.clear()
                _INSTRUMENTS[part] = parsed
            parts[0]["instrument"] = parsed["instrument"]
    except (tomli.TOMLDecodeError, RecursionError, KeyError):
        return None
    if parts is None or "log" in parts[0]:
        return None
    return parts


def _cut_ratings(text: str, check: bool = True) -> tuple[dict[str, Any], str | None] | None:
    """`text` parsed but for its block of `[ratings.WHO]` tables if they are written the bcr way
    (then given back as text; else None in its place and the ratings are in the parsed data).
    With `check` False the block is given back unchecked."""
    start = text.find(_RATINGS)
    if start < 0:
        return tomli.loads(text), None
    after = _NOT_RATINGS.search(text, start + 1)
    end = len(text) if after is None else after.start() + 1
    block = text[start + 1 : end]
    if check and _RATINGS_BLOCK.fullmatch(block) is None:
        return tomli.loads(text), None
    # Before and after the block, each parsed on its own: the text before must be complete (so
    # the block does not start inside an array); what follows starts with a table header, so
    # parsed alone it means what it meant in place, unless it reopens a table from before.
    data = tomli.loads(text[: start + 1])
    rest = tomli.loads(text[end:])
    if data.keys() & rest.keys() or "ratings" in data or "ratings" in rest:
        return None
    data.update(rest)
    return data, block


def _ratings(block: str) -> dict[str, dict[str, str]] | None:
    """A block of `[ratings.WHO]` tables as the TOML parser reads it (None: a duplicate)."""
    raters = _rater_pairs(block)
    if raters is None:
        return None
    ratings = {who: dict(pairs) for who, pairs in raters}
    if any(len(ratings[who]) != len(pairs) for who, pairs in raters):
        return None  # an item twice for one person: let the full parse name it
    return ratings


def _rater_pairs(block: str) -> list[tuple[str, list[tuple[str, str]]]] | None:
    """Each `[ratings.WHO]` table's (item, answer) pairs; None if there is text before the first
    header or a header appears twice (the full parse names that)."""
    parts = _RATINGS_SPLIT.split(block)
    whos = parts[1::2]
    if parts[0].strip() or len(set(whos)) != len(whos):
        return None
    return [(who, _PAIR.findall(body)) for who, body in zip(whos, parts[2::2], strict=True)]


def _log_entries(text: str, start: int, texts: list[str] | None = None) -> list[LogEntry] | None:
    """The [[log]] tables from `start` to the end of `text`, as checked `LogEntry`s (what
    `parse` would make of them); None if one is not bcr's shape or not valid. `texts`, if
    given, receives each entry as `render` writes it (a line break, then the table)."""
    out: list[LogEntry] = []
    append, ops, when_of = out.append, LOG_OPS, datetime.fromisoformat
    written: list[str] = []
    pos = start
    try:
        for found in _ENTRY.finditer(text, start):
            if found.start() != pos:
                return None  # something between two tables that is not bcr's shape
            when, op, who, item, old, new = found.groups()
            if op not in ops:
                return None
            # Strings without a backslash (nearly all) need only their quotes taken off.
            append(
                LogEntry(
                    when_of(when),
                    op,
                    who[1:-1] if "\\" not in who else _string(who),
                    "" if item is None else item[1:-1] if "\\" not in item else _string(item),
                    None if old is None else _value(old),
                    None if new is None else _value(new),
                )
            )
            pos = found.end()
            if texts is not None:  # the blank line that ends a table begins the next one
                written.append("\n" + text[found.start() : pos - (text[pos - 2 : pos] == "\n\n")])
    except ValueError:  # a date that does not exist (February 30th): the full parse names it
        return None
    if pos != len(text):
        return None
    if texts is not None:
        texts.extend(written)
    return out


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
