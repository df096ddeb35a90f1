"""Who is in the room for this item: ▶ has the turn, ✓ has answered, · still to answer,
✗ absent. In a blind round only *who* has answered shows, never what.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from bcr_tui.session.state import Session
from bcr_tui.tui.widgets.line import Line, line_strip

MAX_NAME = 18


class RosterStrip(Line):
    """The roster for the current item, in one or a few lines; a name is never split across
    two lines."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._parts: list[Text] = []

    def show_roster(self, session: Session, item_id: str) -> None:
        """Render the roster's state for `item_id`."""
        self._parts = roster_parts(session, item_id)
        self.show(Text().join(self._parts))

    def _render_strips(self, width: int, style: Style) -> list[Strip]:
        lines = [Text()]
        for part in self._parts:  # each part on the line it starts, or whole on the next
            if lines[-1].cell_len and lines[-1].cell_len + cell_len(part.plain.rstrip()) > width:
                lines.append(Text())
            lines[-1].append_text(part)
        return [line_strip(line, width, style, "left", self.app.console) for line in lines]


#: Up to this many people, every name is shown; beyond, the strip shows who is next.
FULL_ROSTER = 8
#: How many upcoming names the compact strip shows.
UPCOMING = 4


def roster_parts(session: Session, item_id: str) -> list[Text]:
    """The roster as parts that are never split across lines: the counts, then each name with
    its glyph (a label such as "next:" kept with the name after it)."""
    if session.mode != "round-robin":
        who = (
            "The whole group answers together."
            if session.mode == "group"
            else ("Count the raised hands for each answer.")
        )
        return [Text(who)]
    turn = session.cursor.who
    answered = {p.id for p in session.participants if session.answer(p.id, item_id) is not None}
    absent = [p for p in session.participants if p.absent]
    present = [p for p in session.participants if not p.absent]
    done = sum(1 for p in present if p.id in answered)
    head = Text(f"{done} of {len(present)} answered", style="bold")
    if absent:
        head.append(f" · {len(absent)} absent")
    head.append("   ")
    parts = [head]
    if len(session.participants) <= FULL_ROSTER:
        parts += [
            _name(person.name, _glyph(person.id, person.absent, turn, answered))
            for person in session.participants
        ]
        return parts
    ids = [p.id for p in present]
    start = ids.index(turn) + 1 if turn in ids else 0
    upcoming = [
        p for p in present[start:] + present[:start] if p.id not in answered and p.id != turn
    ][:UPCOMING]
    person = session.participant(turn) if turn is not None else None
    if person is not None:
        parts.append(_name(person.name, ("▶", "bold reverse")))
    parts += _labelled(" next:", [_name(p.name, ("·", "dim")) for p in upcoming])
    waiting = len(present) - done - (turn is not None) - len(upcoming)
    if waiting > 0:
        parts.append(Text(f" +{waiting} more"))
    parts += _labelled("  absent:", [_name(p.name, ("✗", "dim strike")) for p in absent[:UPCOMING]])
    return parts


def _labelled(label: str, names: list[Text]) -> list[Text]:
    """`names` with `label` (bold) joined to the first of them; nothing if there are none."""
    if not names:
        return []
    return [Text(label, style="bold") + names[0], *names[1:]]


def _glyph(pid: str, absent: bool, turn: str | None, answered: set[str]) -> tuple[str, str]:
    if absent:
        return "✗", "dim strike"
    if pid == turn:
        return "▶", "bold reverse"
    return ("✓", "") if pid in answered else ("·", "dim")


def _name(name: str, glyph: tuple[str, str]) -> Text:
    short = name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"
    return Text.assemble((f" {glyph[0]} {short} ", glyph[1]), " ")
