"""Session state and the operations that change its answers: record, abstain, clear, tally,
absent, note, profile, reveal; and `new_session`, which makes a checked one.

No I/O here. Every change to answers, tallies, notes, profiles or attendance goes through `_apply`,
which appends one entry to the append-only `log`; undo and redo append entries too, and the undo and
redo stacks are *derived* from the log, so they survive a save and reopen.

The Session's other parts are mixed in from their own modules: undo, redo and the checks on the
log's entries (`history`), the roster and action-step changes (`roster_steps`), the folds over the
log (`folds`); what an answer and a name may be is in `values`. Turn order lives in
`session/turns.py`; this module only changes state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bcr_tui.errors import UsageError
from bcr_tui.instrument.model import ABSTAIN, Instrument, Item
from bcr_tui.plaintext import one_line, printable
from bcr_tui.session.folds import LogFolds
from bcr_tui.session.history import History
from bcr_tui.session.records import (
    AUDIENCE_DEFAULTS,
    GROUP,
    MAX_PARTICIPANTS,
    MODES,
    ORDERS,
    ROSTER_OPS,
    TALLY,
    Action,
    Cursor,
    LogEntry,
    Participant,
    now,
)
from bcr_tui.session.roster_steps import RosterAndSteps
from bcr_tui.session.values import clean_name, participant_id, validate_value


@dataclass
class Session(History, RosterAndSteps, LogFolds):
    """A whole assessment session, as held in memory and saved to one TOML file."""

    instrument: Instrument
    title: str
    community: str = ""
    created: datetime = field(default_factory=now)
    mode: str = "round-robin"
    order: str = "item-major"
    blind: bool = False
    participants: list[Participant] = field(default_factory=list)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    tally: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    revealed: set[str] = field(default_factory=set)
    cursor: Cursor | None = None
    log: list[LogEntry] = field(default_factory=list)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    audience: dict[str, bool] = field(default_factory=lambda: dict(AUDIENCE_DEFAULTS))

    def __post_init__(self) -> None:
        #: How many times each item's answers (or their visibility) have changed in memory: the
        #: live heatmap counts again only the items that changed (`counts.CountMemo`). Not a
        #: field: not saved, not compared.
        self.changes: dict[str, int] = {}
        #: Where each participant id was last seen in `participants` (checked on every use:
        #: the roster can change under it). Not a field either.
        self._positions: dict[str, int] = {}
        if self.cursor is None:
            first = self.items[0].id if self.items else ""
            self.cursor = Cursor(first, None)

    # -- reading ---------------------------------------------------------------------------
    @property
    def items(self) -> tuple[Item, ...]:
        """The items the meeting walks through, in order."""
        return self.instrument.items

    def participant(self, pid: str) -> Participant | None:
        """The participant with this id, or None. Looked up by position, not by a scan of the
        roster: a burst of 200 phone votes looked each voter up twice in a roster of 200."""
        people = self.participants
        at = self._positions.get(pid)
        if at is None or at >= len(people) or people[at].id != pid:
            self._positions = {}
            for n, person in enumerate(people):
                self._positions.setdefault(person.id, n)
            at = self._positions.get(pid)
        return None if at is None else people[at]

    @property
    def present(self) -> list[Participant]:
        """Participants not marked absent, in roster order."""
        return [p for p in self.participants if not p.absent]

    def raters(self) -> list[str]:
        """Whose answers count: participant ids (round-robin), or "group" / "tally"."""
        if self.mode == "group":
            return [GROUP]
        if self.mode == "tally":
            return [TALLY]
        return [p.id for p in self.participants]

    def answer(self, who: str, item_id: str) -> Any:
        """The recorded answer (a point key, "abstain", text, list…), or None."""
        return self.answers.get(who, {}).get(item_id)

    def answered(self, item_id: str) -> dict[str, Any]:
        """Who has answered this item, and what (round-robin and group modes)."""
        return {who: a[item_id] for who, a in self.answers.items() if item_id in a}

    def is_visible(self, item_id: str) -> bool:
        """False while a blind item's answers must stay hidden (until revealed)."""
        return not self.blind or item_id in self.revealed

    def expected(self) -> int:
        """How many answers a complete session holds: absent people count what they gave; a
        late arrival (item-major) every item from the one on screen when they arrived, and what
        they gave before it (participant-major: every item, their turns cover them all)."""
        return self._since_log("expected", self._expected)

    def _expected(self) -> int:
        n = len(self.items)
        if self.mode != "round-robin":
            return n
        arrivals = self._arrivals() if self.order == "item-major" else {}
        ids = [i.id for i in self.items]
        place = {i: k for k, i in enumerate(ids)}
        total = 0
        for p in self.participants:
            given = self.answers.get(p.id, {})
            first = place.get(arrivals.get(p.id, ""), 0)
            total += (
                len(given) if p.absent else (n - first + sum(1 for i in ids[:first] if i in given))
            )
        return total

    def answered_count(self) -> int:
        """How many answers are recorded (a tallied item counts once)."""
        return self._since_log("answered", self._answered_count)

    def _answered_count(self) -> int:
        if self.mode == "tally":
            return sum(1 for i in self.items if self.tally.get(i.id))
        known = {i.id for i in self.items}
        return sum(len(known.intersection(a)) for a in self.answers.values())

    # -- changing --------------------------------------------------------------------------
    def record(self, who: str, item_id: str, value: Any) -> LogEntry:
        """Record an answer (None clears it). Validates the value against the item."""
        item = self._item(item_id)
        if value is not None:
            validate_value(item, value)
        if who not in (GROUP, TALLY) and self.participant(who) is None:
            raise UsageError(f"no participant {who!r} in this session")
        return self._apply("set", who, item_id, self.answer(who, item_id), printable(value))

    def abstain(self, who: str, item_id: str) -> LogEntry:
        """Record an explicit abstention (not a blank)."""
        return self.record(who, item_id, ABSTAIN)

    def set_tally(self, item_id: str, counts: dict[str, int]) -> LogEntry:
        """Set the raised-hands count for each point of an item (tally mode)."""
        item = self._item(item_id)
        if item.scale is None:
            raise UsageError(f"item {item_id!r} is not rated on a scale")
        allowed = {p.key for p in item.scale.points} | {ABSTAIN}
        clean = {}
        for key, count in counts.items():
            if key not in allowed:
                raise UsageError(f"no point {key!r} on this item's scale")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise UsageError("a tally is a whole number of hands, 0 or more")
            if count:
                clean[key] = count
        return self._apply("tally", TALLY, item_id, self.tally.get(item_id), clean or None)

    def set_absent(self, pid: str, absent: bool) -> LogEntry:
        """Mark someone absent from here on (True) or back in the room (False)."""
        person = self.participant(pid)
        if person is None:
            raise UsageError(f"no participant {pid!r} in this session")
        return self._apply("absent", pid, "", person.absent, absent)

    def set_note(self, target: str, text: str) -> LogEntry:
        """Attach a note to an item or domain (empty text removes it)."""
        return self._apply(
            "note", "", target, self.notes.get(target), printable(text.strip()) or None
        )

    def set_profile(self, pid: str, question: str, value: Any) -> LogEntry:
        """Answer one About-You question for a participant (None clears it)."""
        person = self.participant(pid)
        if person is None:
            raise UsageError(f"no participant {pid!r} in this session")
        base = question.removesuffix("-other")
        item = self.instrument.item(base)
        if item is None or not self.instrument.is_profile(item.id):
            raise UsageError(f"no profile question {question!r} in this instrument")
        if value is not None and question == base:
            validate_value(item, value)
        elif value is not None and not isinstance(value, str):
            raise UsageError("an 'Other' answer is text")
        return self._apply("profile", pid, question, person.profile.get(question), printable(value))

    def reveal(self, item_id: str) -> None:
        """Show a blind item's answers (not undoable: once seen, seen)."""
        self.revealed.add(item_id)
        self._changed(item_id)

    # -- internals -------------------------------------------------------------------------
    def _item(self, item_id: str) -> Item:
        item = self.instrument.item(item_id)
        if item is None or self.instrument.is_profile(item.id):
            raise UsageError(f"no item {item_id!r} in this instrument")
        return item

    def _apply(self, op: str, who: str, item: str, old: Any, new: Any) -> LogEntry:
        self._set(op, who, item, new)
        entry = LogEntry(now(), op, who, item, old, new)
        self.log.append(entry)
        return entry

    def _changed(self, item_id: str) -> None:
        """Count a change to this item's answers or their visibility (`changes`)."""
        self.changes[item_id] = self.changes.get(item_id, 0) + 1

    def _set(self, op: str, who: str, item: str, value: Any) -> None:
        """Put `value` in place for a change of kind `op` (None removes)."""
        if op == "absent":
            person = self.participant(who)
            if person is not None:
                person.absent = bool(value)
            return
        if op in ROSTER_OPS:
            self._set_roster(op, who, value)
            return
        if op == "action":
            self._set_action(who, item, value)
            return
        if op in ("set", "tally"):
            self._changed(item)
        if op == "set":
            target = self.answers.setdefault(who, {})
        elif op == "tally":
            target = self.tally
        elif op == "note":
            target = self.notes
        elif op == "profile":
            person = self.participant(who)
            target = person.profile if person else {}
        else:
            raise ValueError(op)
        if value is None:
            target.pop(item, None)
        else:
            target[item] = value
        if op == "set" and not target:
            self.answers.pop(who, None)


def new_session(
    instrument: Instrument,
    title: str,
    people: list[tuple[str, str | None]] | None = None,
    *,
    community: str = "",
    mode: str | None = None,
    order: str = "item-major",
    blind: bool = False,
) -> Session:
    """A fresh session, checked: the title, mode and order are valid and names are clean."""
    title = one_line(str(title))
    if not title:
        raise UsageError("a session needs a title")
    mode = mode or instrument.default_mode
    if mode not in MODES:
        raise UsageError(f"the mode must be one of {', '.join(MODES)}")
    if order not in ORDERS:
        raise UsageError(f"the order must be one of {', '.join(ORDERS)}")
    if mode == "round-robin" and not people:
        raise UsageError("round-robin needs participants (give --participants, or use group mode)")
    if not instrument.items:
        raise UsageError("this instrument has no items")
    session = Session(
        instrument, title, community=one_line(community), mode=mode, order=order, blind=blind
    )
    if len(people or []) > MAX_PARTICIPANTS:
        raise UsageError(f"a session holds at most {MAX_PARTICIPANTS} participants")
    # The roster at creation is not a change (later arrivals are logged): ids in order.
    session.participants = [
        Participant(participant_id(n), clean_name(name), one_line(organization or "") or None)
        for n, (name, organization) in enumerate(people or [], start=1)
    ]
    if mode == "round-robin":
        session.cursor = Cursor(session.items[0].id, session.participants[0].id)
    return session
