"""The session file format, `bcr-session/1`: render a Session to TOML text and parse it back.

The layout is a public contract (see `docs/session-format.md`): people read these files, other
tools parse them, and sessions reopen years later. Rendering is deterministic (same state, same
bytes): participants in roster order, answers in instrument order. The append-only log and the
embedded instrument are rendered once and cached, so a save after one keystroke renders only what
can have changed.
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
from bcr_tui.tomlio import toml_key, toml_value

HEADER = (
    "# A bcr session file (format bcr-session/1), saved after every rating.\n"
    "# Edit it only while no bcr has it open; docs/session-format.md describes every key.\n"
)


# --------------------------------------------------------------------------- rendering


class Renderer:
    """Renders sessions to text, caching the parts that only grow or never change."""

    def __init__(self) -> None:
        self._instrument: tuple[int, str] | None = None
        self._log: list[str] = []
        self._log_source: list[LogEntry] = []
        self._answers: dict[str, tuple[dict[str, Any], str]] = {}

    def render(self, session: Session) -> str:
        """The whole file for `session`."""
        parts = [
            HEADER,
            _head(session),
            _audience(session),
            _participants(session),
            self._answers_text(session),
            _tally(session),
            _notes(session),
            _actions(session),
            self._instrument_text(session.instrument),
            self._log_text(session.log),
        ]
        return "".join(p for p in parts if p)

    def _answers_text(self, session: Session) -> str:
        """The `[ratings.*]` tables; a rater's block is rendered again only when it changed."""
        order = {i.id: n for n, i in enumerate(session.items)}
        out = []
        for who in _rater_order(session):
            answers = session.answers[who]
            cached = self._answers.get(who)
            if cached is None or cached[0] != answers:
                cached = (dict(answers), _rater_block(who, answers, order))
                self._answers[who] = cached
            out.append(cached[1])
        return "".join(out)

    def _instrument_text(self, instrument: Instrument) -> str:
        key = id(instrument.raw)
        if self._instrument is None or self._instrument[0] != key:
            import tomli_w  # here, not at the top: only the first save needs it

            self._instrument = (key, "\n" + tomli_w.dumps({"instrument": dict(instrument.raw)}))
        return self._instrument[1]

    def seed_log(self, log: list[LogEntry], texts: list[str]) -> None:
        """Start from the log as the file has it (`texts[i]`: `log[i]` as written), so the first
        save after opening a big session does not render its whole log again."""
        if len(texts) == len(log):
            self._log, self._log_source = list(texts), list(log)

    def _log_text(self, log: list[LogEntry]) -> str:
        n = len(self._log)
        if n > len(log) or any(
            a is not b for a, b in zip(self._log_source[-3:], log[max(n - 3, 0) : n], strict=False)
        ):
            self._log, self._log_source, n = [], [], 0  # the log was replaced: start again
        self._log.extend(_log_entry(e) for e in log[n:])
        self._log_source.extend(log[n:])
        return "".join(self._log)


def render(session: Session) -> str:
    """The file text for `session` (uncached; see `Renderer` for repeated saves)."""
    return Renderer().render(session)


def _line(key: str, value: Any) -> str:
    return f"{toml_key(key)} = {toml_value(value)}\n"


def _head(s: Session) -> str:
    lines = [
        _line("format", s.format()),
        _line("id", s.id),
        _line("title", s.title),
        _line("community", s.community),
        _line("created", s.created),
        _line("mode", s.mode),
        _line("order", s.order),
        _line("blind", s.blind),
        _line("revealed", [i.id for i in s.items if i.id in s.revealed]),
    ]
    cursor = ["\n[cursor]\n", _line("item", s.cursor.item)]
    if s.cursor.who is not None:
        cursor.append(_line("who", s.cursor.who))
    return "".join(lines + cursor)


def _audience(s: Session) -> str:
    changed = {k: v for k, v in s.audience.items() if AUDIENCE_DEFAULTS.get(k) != v}
    if not changed:
        return ""
    return "\n[audience]\n" + "".join(_line(k, changed[k]) for k in sorted(changed))


def _participants(s: Session) -> str:
    out = []
    for p in s.participants:
        out += ["\n[[participants]]\n", _line("id", p.id), _line("name", p.name)]
        if p.organization:
            out.append(_line("organization", p.organization))
        if p.absent:
            out.append(_line("absent", True))
        if p.profile:
            order = [q.id for q in s.instrument.profile]
            ordered = sorted(p.profile, key=lambda k: (_rank(order, k.removesuffix("-other")), k))
            out.append(_line("profile", {k: p.profile[k] for k in ordered}))
    return "".join(out)


def _rank(order: list[str], key: str) -> int:
    return order.index(key) if key in order else len(order)


def _rater_order(s: Session) -> list[str]:
    """Raters in roster order, then the group."""
    rank = {p.id: n for n, p in enumerate(s.participants)}
    rank[GROUP] = len(rank)
    return sorted(s.answers, key=lambda w: (rank.get(w, len(rank) + 1), w))


def _rater_block(who: str, answers: dict[str, Any], order: dict[str, int]) -> str:
    """One `[ratings.WHO]` table, answers in instrument order."""
    keys = sorted(answers, key=lambda k: (order.get(k, len(order)), k))
    return f"\n{rater_header(who)}\n" + "".join(_line(k, answers[k]) for k in keys)


def rater_header(who: str) -> str:
    """The line that opens a rater's table of answers, as bcr writes it."""
    return f"[ratings.{toml_key(who)}]"


def answer_line(item_id: str, value: Any) -> str:
    """The line of one answer in a rater's table, as bcr writes it (without its line break)."""
    return _line(item_id, value)[:-1]


def _tally(s: Session) -> str:
    order = [i.id for i in s.items]
    out = []
    for item in sorted(s.tally, key=lambda k: (_rank(order, k), k)):
        out.append(f"\n[tally.{toml_key(item)}]\n")
        found = s.instrument.item(item)
        points = [p.key for p in found.scale.points] if found and found.scale else []
        counts = s.tally[item]
        out += [_line(k, counts[k]) for k in sorted(counts, key=lambda k: (_rank(points, k), k))]
    return "".join(out)


def _notes(s: Session) -> str:
    if not s.notes:
        return ""
    return "\n[notes]\n" + "".join(_line(k, s.notes[k]) for k in sorted(s.notes))


def _actions(s: Session) -> str:
    out = []
    for a in s.actions:
        out.append("\n[[actions]]\n")
        out += [
            _line(k, v)
            for k, v in (("step", a.step), ("needs", a.needs), ("owner", a.owner), ("due", a.due))
            if v
        ]
    return "".join(out)


def _log_entry(e: LogEntry) -> str:
    lines = ["\n[[log]]\n", _line("when", e.at), _line("op", e.op), _line("who", e.who)]
    if e.item:
        lines.append(_line("item", e.item))
    if e.old is not None:
        lines.append(_line("old", e.old))
    if e.new is not None:
        lines.append(_line("new", e.new))
    return "".join(lines)


# --------------------------------------------------------------------------- parsing

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
