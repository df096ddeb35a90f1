"""Session state and the operations that change it: record, abstain, clear, absent, note, undo.

No I/O here. Every change to answers, tallies, notes, profiles or attendance goes through `_apply`,
which appends one entry to the append-only `log`; undo and redo append entries too, and the undo and
redo stacks are *derived* from the log, so they survive a save and reopen.

Turn order lives in `session/turns.py`; this module only changes state.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bcr_tui.errors import UsageError
from bcr_tui.instrument.model import ABSTAIN, Instrument, Item
from bcr_tui.plaintext import one_line, printable
from bcr_tui.session.records import (
    AUDIENCE_DEFAULTS,
    FORMAT,
    FORMAT_2,
    GROUP,
    MAX_NAME,
    MAX_PARTICIPANTS,
    MODES,
    NEW_OPS,
    ORDERS,
    ROSTER_OPS,
    TALLY,
    UNDOABLE,
    Action,
    Cursor,
    LogEntry,
    Participant,
    now,
)


@dataclass
class Session:
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
        if self.cursor is None:
            first = self.items[0].id if self.items else ""
            self.cursor = Cursor(first, None)

    # -- reading ---------------------------------------------------------------------------
    @property
    def items(self) -> tuple[Item, ...]:
        """The items the meeting walks through, in order."""
        return self.instrument.items

    def participant(self, pid: str) -> Participant | None:
        """The participant with this id, or None."""
        return next((p for p in self.participants if p.id == pid), None)

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
        n = len(self.items)
        if self.mode != "round-robin":
            return n
        arrivals = self._arrivals() if self.order == "item-major" else {}
        ids = [i.id for i in self.items]
        total = 0
        for p in self.participants:
            given = self.answers.get(p.id, {})
            first = ids.index(arrivals[p.id]) if arrivals.get(p.id) in ids else 0
            total += (
                len(given) if p.absent else (n - first + sum(1 for i in ids[:first] if i in given))
            )
        return total

    def _arrivals(self) -> dict[str, str]:
        """The item on screen when each late arrival joined (the `join` entries' `item`)."""
        return self._fold_log(
            "arrivals",
            dict,
            lambda seen, e: seen.update({e.who: e.item}) if e.op == "join" else None,
        )

    def answered_count(self) -> int:
        """How many answers are recorded (a tallied item counts once)."""
        if self.mode == "tally":
            return sum(1 for i in self.items if self.tally.get(i.id))
        known = {i.id for i in self.items}
        return sum(1 for a in self.answers.values() for k in a if k in known)

    def _fold_log(
        self, name: str, start: Callable[[], Any], step: Callable[[Any, LogEntry], None]
    ) -> Any:
        """`start()` updated by `step(value, entry)` over the log, reading only the entries
        added since the last call (a key's save must not read ten thousand entries); all of
        it again when the log was read in front of what it held."""
        folds = self.__dict__.setdefault("_log_folds", {})
        first = id(self.log[0]) if self.log else 0
        n, seen_first, value = folds.get(name, (0, None, None))
        if seen_first != first or n > len(self.log) or value is None:
            n, value = 0, start()
        for entry in self.log[n:]:
            step(value, entry)
        folds[name] = (len(self.log), first, value)
        return value

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

    def add_participant(self, name: str, organization: str | None = None) -> Participant:
        """Add someone (also mid-meeting: a late arrival). Returns the new participant."""
        name = clean_name(name)
        if len(self.participants) >= MAX_PARTICIPANTS:
            raise UsageError(f"a session holds at most {MAX_PARTICIPANTS} participants")
        # Never the id of someone removed: undoing the removal brings them back.
        taken = {p.id for p in self.participants} | {
            e.who for e in self.log if e.op in ("join", "remove")
        }
        n = len(self.participants) + 1
        while participant_id(n) in taken:
            n += 1
        person = Participant(participant_id(n), name, one_line(organization or "") or None)
        self.participants.append(person)
        # The item on screen when they arrived: answers are expected of them from there on.
        arrived = self.cursor.item if self.cursor and self.answers else ""
        self.log.append(LogEntry(now(), "join", person.id, arrived, None, name))
        return person

    def rename_participant(self, pid: str, name: str, organization: str | None) -> LogEntry:
        """Correct a participant's name (and organization)."""
        person = self._person(pid)
        new = {"name": clean_name(name), "organization": one_line(organization or "")}
        old = {"name": person.name, "organization": person.organization or ""}
        return self._apply("rename", pid, "", old, new)

    def remove_participant(self, pid: str) -> LogEntry:
        """Remove someone who has given no answer (added by mistake, or never came)."""
        person = self._person(pid)
        if self.answers.get(pid) or person.profile:
            raise UsageError(f"{person.name} has answers: mark them absent instead")
        old = {
            "name": person.name,
            "organization": person.organization or "",
            "index": self.participants.index(person),
        }
        return self._apply("remove", pid, "", old, None)

    def format(self) -> str:
        """The file format this session needs (`FORMAT_2` only for the roster's log kinds)."""
        found = self._fold_log(
            "new-ops", set, lambda ops, e: ops.add(e.op) if e.op in NEW_OPS else None
        )
        return FORMAT_2 if found else FORMAT

    def _person(self, pid: str) -> Participant:
        person = self.participant(pid)
        if person is None:
            raise UsageError(f"no participant {pid!r} in this session")
        return person

    def reveal(self, item_id: str) -> None:
        """Show a blind item's answers (not undoable: once seen, seen)."""
        self.revealed.add(item_id)
        self._changed(item_id)

    def add_action(self, action: Action) -> None:
        """Add an action step."""
        if not action.step.strip():
            raise UsageError("an action step needs a description")
        self.actions.append(
            Action(*(printable(getattr(action, k)) for k in ("step", "needs", "owner", "due")))
        )

    def remove_action(self, index: int) -> None:
        """Remove the action step at this position."""
        if not 0 <= index < len(self.actions):
            raise UsageError("no such action step")
        del self.actions[index]

    def change_action(self, index: int, action: Action | None) -> LogEntry:
        """Add (index = the number of steps), edit or delete (None) an action step, logged so
        that undo covers it. The entry's `who` says which: "add", "edit" or "delete"."""
        if action is not None and not action.step.strip():
            raise UsageError("an action step needs a description")
        if not 0 <= index <= len(self.actions) - (action is None):
            raise UsageError("no such action step")
        new = (
            None
            if action is None
            else {k: getattr(action, k).strip() for k in ("step", "needs", "owner", "due")}
        )
        if index == len(self.actions):
            return self._apply("action", "add", str(index), None, new)
        old = vars(self.actions[index]).copy()
        return self._apply("action", "edit" if new else "delete", str(index), old, new)

    # -- undo / redo -----------------------------------------------------------------------
    def stacks(self) -> tuple[list[LogEntry], list[LogEntry]]:
        """The undo and redo stacks, derived from the log (so they survive a reopen)."""
        done: list[LogEntry] = []
        undone: list[LogEntry] = []
        for entry in self.log:
            if entry.op in UNDOABLE:
                done.append(entry)
                undone.clear()
            elif entry.op == "undo" and done:
                undone.append(done.pop())
            elif entry.op == "redo" and undone:
                done.append(undone.pop())
        return done, undone

    def undo(self) -> LogEntry | None:
        """Undo the last change; returns the change undone (None if nothing to undo)."""
        done, _ = self.stacks()
        if not done:
            return None
        last = done[-1]
        self._set(last.op, last.who, last.item, self._checked(last, last.old, "undone"))
        self.log.append(LogEntry(now(), "undo", last.who, last.item, last.new, last.old))
        return last

    def redo(self) -> LogEntry | None:
        """Redo the last undone change; returns it (None if nothing to redo)."""
        _, undone = self.stacks()
        if not undone:
            return None
        last = undone[-1]
        self._set(last.op, last.who, last.item, self._checked(last, last.new, "redone"))
        self.log.append(LogEntry(now(), "redo", last.who, last.item, last.old, last.new))
        return last

    def _checked(self, entry: LogEntry, value: Any, done: str) -> Any:
        """`value` as `entry` would put it back, checked against this session like a change made
        now (the log is read from a file anyone can edit: an entry for someone or something the
        session does not have would make a file bcr then refuses); UsageError if it cannot be."""
        op, who, target = entry.op, entry.who, entry.item
        item = self.instrument.item(target.removesuffix("-other") if op == "profile" else target)
        if op == "absent":
            ok = self.participant(who) is not None and isinstance(value, bool)
        elif op == "note":
            ok = value is None or isinstance(value, str)
        elif op == "profile":
            ok = (
                self.participant(who) is not None
                and item is not None
                and self.instrument.is_profile(item.id)
                and (
                    value is None
                    or (isinstance(value, str) if target != item.id else check_value(item, value))
                )
            )
        elif op == "tally":
            ok = (
                item is not None
                and item.scale is not None
                and not self.instrument.is_profile(item.id)
                and (
                    value is None
                    or isinstance(value, dict)
                    and all(
                        (k == ABSTAIN or item.scale.point(k) is not None)
                        and type(n) is int
                        and n >= 0
                        for k, n in value.items()
                    )
                )
            )
        elif op in ("rename", "remove", "action"):
            ok = self._roster_or_action_ok(op, who, target, value)
        else:  # set
            ok = (
                (who == GROUP or self.participant(who) is not None)
                and item is not None
                and not self.instrument.is_profile(item.id)
                and (value is None or check_value(item, value))
            )
        if not ok:
            raise UsageError(
                f"this change cannot be {done}: the session's history names a "
                "person, item or answer this session does not have (was the file "
                "edited by hand?); the answers are unchanged"
            )
        return printable(value)

    def _roster_or_action_ok(self, op: str, who: str, target: str, value: Any) -> bool:
        """Whether a roster or action-step entry from the log can be applied: the text fields
        are text, a renamed or removed person exists (and a removed one has given nothing), a
        person brought back does not exist yet, an action step's position is one there is."""
        fields = (
            ("name", "organization", "index")
            if op != "action"
            else ("step", "needs", "owner", "due")
        )
        if value is not None and not (
            isinstance(value, dict)
            and all(
                isinstance(v, str) or (k == "index" and type(v) is int)
                for k, v in value.items()
                if k in fields
            )
        ):
            return False
        person = self.participant(who)
        if op == "rename":
            return (
                person is not None
                and value is not None
                and bool(one_line(str(value.get("name") or "")))
            )
        if op == "remove":
            if value is None:  # removing (again): only someone who has given nothing
                return person is not None and not self.answers.get(who) and not person.profile
            return (
                person is None
                and bool(who)
                and one_line(who) == who
                and bool(one_line(str(value.get("name") or "")))
            )
        if not target.isdigit():
            return False
        index = int(target)
        return index <= len(self.actions) - (value is None or who == "edit")

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

    def _set_action(self, kind: str, position: str, value: Any) -> None:
        index = int(position) if position.isdigit() else len(self.actions)
        if value is None:
            if index < len(self.actions):
                del self.actions[index]
        elif isinstance(value, dict):
            action = Action(
                **{k: str(value.get(k) or "") for k in ("step", "needs", "owner", "due")}
            )
            if kind == "edit" and index < len(self.actions):
                self.actions[index] = action
            else:  # an added step, or a deleted one brought back
                self.actions.insert(min(index, len(self.actions)), action)

    def _set_roster(self, op: str, pid: str, value: Any) -> None:
        person = self.participant(pid)
        if op == "rename" and person is not None and isinstance(value, dict):
            person.name = one_line(str(value.get("name") or "")) or person.name
            person.organization = one_line(str(value.get("organization") or "")) or None
        elif op == "remove" and value is None and person is not None:
            self.participants.remove(person)
        elif op == "remove" and isinstance(value, dict) and person is None:
            index = value.get("index")
            index = index if isinstance(index, int) and index >= 0 else len(self.participants)
            self.participants.insert(
                index,
                Participant(
                    pid,
                    one_line(str(value.get("name") or "")) or pid,
                    one_line(str(value.get("organization") or "")) or None,
                ),
            )


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


def participant_id(n: int) -> str:
    """The id of the n-th participant: p01, p02 … p99, p100 …"""
    return f"p{n:02d}"


def clean_name(name: str) -> str:
    """A participant's name as kept: one line, trimmed, not empty, not absurdly long."""
    if not isinstance(name, str):
        raise UsageError("a participant's name must be text")
    flat = one_line(name)
    if not flat:
        raise UsageError("a participant's name cannot be empty")
    if len(flat) > MAX_NAME:
        raise UsageError(f"a participant's name is at most {MAX_NAME} characters")
    return flat


def check_value(item: Item, value: Any) -> bool:
    """True if `value` is a valid answer to `item`."""
    try:
        validate_value(item, value)
    except UsageError:
        return False
    return True


def validate_value(item: Item, value: Any) -> None:
    """Raise UsageError unless `value` is a valid answer to `item`."""
    if item.kind == "rating":
        scale = item.scale
        known = isinstance(value, str) and (value == ABSTAIN or not scale or scale.point(value))
        if not known:
            raise UsageError(f"{value!r} is not a point on the scale of {item.id!r}")
    elif item.kind == "choice":
        keys = {o.key for o in item.options} | _other(item) | {ABSTAIN}
        if not isinstance(value, str) or value not in keys:
            raise UsageError(f"{value!r} is not an option of {item.id!r}")
    elif item.kind == "multichoice":
        keys = {o.key for o in item.options} | _other(item)
        if not isinstance(value, list) or any(
            not isinstance(v, str) or v not in keys for v in value
        ):
            raise UsageError(f"the answer to {item.id!r} must be a list of its options")
    elif item.kind == "text":
        if not isinstance(value, str):
            raise UsageError(f"the answer to {item.id!r} is text")
    elif item.kind == "table":
        columns = {c.key for c in item.columns}
        if not isinstance(value, list) or not all(
            isinstance(row, dict)
            and set(row) <= columns
            and all(isinstance(v, str) for v in row.values())
            for row in value
        ):
            raise UsageError(f"the answer to {item.id!r} is a list of rows")


def _other(item: Item) -> set[str]:
    return {"other"} if item.other else set()
