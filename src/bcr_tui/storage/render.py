"""Writing a Session as a `bcr-session/1` file: the TOML text bcr saves after every rating.

The layout is a public contract (see `docs/session-format.md`): people read these files, other
tools parse them, and sessions reopen years later. Rendering is deterministic (same state, same
bytes): participants in roster order, answers in instrument order. The append-only log and the
embedded instrument are rendered once and cached, so a save after one keystroke renders only what
can have changed. Reading the text back, with its checks, is `parse.py`; the fast reader
(`fastread.py`) relies on the exact shapes written here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bcr_tui.instrument.model import Instrument
from bcr_tui.session.records import AUDIENCE_DEFAULTS, GROUP, LogEntry
from bcr_tui.session.state import Session
from bcr_tui.tomlio import toml_key, toml_value

HEADER = (
    "# A bcr session file (format bcr-session/1), saved after every rating.\n"
    "# Edit it only while no bcr has it open; docs/session-format.md describes every key.\n"
)


class Renderer:
    """Renders sessions to text, caching the parts that only grow or never change."""

    def __init__(self) -> None:
        self._instrument: tuple[int, bytes] | None = None
        self._log: list[bytes] = []
        self._log_source: list[LogEntry] = []
        self._answers: dict[str, _Block] = {}

    def render(self, session: Session) -> str:
        """The whole file for `session`."""
        return self.render_bytes(session).decode("utf-8")

    def render_bytes(self, session: Session) -> bytes:
        """The whole file for `session`, in UTF-8, as it is saved. The cached parts are kept
        encoded: a save of a 200 × 50 session (0.7 MB) joins bytes instead of encoding the text
        again (~1.5 ms, in one call that holds Python's lock all along)."""
        return b"".join(
            [
                _utf8(HEADER, _head(session), _audience(session), _participants(session)),
                *self._blocks(session),
                _utf8(_tally(session), _notes(session), _actions(session)),
                self._instrument_bytes(session.instrument),
                *self._log_bytes(session.log),
            ]
        )

    def _blocks(self, session: Session) -> list[bytes]:
        """Each rater's table, in order; a block is joined again only when it changed, from its
        lines, of which only the changed ones are rendered again (a burst of phone votes changes
        one line in each of 200 blocks of 50)."""
        order = {i.id: n for n, i in enumerate(session.items)}
        out = []
        for who in _rater_order(session):
            answers = session.answers[who]
            block = self._answers.get(who)
            if block is None:
                block = self._answers[who] = _Block(who)
            if block.answers != answers:
                block.update(answers, order)
            out.append(block.text)
        return out

    def _instrument_bytes(self, instrument: Instrument) -> bytes:
        key = id(instrument.raw)
        if self._instrument is None or self._instrument[0] != key:
            import tomli_w  # here, not at the top: only the first save needs it

            text = "\n" + tomli_w.dumps({"instrument": dict(instrument.raw)})
            self._instrument = (key, text.encode("utf-8"))
        return self._instrument[1]

    def seed_log(self, log: list[LogEntry], texts: list[str]) -> None:
        """Start from the log as the file has it (`texts[i]`: `log[i]` as written), so the first
        save after opening a big session does not render its whole log again."""
        if len(texts) == len(log):
            self._log, self._log_source = [t.encode("utf-8") for t in texts], list(log)

    def warm(self, session: Session, raters: Iterable[str] | None = None) -> None:
        """Bring the cached parts up to date with `session` (the raters' tables, the log's lines)
        without making the text: the phones' votes are rendered as they arrive, between the
        facilitator's keys, so a key press's save renders little more than its own change. With
        `raters`, only their tables (the voters of the moment; looking at all 200 each time cost
        as much as applying the votes); a rater with no table yet gets one at the next render."""
        if raters is None:
            self._blocks(session)
        else:
            order: dict[str, int] | None = None
            for who in raters:
                answers, block = session.answers.get(who), self._answers.get(who)
                if answers is not None and block is not None and block.answers != answers:
                    order = order or {i.id: n for n, i in enumerate(session.items)}
                    block.update(answers, order)
        self._log_lines(session.log)

    def _log_bytes(self, log: list[LogEntry]) -> list[bytes]:
        self._log_lines(log)
        return self._log

    def _log_lines(self, log: list[LogEntry]) -> None:
        n = len(self._log)
        if n > len(log) or any(
            a is not b for a, b in zip(self._log_source[-3:], log[max(n - 3, 0) : n], strict=False)
        ):
            self._log, self._log_source, n = [], [], 0  # the log was replaced: start again
        self._log.extend(_log_entry(e).encode("utf-8") for e in log[n:])
        self._log_source.extend(log[n:])


def render(session: Session) -> str:
    """The file text for `session` (uncached; see `Renderer` for repeated saves)."""
    return Renderer().render(session)


def _utf8(*parts: str) -> bytes:
    return "".join(parts).encode("utf-8")


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


class _Block:
    """One `[ratings.WHO]` table as last rendered (UTF-8): answers in instrument order, a line
    each."""

    def __init__(self, who: str) -> None:
        self.head = f"\n{rater_header(who)}\n".encode()
        self.answers: dict[str, Any] = {}
        self.lines: dict[str, bytes] = {}
        self.keys: list[str] = []
        self.text = self.head

    def update(self, answers: dict[str, Any], order: dict[str, int]) -> None:
        old = self.answers
        for key, value in answers.items():
            if key not in old or old[key] != value or type(old[key]) is not type(value):
                self.lines[key] = _line(key, value).encode("utf-8")
        if len(old) != len(answers) or any(key not in answers for key in old):
            for key in [k for k in self.lines if k not in answers]:
                del self.lines[key]
            self.keys = sorted(answers, key=lambda k: (order.get(k, len(order)), k))
        self.answers = dict(answers)
        self.text = self.head + b"".join([self.lines[k] for k in self.keys])


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
