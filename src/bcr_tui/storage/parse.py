"""Reading a `bcr-session/1` file back into a Session, with every check a damaged, foreign or
hostile file needs.

A file is parsed by TOML first (`tomlio`, or the fast reader `fastread.py`); here the resulting
dictionary is checked key by key and turned into a Session. Anything wrong raises SessionFileError
with one sentence naming where (`is damaged at ratings.p01.q3: …`), never a traceback; every text
is cleaned (`plaintext`) before it can reach a terminal. Writing the file is `render.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bcr_tui.errors import BcrError, InstrumentError, SessionFileError
from bcr_tui.instrument.load import parse_instrument
from bcr_tui.instrument.model import Instrument
from bcr_tui.plaintext import one_line, printable
from bcr_tui.session.records import (
    AUDIENCE_DEFAULTS,
    FORMAT,
    FORMATS,
    GROUP,
    LOG_OPS,
    MODES,
    ORDERS,
    TALLY,
    Action,
    Cursor,
    LogEntry,
    Participant,
)
from bcr_tui.session.state import Session
from bcr_tui.session.values import check_value

REQUIRED = object()
LOG_KEYS = {"when", "op", "who", "item", "old", "new"}
TOP_KEYS = {
    "format",
    "id",
    "title",
    "community",
    "created",
    "mode",
    "order",
    "blind",
    "revealed",
    "audience",
    "cursor",
    "participants",
    "ratings",
    "tally",
    "notes",
    "actions",
    "instrument",
    "log",
}


def parse(
    data: Any,
    path: Path,
    known: dict[int, tuple[Any, Instrument]] | None = None,
) -> Session:
    """Build a Session from a parsed file; raises SessionFileError with one sentence if damaged.

    `known` caches validated instruments by the identity of their parsed document, for callers
    that hand the same (unchanged) document to many sessions, such as a roll-up.
    """
    if not isinstance(data, dict) or "format" not in data:
        raise SessionFileError("is not a bcr session file (it has no format line)", path)
    fmt = data["format"]
    if fmt not in FORMATS:
        if isinstance(fmt, str) and fmt.startswith("bcr-session/"):
            raise SessionFileError(
                f"was written in format {fmt!r} by a newer bcr; this bcr reads {FORMAT!r}", path
            )
        raise SessionFileError(f"is not a bcr session file (its format is {fmt!r})", path)
    try:
        return _Parser(data, path, known).session()
    except BcrError:
        raise
    except RecursionError:
        raise SessionFileError("is damaged: nested too deeply", path) from None


class _Parser:
    def __init__(
        self, data: dict, path: Path, known: dict[int, tuple[Any, Instrument]] | None = None
    ) -> None:
        self.data = data
        self.path = path
        self.known = known

    def fail(self, where: str, message: str) -> SessionFileError:
        return SessionFileError(f"is damaged at {where}: {message}", self.path)

    def get(
        self,
        key: str,
        kind: type | tuple[type, ...],
        default: Any = REQUIRED,
        where: str | None = None,
        table: dict | None = None,
    ) -> Any:
        """`table[key]` checked to be of `kind`; `default` when absent (an error if required)."""
        table = self.data if table is None else table
        where = where or key
        if key not in table:
            if default is REQUIRED:
                raise self.fail(where, "missing")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise self.fail(where, f"expected {_name(kind)}")
        return value

    def session(self) -> Session:
        unknown = sorted(set(self.data) - TOP_KEYS)
        if unknown:
            raise self.fail(unknown[0], "unknown key (written by another program?)")
        raw = self.get("instrument", dict)
        cached = self.known.get(id(raw)) if self.known is not None else None
        try:
            if cached is not None and cached[0] is raw:
                instrument = cached[1]
            else:
                instrument = parse_instrument(raw, self.path)
                if self.known is not None:
                    self.known[id(raw)] = (raw, instrument)
        except InstrumentError as exc:
            raise SessionFileError(
                f"has a damaged embedded instrument ({exc.problems[0]})", self.path
            ) from None
        mode = self.get("mode", str, "round-robin")
        order = self.get("order", str, "item-major")
        if mode not in MODES:
            raise self.fail("mode", f"{mode!r} is not one of {', '.join(MODES)}")
        if order not in ORDERS:
            raise self.fail("order", f"{order!r} is not one of {', '.join(ORDERS)}")
        created = self.get("created", datetime, datetime(1970, 1, 1, tzinfo=UTC))
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        session = Session(
            instrument=instrument,
            title=one_line(self.get("title", str)),
            id=one_line(self.get("id", str)),
            community=one_line(self.get("community", str, "")),
            created=created,
            mode=mode,
            order=order,
            blind=self.get("blind", bool, False),
            participants=self.participants(instrument),
            notes=self.string_table("notes"),
            actions=self.actions(),
            revealed=set(self.strings("revealed")),
        )
        for key, value in self.get("audience", dict, {}).items():
            if key not in AUDIENCE_DEFAULTS or not isinstance(value, bool):
                raise self.fail(f"audience.{key}", "expected names or results = true/false")
            session.audience[key] = value
        self.answers(session)
        self.tallies(session)
        session.log = self.log()
        cursor = self.get("cursor", dict, {})
        item = self.get("item", str, "", "cursor.item", cursor)
        who = cursor.get("who")
        if who is not None and not isinstance(who, str):
            raise self.fail("cursor.who", "expected a string")
        session.cursor = Cursor(item, who)
        return session

    def strings(self, key: str) -> list[str]:
        values = self.get(key, list, [])
        if not all(isinstance(v, str) for v in values):
            raise self.fail(key, "expected a list of strings")
        return values

    def string_table(self, key: str) -> dict[str, str]:
        table = self.get(key, dict, {})
        for k, v in table.items():
            if not isinstance(v, str):
                raise self.fail(f"{key}.{k}", "expected a string")
        if any(one_line(k) != k for k in table):  # keys are item or domain ids
            table = {one_line(k): v for k, v in table.items()}
        return printable(dict(table))

    def participants(self, instrument: Instrument) -> list[Participant]:
        out: list[Participant] = []
        seen: set[str] = set()
        for n, raw in enumerate(self.get("participants", list, [])):
            where = f"participants[{n}]"
            if not isinstance(raw, dict):
                raise self.fail(where, "expected a table")
            extra = set(raw) - {"id", "name", "organization", "absent", "profile"}
            if extra:
                raise self.fail(f"{where}.{sorted(extra)[0]}", "unknown key")
            pid = self.get("id", str, REQUIRED, f"{where}.id", raw)
            if one_line(pid) != pid or not pid:  # bcr writes p01, p02 …: never these
                raise self.fail(f"{where}.id", "not a valid id (control or invisible characters)")
            if pid in seen or pid in (GROUP, TALLY):
                raise self.fail(f"{where}.id", f"duplicate or reserved id {pid!r}")
            seen.add(pid)
            profile = self.get("profile", dict, {}, f"{where}.profile", raw)
            for question, value in profile.items():
                item = instrument.item(question.removesuffix("-other"))
                if item is None or not instrument.is_profile(item.id):
                    raise self.fail(f"{where}.profile.{question}", "no such profile question")
                if question.endswith("-other") and item.id != question:
                    if not isinstance(value, str):
                        raise self.fail(f"{where}.profile.{question}", "expected text")
                elif not check_value(item, value):
                    raise self.fail(f"{where}.profile.{question}", "not a valid answer")
            out.append(
                Participant(  # cleaned: a file must not drive the terminal
                    id=pid,
                    name=one_line(self.get("name", str, REQUIRED, f"{where}.name", raw)),
                    organization=one_line(
                        self.get("organization", str, "", f"{where}.organization", raw)
                    )
                    or None,
                    absent=self.get("absent", bool, False, f"{where}.absent", raw),
                    profile=printable(dict(profile)),
                )
            )
        return out

    def answers(self, session: Session) -> None:
        ratings = self.get("ratings", dict, {})
        known = {p.id for p in session.participants} | {GROUP}
        valid: set[tuple[str, str]] = set()  # (item, answer) pairs already checked: most repeat
        instrument = session.instrument
        for who, answers in ratings.items():
            if who not in known:
                raise self.fail(f"ratings.{who}", "no such participant")
            if not isinstance(answers, dict):
                raise self.fail(f"ratings.{who}", "expected a table")
            try:  # the usual case: every (item, answer) pair already checked for someone else
                seen = valid.issuperset(answers.items())
            except TypeError:  # a list answer (several choices, a table) is not hashable
                seen = False
            if seen:
                session.answers[who] = dict(answers)
                continue
            clean = True  # every value a string that can go to the terminal as it is
            for item_id, value in answers.items():
                if type(value) is str and (item_id, value) in valid:
                    continue  # only printable strings are kept in `valid`
                item = instrument.item(item_id)
                if item is None or instrument.is_profile(item.id):
                    raise self.fail(f"ratings.{who}.{item_id}", "no such item in the instrument")
                if not check_value(item, value):
                    raise self.fail(f"ratings.{who}.{item_id}", f"{value!r} is not a valid answer")
                if type(value) is str and value.isprintable():
                    valid.add((item_id, value))
                else:
                    clean = False
            if answers:
                session.answers[who] = dict(answers) if clean else printable(dict(answers))

    def tallies(self, session: Session) -> None:
        for item_id, counts in self.get("tally", dict, {}).items():
            item = session.instrument.item(item_id)
            if item is None or item.scale is None or not isinstance(counts, dict):
                raise self.fail(f"tally.{item_id}", "no such rated item")
            for key, count in counts.items():
                if (
                    (key != "abstain" and item.scale.point(key) is None)
                    or isinstance(count, bool)
                    or not isinstance(count, int)
                    or count < 0
                ):
                    raise self.fail(f"tally.{item_id}.{key}", "not a count of a scale point")
            session.tally[item_id] = dict(counts)

    def actions(self) -> list[Action]:
        out = []
        for n, raw in enumerate(self.get("actions", list, [])):
            where = f"actions[{n}]"
            if not isinstance(raw, dict) or set(raw) - {"step", "needs", "owner", "due"}:
                raise self.fail(where, "expected step, needs, owner and due")
            out.append(
                Action(
                    **{
                        k: printable(self.get(k, str, "", f"{where}.{k}", raw))
                        for k in ("step", "needs", "owner", "due")
                    }
                )
            )
        return out

    def log(self) -> list[LogEntry]:
        out = []
        keys, ops, append = LOG_KEYS, LOG_OPS, out.append
        for n, raw in enumerate(self.get("log", list, [])):
            if type(raw) is LogEntry:  # read and checked already (fastread)
                append(raw)
                continue
            # The common case, checked inline (a big session has tens of thousands of entries).
            if type(raw) is dict and raw.keys() <= keys:
                at, op = raw.get("when"), raw.get("op")
                who, item = raw.get("who", ""), raw.get("item", "")
                if (
                    type(at) is datetime
                    and at.tzinfo is not None
                    and type(op) is str
                    and op in ops
                    and type(who) is str
                    and type(item) is str
                ):
                    append(LogEntry(at, op, who, item, raw.get("old"), raw.get("new")))
                    continue
            where = f"log[{n}]"
            if not isinstance(raw, dict) or set(raw) - LOG_KEYS:
                raise self.fail(where, "expected when, op, who, item, old and new")
            op = self.get("op", str, REQUIRED, f"{where}.op", raw)
            if op not in LOG_OPS:
                raise self.fail(f"{where}.op", f"unknown operation {op!r}")
            at = self.get("when", datetime, REQUIRED, f"{where}.when", raw)
            out.append(
                LogEntry(
                    at if at.tzinfo else at.replace(tzinfo=UTC),
                    op,
                    self.get("who", str, "", f"{where}.who", raw),
                    self.get("item", str, "", f"{where}.item", raw),
                    raw.get("old"),
                    raw.get("new"),
                )
            )
        return out


def _name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        str: "a string",
        bool: "true or false",
        int: "a whole number",
        dict: "a table",
        list: "an array",
        datetime: "a date and time",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)
