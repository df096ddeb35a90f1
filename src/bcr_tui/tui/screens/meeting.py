"""The meeting screen: one item at a time, big; whose turn; the answer cards; the roster; a live
summary; progress; and a save indicator that says "saved" only once the save is durable.

A key press is a binding → an action here → a `Meeting` operation (change, move, save) → a
`SessionChanged` message → `refresh_view()`.

This module keeps compose, the keys' actions and what follows every change; the rendering is in
`meeting_lines.py`, the answer box's keyboard in `meeting_answer.py`, the palette-only commands
in `meeting_commands.py` (each a mixin of `MeetingScreen`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from bcr_tui import gcpause
from bcr_tui.analysis.counts import CountMemo
from bcr_tui.driver import Meeting, Outcome
from bcr_tui.errors import SessionFileError
from bcr_tui.tui.keymap import MEETING, bindings
from bcr_tui.tui.messages import SessionChanged
from bcr_tui.tui.screens.base import BcrScreen
from bcr_tui.tui.screens.meeting_answer import AnswerFocus
from bcr_tui.tui.screens.meeting_commands import MeetingCommands
from bcr_tui.tui.screens.meeting_lines import RETRY_SECONDS, MeetingLines
from bcr_tui.tui.widgets.layout import compose_room
from bcr_tui.tui.widgets.line import Line

if TYPE_CHECKING:
    from bcr_tui.tui.widgets.joinpanel import JoinPanel

#: A session opened with `bcr open` has its change log (most of a big file) read this long after
#: the first frame is drawn, not before it; a save or an undo before then reads it first.
READ_LOG_AFTER_S = 0.1


class MeetingScreen(MeetingLines, MeetingCommands, AnswerFocus, BcrScreen):
    """Run the session in the room."""

    BINDINGS = bindings(MEETING)
    AUTO_FOCUS = ""  # nothing: the keys belong to the screen (None would mean the app's "*")
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self, meeting: Meeting) -> None:
        super().__init__()
        self.meeting = meeting
        self._bindings_item: str | None = None
        self._answer_form: Vertical | None = None
        self._counts = CountMemo()  # the live heatmap counts only the items a key changed
        #: The (item, rater) whose answer box the facilitator left with Esc: the one-key commands
        #: work there until the meeting moves on, an undo or redo, or a dialog closes.
        self._box_left: tuple[str, str | None] | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_too_small()
        phones_at_once = getattr(self.app, "phones", None) is not None  # `bcr open --phones`
        yield from compose_room(
            Line(id="save-status"),
            _join_panel_widget() if phones_at_once else None,
            [Static(id="save-warning")],
        )

    def on_mount(self) -> None:
        """First render, the timer that retries saves, and reading the change log."""
        self.refresh_view()
        self.set_interval(RETRY_SECONDS, self._retry_save)
        self.call_after_refresh(self.set_timer, READ_LOG_AFTER_S, self._read_log)  # frame first
        self.call_after_refresh(self.set_timer, READ_LOG_AFTER_S, self._join_panel_later)

    def _read_log(self) -> None:
        """Read the change log left for after the first frame. A damaged one ends bcr with one
        sentence and exit code 2, as opening a damaged file does, before anything is saved.
        Not when bcr is already closing (ctrl+q at once): nothing more will be saved."""
        if self.app.return_code is not None:
            return
        try:
            with gcpause.paused():  # ten thousand entries that live as long as bcr does
                self.meeting.store.read_log()
        except SessionFileError as exc:
            self.app.exit(return_code=2, message=Text(f"bcr: {exc}"))

    # -- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what applies to this session (and grey out what does not apply now)."""
        session = self.meeting.session
        round_robin = session.mode == "round-robin"
        if self.has_class("-too-small") and action not in ("help",):
            return False  # nothing is recorded that the facilitator cannot see
        if action in ("toggle_absent",) or (
            action == "move" and parameters[:1] in (("up",), ("down",))
        ):
            return round_robin
        if action == "save_over":
            return self.meeting.conflict or None
        if action == "reveal":
            return session.blind or False
        if action == "profile":
            return bool(session.instrument.profile and session.participants) or False
        if self._box_wanted() and action not in ("help", "app.quit", "app.command_palette"):
            # Keys typed ahead while the box was taking the keyboard are never commands.
            answer_box = self.query("#answer-text")
            if answer_box and not answer_box.first().has_focus:
                return False
        if action == "rate_digit":
            item = self.meeting.item
            if item.kind not in ("rating", "choice"):
                return None
        return True

    def action_rate_digit(self, digit: int) -> None:
        """Record the answer with this number for whoever has the turn."""
        if self.meeting.session.mode == "tally" and self.meeting.item.scale is not None:
            self.app.push_screen(_tally_screen(self.meeting, digit), self._tallied)
            return
        self._after(self.meeting.rate(digit))

    def action_undo(self) -> None:
        """Undo the last change."""
        self._box_left = None  # back at an answer: its box has the keyboard again
        self._after(self.meeting.undo())

    def action_redo(self) -> None:
        """Redo the last undone change."""
        self._box_left = None
        self._after(self.meeting.redo())

    def action_move(self, where: str) -> None:
        """Move between items and participants."""
        self._box_left = None
        self._after(self.meeting.move(where))

    def action_toggle_absent(self) -> None:
        """Mark the person with the turn absent, or back."""
        self._after(self.meeting.toggle_absent())

    def action_save_over(self) -> None:
        """Save over a file that another program changed (the facilitator decided)."""
        if self.meeting.conflict:
            self._after(self.meeting.save_anyway())

    def action_reveal(self) -> None:
        """Reveal a blind item's answers."""
        self._after(self.meeting.reveal())

    def action_note(self) -> None:
        """Write a note on the current item."""
        from bcr_tui.tui.screens.dialogs import NoteScreen

        current = self.meeting.session.notes.get(self.meeting.item.id, "")
        self.app.push_screen(NoteScreen(current), self._noted)

    def action_profile(self) -> None:
        """About-You answers for the person with the turn (or the first person)."""
        from bcr_tui.tui.screens.profile import ProfileScreen

        session = self.meeting.session
        who = session.cursor.who
        person = session.participant(who) if who else None
        person = person or (session.participants[0] if session.participants else None)
        if person is not None:
            self.app.push_screen(ProfileScreen(session.instrument, person), self._profiled)

    def action_about(self) -> None:
        """The instrument's instructions and the current domain's description."""
        from bcr_tui.instrument.model import fill
        from bcr_tui.tui.screens.help import AboutScreen

        session = self.meeting.session
        instrument = session.instrument
        domain = instrument.domain_of(self.meeting.item.id)
        parts = [
            (heading, fill(text.strip(), session.community))
            for heading, text in (
                ("Instructions", instrument.instructions),
                ("About this instrument", instrument.intro),
                (domain.title if domain else "", domain.description if domain else None),
            )
            if text
        ]
        if not parts:
            parts = [("", "This instrument has no instructions or descriptions.")]
        self.app.push_screen(AboutScreen(instrument.title, parts))

    def action_heatmap(self) -> None:
        """The full-screen heatmap."""
        from bcr_tui.tui.screens.heatmap import HeatmapScreen

        self.app.push_screen(HeatmapScreen(self.meeting.session))

    def action_readout(self) -> None:
        """The read-out of strengths, priorities and disagreement."""
        from bcr_tui.tui.screens.readout import ReadoutScreen

        self.app.push_screen(ReadoutScreen(self.meeting))

    def action_help(self) -> None:
        """Every key, explained."""
        from bcr_tui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(MEETING))

    async def action_phones(self, what: str) -> None:
        """Phones: on/off (`j`), release a seat, automatic reveal (the join panel does it)."""
        await (await self.join_panel()).command(what)

    async def _join_panel_later(self) -> None:
        if self.app.return_code is None:  # not when bcr is already closing
            await self.join_panel()

    async def join_panel(self) -> JoinPanel:
        """The phones' join panel, mounted after the first frame (or by the first `j` before
        then): hidden until phones are on, it and the phone code it imports are no part of
        opening a meeting (`tests/test_import_hygiene.py`). Its `on_mount` withdraws a join
        address a killed bcr left beside the session."""
        found = self.query("#join-panel")
        if found:
            return found.first()  # type: ignore[return-value]
        panel = _join_panel_widget()
        await self.mount(panel, after="#save-warning")
        return panel

    # -- results of dialogs ----------------------------------------------------------------
    def _tallied(self, counts: dict[str, int] | None) -> None:
        if counts is not None:
            self._after(self.meeting.set_tally(counts))

    def _noted(self, text: str | None) -> None:
        if text is not None:
            self._after(self.meeting.note(text))

    def _profiled(self, result: tuple | None) -> None:
        if result is not None:
            person, answers = result
            self._after(self.meeting.set_profile(person, answers))

    @on(Input.Submitted, "#answer-text")
    def _answer_text(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if not text:
            self._after(self.meeting.move("next"))
            return
        item = self.meeting.item
        if item.kind == "table":
            columns = [c.key for c in item.columns]
            parts = [p.strip() for p in text.split("|")]
            row = {k: v for k, v in zip(columns, parts, strict=False) if v}
            rows = list(self.meeting.session.answer(self.meeting.rater or "", item.id) or [])
            self._after(self.meeting.answer([*rows, row]), advance=False)
        else:
            self._after(self.meeting.answer(text))

    # -- after every change ----------------------------------------------------------------
    def _after(self, outcome: Outcome, *, advance: bool = True) -> None:
        # Shown at once, not through a message: the answer box takes the keyboard before the
        # next key is read (a key queued behind a message would run a command instead).
        keys_first = getattr(self.app, "keys_first", None)
        if keys_first is not None:  # phones on: the next frame, showing this, ends their hold
            keys_first.handled()
        if outcome.changed:
            self._show(outcome)
            return
        if outcome.message:
            self._flash(outcome.message, saved=None)
        self._refocus()

    @on(SessionChanged)
    def _changed(self, event: SessionChanged) -> None:
        self._show(event.outcome)

    def _show(self, outcome: Outcome) -> None:
        self.refresh_view()
        if outcome.message:
            self._flash(outcome.message, saved=outcome.saved)

    def _retry_save(self) -> None:
        if self.meeting.unsaved and not self.meeting.conflict:  # a conflict needs a decision
            outcome = self.meeting.retry()
            if outcome.saved:
                self.post_message(SessionChanged(outcome))
            else:
                self.refresh_view()

    def on_screen_resume(self) -> None:
        """A dialog or screen closed: a written answer's box takes the keyboard again."""
        super().on_screen_resume()
        self._box_left = None
        self._refocus()


def _join_panel_widget() -> JoinPanel:
    from bcr_tui.tui.widgets.joinpanel import JoinPanel

    return JoinPanel(id="join-panel")


def _tally_screen(meeting: Meeting, digit: int):  # noqa: ANN202 - returns a Textual screen
    from bcr_tui.tui.screens.dialogs import TallyScreen

    item = meeting.item
    assert item.scale is not None
    return TallyScreen(item, meeting.session.tally.get(item.id, {}), focus_digit=digit)
