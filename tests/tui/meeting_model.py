"""A plain model of a meeting, for the model-based test (test_meeting_model.py).

It knows the rules as a facilitator reads them in README ("Turns"), written again from scratch
and as simply as possible, not by calling `session/turns.py`: when the app and the model disagree,
one of them is wrong. Answers are `{(who, item): value}`; the cursor is `(item, who)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bcr_tui.session.state import Session


@dataclass
class Change:
    """One undoable change: an answer ("set"), a tally, or attendance ("absent")."""

    op: str
    who: str
    item: str
    old: Any
    new: Any


@dataclass
class Model:
    """What the file and the screen must show after each key."""

    items: list[str]
    kinds: dict[str, str]
    keys: dict[str, list[str]]
    columns: dict[str, list[str]]
    mode: str
    order: str
    blind: bool
    people: list[list]  # [id, name, absent, join index]
    item: str
    who: str | None
    answers: dict[tuple[str, str], Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    tally: dict[str, dict[str, int]] = field(default_factory=dict)
    revealed: set[str] = field(default_factory=set)
    done: list[Change] = field(default_factory=list)
    undone: list[tuple[Change, tuple | None]] = field(default_factory=list)
    box: str = ""
    #: The (item, rater) whose box was left with Esc; the keys are the meeting's there.
    box_left: tuple | None = None

    @classmethod
    def of(cls, session: Session) -> Model:
        """The model of a new session."""
        return cls(
            items=[i.id for i in session.items],
            kinds={i.id: i.kind for i in session.items},
            keys={
                i.id: [p.key for p in i.scale.points] if i.scale else [o.key for o in i.options]
                for i in session.items
            },
            columns={i.id: [c.key for c in i.columns] for i in session.items},
            mode=session.mode,
            order=session.order,
            blind=session.blind,
            people=[[p.id, p.name, p.absent, 0] for p in session.participants],
            item=session.cursor.item,
            who=session.cursor.who,
        )

    # -- reading -----------------------------------------------------------------------------
    @property
    def rater(self) -> str | None:
        return {"group": "group", "tally": "tally"}.get(self.mode, self.who)

    @property
    def kind(self) -> str:
        return self.kinds[self.item]

    @property
    def box_has_keys(self) -> bool:
        return (
            self.kind in ("text", "table")
            and self.rater is not None
            and self.box_left != (self.item, self.rater)
        )

    def present(self) -> list[str]:
        return [p[0] for p in self.people if not p[2]]

    def absent(self, pid: str) -> bool:
        return next(p[2] for p in self.people if p[0] == pid)

    def name(self, pid: str) -> str:
        return next(p[1] for p in self.people if p[0] == pid)

    def _after(self, pid: str | None) -> list[str]:
        """Present people after `pid` in roster order, wrapping round (pid itself last)."""
        ids = [p[0] for p in self.people]
        k = ids.index(pid) + 1 if pid in ids else 0
        return [i for i in ids[k:] + ids[:k] if not self.absent(i)]

    def _unanswered(self, item: str, after: str | None) -> str | None:
        return next((p for p in self._after(after) if (p, item) not in self.answers), None)

    def _first_open_item(self, pid: str) -> str | None:
        return next((i for i in self.items if (pid, i) not in self.answers), None)

    def waiting(self) -> bool:
        """A blind item all have answered, not yet revealed."""
        if not self.blind or self.item in self.revealed:
            return False
        if self.mode == "round-robin":
            present = self.present()
            return bool(present) and all((p, self.item) in self.answers for p in present)
        if self.mode == "tally":
            return bool(self.tally.get(self.item))
        return ("group", self.item) in self.answers

    def expected(self) -> int:
        """Answers a complete session holds: every item for those present from the start;
        from their arrival on (plus what they gave before) for a late arrival; what an absent
        person gave."""
        n = len(self.items)
        if self.mode != "round-robin":
            return n
        total = 0
        for pid, _, gone, joined in self.people:
            given = {i for (w, i) in self.answers if w == pid}
            total += len(given) if gone else len(given | set(self.items[joined:]))
        return total

    def answered(self) -> int:
        if self.mode == "tally":
            return sum(1 for i in self.items if self.tally.get(i))
        return len(self.answers)

    # -- keys --------------------------------------------------------------------------------
    def record(self, value: Any) -> None:
        """An answer for the rater on the current item (a digit, or Enter in the box)."""
        who = self.rater
        key = (who, self.item)
        change = Change("set", who, self.item, self.answers.get(key), value)
        self._do(change)
        self._answered()

    def set_tally(self, counts: dict[str, int]) -> None:
        clean = {k: v for k, v in counts.items() if v} or None
        self._do(Change("tally", "tally", self.item, self.tally.get(self.item), clean))
        self._answered()

    def note(self, text: str) -> None:
        self._do(Change("note", "", self.item, self.notes.get(self.item), text.strip() or None))

    def toggle_absent(self) -> None:
        pid = self.who
        gone = self.absent(pid)
        self._do(Change("absent", pid, "", gone, not gone))
        self._absence(pid)

    def _do(self, change: Change) -> None:
        self._put(change, change.new)
        self.done.append(change)
        self.undone.clear()

    def _put(self, change: Change, value: Any) -> None:
        if change.op == "absent":
            next(p for p in self.people if p[0] == change.who)[2] = bool(value)
            return
        table = {"tally": self.tally, "note": self.notes}.get(change.op, self.answers)
        key = (change.who, change.item) if change.op == "set" else change.item
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value

    def undo(self) -> None:
        if not self.done:
            return
        change = self.done.pop()
        before = (self.item, self.who)
        self._put(change, change.old)
        self.undone.append((change, before))
        self._back_to(change)

    def redo(self) -> None:
        if not self.undone:
            return
        change, before = self.undone.pop()
        self._put(change, change.new)
        self.done.append(change)
        if before is not None:  # undone in this sitting: the turn goes back where it was
            self.item, self.who = before
            self.start()
        else:  # undone before a reopen: the turn moves on as after the answer
            self._back_to(change)
            if change.op in ("set", "tally") and self.item == change.item:
                self._answered()

    def _back_to(self, change: Change) -> None:
        if change.op == "set":
            self.item, self.who = change.item, change.who if self.mode == "round-robin" else None
        elif change.op == "tally":
            self.item, self.who = change.item, None
        elif change.op == "absent":
            self._absence(change.who)

    def reopened(self) -> None:
        """A new app on the saved file: undo history is in the file, the turn memo is not."""
        self.undone = [(c, None) for c, _ in self.undone]
        self.box, self.box_left = "", None
        self.start(reopening=True)

    def join(self, pid: str, name: str) -> None:
        late = self.order == "item-major" and (self.answers or self.tally)
        self.people.append([pid, name, False, self.items.index(self.item) if late else 0])
        self.start()

    def reveal(self) -> None:
        if self.blind:
            self.revealed.add(self.item)

    # -- turns -------------------------------------------------------------------------------
    def start(self, *, reopening: bool = False) -> None:
        if self.mode != "round-robin":
            return
        if self.who is not None and self.absent(self.who) and not reopening:
            self.who = self._unanswered(self.item, self.who)
        elif self.who is None and not all((p, self.item) in self.answers for p in self.present()):
            self.who = self._unanswered(self.item, None)

    def _answered(self) -> None:
        if self.mode == "round-robin" and self.order == "participant-major":
            who, later = self.who, self.items[self.items.index(self.item) + 1 :]
            nxt = next((i for i in later if (who, i) not in self.answers), None)
            if nxt is not None:
                self.item = nxt
                return
            person = next((p for p in self._after(who) if self._first_open_item(p)), None)
            if person is not None:
                self.item, self.who = self._first_open_item(person), person
            else:
                self.who = None
            return
        if self.mode == "round-robin":
            self.who = self._unanswered(self.item, self.who)
            if self.who is not None:
                return
        if not self.waiting():
            self.move(+1)

    def move(self, step: int) -> None:
        """← → (step -1 / +1)."""
        k = self.items.index(self.item) + step
        if not 0 <= k < len(self.items):
            return
        self.item = self.items[k]
        if self.mode == "round-robin" and self.order == "item-major":
            self.who = self._unanswered(self.item, None)
        elif self.mode == "round-robin" and self.who is None:
            present = self.present()
            self.who = present[0] if present else None

    def person(self, step: int) -> None:
        """↑ ↓ (step -1 / +1): everyone in the roster, absent people too."""
        if self.mode != "round-robin" or not self.people:
            return
        ids = [p[0] for p in self.people]
        if self.who in ids:
            self.who = ids[(ids.index(self.who) + step) % len(ids)]
        else:
            self.who = ids[0 if step > 0 else -1]

    def _absence(self, pid: str) -> None:
        if self.mode == "round-robin" and self.who is None:
            self.start()
            return
        if self.mode != "round-robin" or self.who != pid or not self.absent(pid):
            return
        if self.order == "participant-major":
            self.who = next((p for p in self._after(pid) if self._first_open_item(p)), None)
            first = self._first_open_item(self.who) if self.who else None
            self.item = first or self.item
        else:
            self.who = self._unanswered(self.item, pid)
