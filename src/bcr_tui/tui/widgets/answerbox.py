"""The box a written answer (an open question, a row of a table) is typed into.

While it has the keyboard, letters and digits are text: the meeting's one-key commands wait.
Enter records what was typed; Esc leaves the box so the keys work again (← → move on, u undoes).
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class AnswerBox(Input):
    """An `Input` whose Enter and Esc are shown in the key bar."""

    BINDINGS = [
        Binding("enter", "submit", "record", key_display="Enter", id="answer-record"),
        Binding("escape", "leave", "leave the box", key_display="Esc", id="answer-leave"),
    ]

    def action_leave(self) -> None:
        """Give the keyboard back to the meeting's keys (until the meeting moves on)."""
        leave = getattr(self.screen, "leave_box", None)
        if leave is not None:
            leave()
        else:
            self.screen.set_focus(None)
