"""The meeting driver: what each facilitator key does to the session, and the durable save after it.

This is the seam between the keyboard and the file. Every method changes the session (through
`session/state.py` and `session/turns.py`), then saves; the returned `Outcome` says whether the
change is on disk. If a save fails (read-only folder, full disk, file changed by someone else) the
state stays in memory, `unsaved` is set, and every later change, and `retry()`, tries again. The UI
shows a rating as recorded only when `Outcome.saved` is true. No Textual here: the tests drive it
directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bcr_tui.errors import BcrError, SaveError, SessionFileError, UsageError
from bcr_tui.instrument.model import ABSTAIN, Item
from bcr_tui.session import turns
from bcr_tui.session.records import Action, Cursor, LogEntry, Participant, now
from bcr_tui.session.state import Session
from bcr_tui.session.values import describe
from bcr_tui.storage.store import SessionStore


@dataclass(frozen=True)
class Outcome:
    """What a key press did: a sentence for the screen, and whether it is safely on disk."""

    message: str
    saved: bool
    changed: bool = True
    entry: LogEntry | None = None


class Meeting:
    """An open session being run in the room."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self.unsaved = False
        self.save_error: str | None = None
        #: True when the file was changed by another program: only `save_anyway()` writes.
        self.conflict = False
        self.saved_at: datetime | None = None
        #: How a change is saved: the store's save, or (phones on) `phones.votes.Saver.save_now`,
        #: which waits for a batch of phone votes being written in a worker thread.
        self.save_hook: Callable[..., None] = store.save
        #: Where the turn was before each undo in this sitting: a redo puts it back there.
        self._undone_from: list[tuple[LogEntry, Cursor]] = []
        turns.start(self.session, reopening=True)

    @property
    def session(self) -> Session:
        """The session being run."""
        return self.store.session

    # -- what is on screen -----------------------------------------------------------------
    @property
    def item(self) -> Item:
        """The item on screen."""
        found = self.session.instrument.item(self.session.cursor.item)
        return found or self.session.items[0]

    @property
    def rater(self) -> str | None:
        """Whose answer the keys record now: a participant id, "group", "tally" or None."""
        return turns.rater_for(self.session)

    @property
    def rater_name(self) -> str:
        """The rater's name as shown: a person's name, "The whole group", or "—"."""
        who = self.rater
        if who is None:
            return "—"
        person = self.session.participant(who)
        if person is not None:
            return person.name
        return "The whole group" if who == "group" else "Hands counted"

    @property
    def waiting_for_reveal(self) -> bool:
        """True when a blind round is complete and waits for `r`."""
        return turns.waiting_for_reveal(self.session)

    def point_for_digit(self, digit: int) -> str | None:
        """The answer key that digit `digit` picks on the current item (0: abstain)."""
        if digit == 0:
            return ABSTAIN
        item = self.item
        keys = [p.key for p in item.scale.points] if item.scale else [o.key for o in item.options]
        return keys[digit - 1] if 1 <= digit <= len(keys) else None

    # -- changes ---------------------------------------------------------------------------
    def rate(self, digit: int) -> Outcome:
        """Record the answer digit `digit` picks for whoever has the turn, save, move on."""
        item = self.item
        if item.kind not in ("rating", "choice"):
            return Outcome(
                "This question is answered in words, not with a number key.", True, False
            )
        key = self.point_for_digit(digit)
        if key is None:
            return Outcome(f"{digit} is not an answer here.", True, False)
        return self.answer(key)

    def answer(self, value: Any) -> Outcome:
        """Record `value` for whoever has the turn on the current item, save, move on."""
        who = self.rater
        item = self.item
        if who is None:
            if self.waiting_for_reveal:
                return Outcome("Everyone has rated. Press r to reveal.", True, False)
            return Outcome(
                "Everyone present has answered this item. Press → to go on.", True, False
            )
        if who == "tally":
            return Outcome("Tally mode: type the number of hands for each answer.", True, False)
        name = self.rater_name
        hidden = not self.session.is_visible(item.id)
        entry = self.session.record(who, item.id, value)
        turns.after_answer(self.session)
        said = "answer recorded, hidden until revealed" if hidden else describe(item, value)
        return self._saved(f"{name}: {said}", entry)

    def set_tally(self, counts: dict[str, int]) -> Outcome:
        """Record the raised hands for each point of the current item, save, move on."""
        item = self.item
        entry = self.session.set_tally(item.id, counts)
        turns.after_answer(self.session)
        total = sum(counts.values())
        return self._saved(f"Hands counted: {total} on this item", entry)

    def undo(self) -> Outcome:
        """Undo the last change and go back to it."""
        unread = self._unread_log()
        if unread is not None:
            return unread
        before = replace(self.session.cursor)
        try:
            entry = self.session.undo()
        except UsageError as exc:  # a hand-edited history: refused, nothing changed
            return Outcome(str(exc), not self.unsaved, False)
        if entry is None:
            return Outcome("Nothing to undo.", not self.unsaved, False)
        self._undone_from = [*self._undone_from[-99:], (entry, before)]
        turns.after_undo(self.session, entry)
        return self._saved(f"Undone: {self._what(entry)}", entry)

    def redo(self) -> Outcome:
        """Redo the last undone change."""
        unread = self._unread_log()
        if unread is not None:
            return unread
        try:
            entry = self.session.redo()
        except UsageError as exc:
            return Outcome(str(exc), not self.unsaved, False)
        if entry is None:
            return Outcome("Nothing to redo.", not self.unsaved, False)
        before = next((c for e, c in reversed(self._undone_from) if e is entry), None)
        if before is not None:  # back where the turn was before the undo
            self.session.cursor = replace(before)
            turns.start(self.session)
        else:  # undone before this sitting: the turn moves on as after the answer
            turns.after_redo(self.session, entry)
        return self._saved(f"Redone: {self._what(entry)}", entry)

    def toggle_absent(self) -> Outcome:
        """Mark the person whose turn it is absent from here on, or back in the room."""
        who = self.session.cursor.who
        person = self.session.participant(who) if who else None
        if person is None:
            return Outcome("Choose a person with ↑ ↓ first.", not self.unsaved, False)
        entry = self.session.set_absent(person.id, not person.absent)
        turns.after_absence(self.session, person.id)
        state = "absent from here on" if person.absent else "back in the room"
        return self._saved(f"{person.name} is {state}.", entry)

    def reveal(self) -> Outcome:
        """Reveal the current item's answers in a blind session."""
        if not self.session.blind:
            return Outcome("This session is not blind: answers are already shown.", True, False)
        self.session.reveal(self.item.id)
        return self._saved("Revealed. Press → for the next item.", None)

    def note(self, text: str) -> Outcome:
        """Set the note on the current item."""
        entry = self.session.set_note(self.item.id, text)
        return self._saved("Note saved." if text.strip() else "Note removed.", entry)

    def add_participant(self, name: str, organization: str | None = None) -> Outcome:
        """Add a late arrival (they take turns from now on)."""
        person = self.session.add_participant(name, organization)
        turns.start(self.session)
        return self._saved(f"Welcome, {person.name}.", None)

    def rename_participant(self, pid: str, text: str) -> Outcome:
        """Correct a name, typed as on the roster: `Name` or `Name | Organization`."""
        from bcr_tui.session.roster import parse_roster

        try:
            people = parse_roster(text.replace(",", " "))
            if len(people) != 1:
                raise UsageError("type one name")
            name, organization = people[0]
            entry = self.session.rename_participant(pid, name, organization)
        except UsageError as exc:
            return Outcome(f"Not changed: {exc}.", not self.unsaved, False)
        return self._saved(f"Name corrected: {name}.", entry)

    def remove_participant(self, pid: str) -> Outcome:
        """Remove someone who has given no answer (u brings them back)."""
        person = self.session.participant(pid)
        try:
            entry = self.session.remove_participant(pid)
        except UsageError as exc:
            return Outcome(f"Not removed: {exc}.", not self.unsaved, False)
        turns.start(self.session)
        return self._saved(f"{person.name if person else pid} removed (u brings them back).", entry)

    def set_profile(self, person: Participant, answers: dict[str, Any]) -> Outcome:
        """Set a participant's About-You answers (only the ones that changed are logged)."""
        for question, value in answers.items():
            if person.profile.get(question) != value:
                self.session.set_profile(person.id, question, value)
        return self._saved(f"About-you answers saved for {person.name}.", None)

    def add_action(self, action: Action) -> Outcome:
        """Add an agreed action step (u takes it back)."""
        return self.change_action(len(self.session.actions), action)

    def change_action(self, index: int, action: Action | None) -> Outcome:
        """Add, edit or delete (None) the action step at `index`; undo covers it."""
        try:
            entry = self.session.change_action(index, action)
        except UsageError as exc:
            return Outcome(f"Not changed: {exc}.", not self.unsaved, False)
        said = {"add": "added", "edit": "changed", "delete": "deleted"}[entry.who]
        step = (entry.new or entry.old or {}).get("step", "")
        return self._saved(f"Action step {said}: {step}", entry)

    def toggle_audience(self, key: str) -> Outcome:
        """Hide or show names / results on the audience view (`bcr view`)."""
        shown = not self.session.audience.get(key, True)
        self.session.audience[key] = shown
        what = {"names": "Names", "results": "Results"}.get(key, key)
        return self._saved(
            f"{what} {'shown on' if shown else 'hidden from'} the audience view.", None
        )

    def move(self, where: str) -> Outcome:
        """Move: "next"/"previous" item, "down"/"up" participant; the cursor is saved too."""
        step = {
            "next": turns.next_item,
            "previous": turns.previous_item,
            "down": turns.next_participant,
            "up": turns.previous_participant,
        }[where]
        before = (self.session.cursor.item, self.session.cursor.who)
        step(self.session)
        if (self.session.cursor.item, self.session.cursor.who) == before:
            return Outcome("", not self.unsaved, False)
        return self._saved("", None)

    def retry(self) -> Outcome:
        """Try again to save what is only in memory."""
        return self._saved("Saved." if self.unsaved else "", None)

    def save_anyway(self) -> Outcome:
        """Overwrite a file another program changed (after the facilitator confirmed)."""
        return self._saved("Saved over the other program's changes.", None, force=True)

    # -- internals -------------------------------------------------------------------------
    def _unread_log(self) -> Outcome | None:
        """Undo and redo need the whole change log: read it if the store left it for later
        (None), or say why it cannot be."""
        try:
            self.store.read_log()
        except SessionFileError as exc:
            return Outcome(
                f"Cannot undo or redo: the session file {exc.message}.", not self.unsaved, False
            )
        return None

    def vote(self, who: str, item_id: str, value: Any) -> LogEntry:
        """A participant's own answer to the current item (from their phone), in memory only:
        the caller saves (phone votes that arrive together are saved together). Raises
        UsageError with a sentence when it is not theirs to give now."""
        person = self.session.participant(who)
        if person is None or person.absent:
            raise UsageError("you are not on the list of people present")
        if item_id != self.item.id:
            raise UsageError("the facilitator has moved on to another question")
        if self.session.blind and item_id in self.session.revealed:
            raise UsageError("the answers to this question have been revealed")
        entry = self.session.record(who, item_id, value)
        cursor = self.session.cursor
        if (
            self.session.order == "item-major"
            and cursor.who is not None
            and self.session.answer(cursor.who, item_id) is not None
        ):
            # The turn passes to the next person still to answer (none: everyone has). From the
            # one who had it, not from the top: phones answer mostly in roster order, and a scan
            # from the top on every vote made a burst of 200 quadratic.
            cursor.who = turns._next_unanswered(self.session, item_id, cursor.who)
        return entry

    def after_save(self, error: SaveError | None) -> bool:
        """Note how a save went (a save made elsewhere, e.g. of phone votes); True if saved."""
        if error is not None:
            self.unsaved = True
            self.save_error = error.message
            self.conflict = error.conflict
            return False
        self.unsaved = False
        self.save_error = None
        self.conflict = False
        self.saved_at = now()
        return True

    def _saved(self, message: str, entry: LogEntry | None, *, force: bool = False) -> Outcome:
        try:
            self.save_hook(force=force)
        except SaveError as exc:
            return Outcome(message, self.after_save(exc), True, entry)
        return Outcome(message, self.after_save(None), True, entry)

    def _what(self, entry: LogEntry) -> str:
        person = self.session.participant(entry.who)
        name = person.name if person else ("the group" if entry.who == "group" else entry.who)
        item = self.session.instrument.item(entry.item)
        if entry.op == "set" and item is not None:
            return f"{name} on item {self.session.items.index(item) + 1}"
        if entry.op == "action":
            return f"the action step “{(entry.new or entry.old or {}).get('step', '')}”"
        if entry.op in ("rename", "remove"):
            name = (entry.old or {}).get("name", name) if isinstance(entry.old, dict) else name
            return f"{name}'s {'name' if entry.op == 'rename' else 'removal'}"
        return {
            "absent": f"{name}'s attendance",
            "note": "the note",
            "tally": "the tally",
            "profile": f"{name}'s about-you answer",
        }.get(entry.op, entry.op)


__all__ = ["Meeting", "Outcome", "describe", "BcrError", "UsageError"]
