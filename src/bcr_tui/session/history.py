"""Undo and redo, and the checks on a log entry before it is put back.

The undo and redo stacks are derived from the append-only log (so they survive a save and reopen);
undoing or redoing appends an entry too. The log is read from a file anyone can edit, so every
value an undo or redo would put back is first checked against the session as a change made now.
Apart from `state`, mixed into `state.Session`, because reading the history back is its own
concern: the changes themselves are in `state` and `roster_steps`.
"""

from __future__ import annotations

from typing import Any

from bcr_tui.errors import UsageError
from bcr_tui.instrument.model import ABSTAIN
from bcr_tui.plaintext import one_line, printable
from bcr_tui.session.records import GROUP, UNDOABLE, LogEntry, now
from bcr_tui.session.values import check_value


class History:
    """Undo, redo and their checks (a mixin of `state.Session`: it reads the Session's `log`,
    `instrument`, `participants`, `answers` and `actions`, and puts values back with its `_set`)."""

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
