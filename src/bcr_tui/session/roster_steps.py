"""The roster and action-step changes: a late arrival, a corrected name, someone removed, an
action step added, edited or deleted, and how each is put in place (or back, on undo).

Apart from `state`, mixed into `state.Session`, because these are the changes that are not answers:
their log kinds ("join", "rename", "remove", "action") move people and steps rather than answers,
and all but "join" need the second file format (`records.NEW_OPS`).
"""

from __future__ import annotations

from typing import Any

from bcr_tui.errors import UsageError
from bcr_tui.plaintext import one_line, printable
from bcr_tui.session.records import MAX_PARTICIPANTS, Action, LogEntry, Participant, now
from bcr_tui.session.values import clean_name, participant_id


class RosterAndSteps:
    """Who is in the session and the action steps, changed (a mixin of `state.Session`: it uses
    the Session's `participants`, `actions`, `answers`, `cursor` and `log`, and its `_apply`)."""

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

    def _person(self, pid: str) -> Participant:
        person = self.participant(pid)
        if person is None:
            raise UsageError(f"no participant {pid!r} in this session")
        return person

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
