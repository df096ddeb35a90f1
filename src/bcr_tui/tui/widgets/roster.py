"""Who is in the room for this item: ▶ has the turn, ✓ has answered, · still to answer,
✗ absent. In a blind round only *who* has answered shows, never what.
"""

from __future__ import annotations

from rich.text import Text

from bcr_tui.session import Session
from bcr_tui.tui.widgets.line import Line

MAX_NAME = 18


class RosterStrip(Line):
    """The roster for the current item, in one or a few lines."""

    def show_roster(self, session: Session, item_id: str) -> None:
        """Render the roster's state for `item_id`."""
        self.show(roster_text(session, item_id))


#: Up to this many people, every name is shown; beyond, the strip shows who is next.
FULL_ROSTER = 8
#: How many upcoming names the compact strip shows.
UPCOMING = 4


def roster_text(session: Session, item_id: str) -> Text:
    """The roster line(s): counts first, then names with their glyphs."""
    if session.mode != "round-robin":
        who = "The whole group answers together." if session.mode == "group" else (
            "Count the raised hands for each answer.")
        return Text(who)
    turn = session.cursor.who
    answered = {p.id for p in session.participants if session.answer(p.id, item_id) is not None}
    absent = [p for p in session.participants if p.absent]
    present = [p for p in session.participants if not p.absent]
    done = sum(1 for p in present if p.id in answered)
    head = Text(f"{done} of {len(present)} answered", style="bold")
    if absent:
        head.append(f" · {len(absent)} absent")
    head.append("   ")
    if len(session.participants) <= FULL_ROSTER:
        for person in session.participants:
            head += _name(person.name, _glyph(person.id, person.absent, turn, answered))
        return head
    ids = [p.id for p in present]
    start = ids.index(turn) + 1 if turn in ids else 0
    upcoming = [p for p in present[start:] + present[:start]
                if p.id not in answered and p.id != turn][:UPCOMING]
    if turn is not None and session.participant(turn) is not None:
        head += _name(session.participant(turn).name, ("▶", "bold reverse"))
    if upcoming:
        head.append(" next:", style="bold")
        for person in upcoming:
            head += _name(person.name, ("·", "dim"))
    waiting = len(present) - done - (turn is not None) - len(upcoming)
    if waiting > 0:
        head.append(f" +{waiting} more")
    if absent:
        head.append("  absent:", style="bold")
        for person in absent[:UPCOMING]:
            head += _name(person.name, ("✗", "dim strike"))
    return head


def _glyph(pid: str, absent: bool, turn: str | None, answered: set[str]) -> tuple[str, str]:
    if absent:
        return "✗", "dim strike"
    if pid == turn:
        return "▶", "bold reverse"
    return ("✓", "") if pid in answered else ("·", "dim")


def _name(name: str, glyph: tuple[str, str]) -> Text:
    short = name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"
    return Text.assemble((f" {glyph[0]} {short} ", glyph[1]), " ")
