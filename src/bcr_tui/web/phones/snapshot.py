"""What the phone server knows of the meeting: a snapshot the laptop sends it, as plain data.

The phones' server runs in its own process (`child`), so it never holds the session: the laptop
sends it this snapshot whenever something a phone page shows changes (the question, its reveal,
the roster, an answer, whether it is on disk). It holds each present person's own answer to the
current question, because a phone shows its owner's answer; the server gives each phone only its
own (`Snapshot.answer`). `take` builds it on the laptop; `Snapshot.of` reads it in the server,
trusting nothing: a field of the wrong type is left empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bcr_tui.session.state import Session
from bcr_tui.session.turns import item_index


@dataclass
class Person:
    """Someone on the roster, as the server needs them."""

    id: str
    name: str
    absent: bool = False
    profile: dict[str, Any] = field(default_factory=dict)


@dataclass
class Snapshot:
    """The meeting as phone pages show it."""

    item: str = ""
    index: int = 0
    count: int = 0
    blind: bool = False
    revealed: bool = False
    people: dict[str, Person] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    #: People with an answer in memory that is not yet on disk (their page must not say Saved).
    pending: frozenset[str] = frozenset()
    unsaved: bool = False

    @property
    def public(self) -> tuple:
        """What every page follows: the question, its reveal, who is present (never a vote)."""
        return (self.item, self.revealed, tuple(p.id for p in self.present))

    @property
    def present(self) -> list[Person]:
        return [p for p in self.people.values() if not p.absent]

    def answer(self, pid: str) -> Any:
        """`pid`'s own answer to the current question (None: none)."""
        return self.answers.get(pid)

    def durable(self, pid: str) -> bool:
        """True when everything recorded for `pid` is on disk."""
        return pid not in self.pending and not self.unsaved

    @classmethod
    def of(cls, message: dict[str, Any]) -> Snapshot:
        """The snapshot in a `state` message (fields of the wrong type are left empty)."""

        def get(key: str, kind: type, default: Any) -> Any:
            value = message.get(key, default)
            return value if isinstance(value, kind) else default

        people: dict[str, Person] = {}
        for row in get("people", list, []):
            if isinstance(row, list) and len(row) == 4 and all(isinstance(x, str) for x in row[:2]):
                profile = row[3] if isinstance(row[3], dict) else {}
                people[row[0]] = Person(row[0], row[1], bool(row[2]), profile)
        return cls(
            item=get("item", str, ""),
            index=get("index", int, 0),
            count=get("count", int, 0),
            blind=get("blind", bool, False),
            revealed=get("revealed", bool, False),
            people=people,
            answers=get("answers", dict, {}),
            pending=frozenset(x for x in get("pending", list, []) if isinstance(x, str)),
            unsaved=get("unsaved", bool, False),
        )


def take(session: Session, pending: set[str] | dict[str, int], unsaved: bool) -> dict[str, Any]:
    """The snapshot of `session`: the fields of a `state` message (on the laptop)."""
    item = session.cursor.item
    answers = {}
    for person in session.participants:
        value = session.answer(person.id, item)
        if value is not None:
            answers[person.id] = value
    return {
        "item": item,
        "index": item_index(session),
        "count": len(session.items),
        "blind": session.blind,
        "revealed": item in session.revealed,
        "people": [[p.id, p.name, p.absent, p.profile] for p in session.participants],
        "answers": answers,
        "pending": sorted(pending),
        "unsaved": bool(unsaved),
    }
