"""Who is in the room for this item: ▶ has the turn, ✓ has answered, · still to answer,
✗ absent. In a blind round only *who* has answered shows, never what.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from bcr_tui.session import Session

MAX_NAME = 18


class RosterStrip(Static):
    """The roster for the current item, in one or a few lines."""

    def show(self, session: Session, item_id: str) -> None:
        """Render the roster's state for `item_id`."""
        self.update(roster_text(session, item_id))


def roster_text(session: Session, item_id: str) -> Text:
    """The roster line(s): counts first, then each name with its glyph."""
    if session.mode != "round-robin":
        who = "The whole group answers together." if session.mode == "group" else (
            "Count the raised hands for each answer.")
        return Text(who)
    turn = session.cursor.who
    done = absent = 0
    names = Text()
    for person in session.participants:
        answered = session.answer(person.id, item_id) is not None
        if person.absent:
            glyph, style = "✗", "dim strike"
            absent += 1
        elif person.id == turn:
            glyph, style = "▶", "bold reverse"
        elif answered:
            glyph, style = "✓", ""
        else:
            glyph, style = "·", "dim"
        done += answered and not person.absent
        name = person.name if len(person.name) <= MAX_NAME else person.name[: MAX_NAME - 1] + "…"
        names.append(f" {glyph} {name} ", style=style)
        names.append(" ")
    present = len(session.participants) - absent
    head = Text(f"{done} of {present} answered", style="bold")
    if absent:
        head.append(f" · {absent} absent")
    head.append("   ")
    return head + names
