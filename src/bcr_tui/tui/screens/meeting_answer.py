"""The meeting screen's answer box, for items answered in words (text and table items): mounted
the first time such an item comes, given the keyboard at once (the next key is text, not a
command), left with Esc or a click so that the one-key commands work until the meeting moves on.

A mixin of `MeetingScreen`, which keeps the key handlers (Enter submits, a dialog closing gives
the box the keyboard back) and calls `_render_answer_form()` from `refresh_view()`.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.containers import Vertical
from textual.widgets import Input, Static

from bcr_tui.driver import Meeting
from bcr_tui.tui.widgets.answerbox import AnswerBox
from bcr_tui.tui.widgets.stage import ItemStage


class AnswerFocus:
    """Where the answer box is, and whether it should have the keyboard."""

    meeting: Meeting
    _answer_form: Vertical | None
    _box_left: tuple[str, str | None] | None

    def _render_answer_form(self) -> None:
        item = self.meeting.item
        written = item.kind in ("text", "table")
        if not written:
            if self._answer_form is not None:
                self._answer_form.display = False
                if self.query_one("#answer-text", Input).has_focus:
                    self.set_focus(None)
            return
        if self._answer_form is None:  # mounted the first time a written answer is asked for
            help_text = Static(id="answer-help")
            box = AnswerBox(id="answer-text", select_on_focus=False)  # a half answer stays
            self._answer_form = Vertical(help_text, box, id="answer-form")
            self.query_one("#stage").mount(self._answer_form, after=self.query_one(ItemStage))
        else:
            self._answer_form.display = True
            box = self.query_one("#answer-text", Input)
            help_text = self.query_one("#answer-help", Static)
        if item.kind == "table":
            labels = " | ".join(c.label for c in item.columns)
            rows = self.meeting.session.answer(self.meeting.rater or "", item.id) or []
            lines = [" | ".join(r.get(c.key, "") for c in item.columns) for r in rows]
            help_text.update(
                Text(
                    f"Type one row as: {labels}   (Enter adds it; Enter on an empty line goes on)\n"
                )
                + Text("\n".join(f"• {ln}" for ln in lines))
            )
        else:
            help_text.update(
                Text(
                    "Type the answer and press Enter (Enter on an empty line skips; "
                    "Esc leaves the box to use the other keys)."
                )
            )
        self._take_keyboard(box)

    def _box_wanted(self) -> bool:
        """True when the current item is answered in words and its box should have the keys."""
        meeting = self.meeting
        return (
            meeting.item.kind in ("text", "table")
            and meeting.rater is not None
            and self._box_left != (meeting.item.id, meeting.rater)
            and not self.has_class("-too-small")
        )

    def _take_keyboard(self, box: Input) -> None:
        """Give the answer box the keyboard now (not after a refresh: the next key is text)."""
        if self._box_wanted() and not box.has_focus:
            self.set_focus(box)

    def leave_box(self) -> None:
        """Esc in the answer box: the one-key commands work until the meeting moves on."""
        self._box_left = (self.meeting.item.id, self.meeting.rater)
        self.set_focus(None)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """The box lost the keyboard another way than Esc (a click elsewhere): the same as Esc,
        so the one-key commands work (a dialog opening is undone by its closing)."""
        if event.widget.id == "answer-text" and not event.widget.has_focus:
            self._box_left = (self.meeting.item.id, self.meeting.rater)

    def _refocus(self) -> None:
        if self._answer_form is not None and self._answer_form.display:
            self._take_keyboard(self.query_one("#answer-text", Input))
