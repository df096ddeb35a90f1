"""What the meeting screen's lines say: the title (`TitleLine`, as on the audience view), the
save status and its warning, whose turn it is with the session's progress, the flash after a
key, and the live heatmap.

Kept apart from `meeting.py` (the screen's keys and actions) so that each module stays small;
`MeetingScreen` inherits these renderers and calls `refresh_view()` after every change.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from bcr_tui.analysis.counts import CountMemo
from bcr_tui.analysis.grids import domain_answers
from bcr_tui.driver import Meeting
from bcr_tui.session.records import Participant
from bcr_tui.tui.widgets.heatmap import HeatmapView
from bcr_tui.tui.widgets.layout import TitleLine
from bcr_tui.tui.widgets.line import Line
from bcr_tui.tui.widgets.roster import RosterStrip
from bcr_tui.tui.widgets.stage import ItemStage
from bcr_tui.tui.widgets.summary import ItemSummary

#: How often the meeting screen retries a save that failed (the warning says so).
RETRY_SECONDS = 5.0


class MeetingLines:
    """The meeting screen's rendering, from the meeting's state (a mixin of `MeetingScreen`)."""

    meeting: Meeting
    _counts: CountMemo
    _bindings_item: str | None

    def _render_live_heatmap(self) -> None:
        self.query_one("#live-heatmap", HeatmapView).show(
            domain_answers(self.meeting.session, self._counts)
        )

    def _profile_due(self, person: Participant | None) -> int:
        """How many About-You questions to offer `person` on their first turn (0: none)."""
        session = self.meeting.session
        if person is None or session.answers.get(person.id):
            return 0
        return sum(1 for q in session.instrument.profile if q.id not in person.profile)

    def _flash(self, message: str, *, saved: bool | None) -> None:
        flash = self.query_one("#flash", Line)
        if saved is True:
            flash.show(Text("✓ ") + Text(message) + Text(" — saved", style="bold"))
        elif saved is False:
            flash.show(Text("⚠ ") + Text(message) + Text(" — NOT SAVED YET", style="bold"))
        else:
            flash.show(Text(message))
        flash.set_class(saved is False, "-unsaved")

    # -- rendering -------------------------------------------------------------------------
    #: How many times the screen has been rendered from the meeting (the phones' join panel skips
    #: a repaint for votes that a render since has shown).
    views = 0

    def refresh_view(self) -> None:
        """Render every part of the screen from the meeting's state."""
        self.views += 1
        meeting = self.meeting
        session = meeting.session
        item = meeting.item
        self.query_one("#title", TitleLine).show_session(session)
        self._render_save_status()
        chosen = session.answer(meeting.rater, item.id) if meeting.rater else None
        if session.mode == "group":
            chosen = session.answer("group", item.id)
        enabled = meeting.rater is not None
        self.query_one(ItemStage).show(
            session,
            item,
            chosen if session.is_visible(item.id) or session.mode != "round-robin" else None,
            enabled=enabled,
            note=session.notes.get(item.id),
        )
        self._render_answer_form()
        self._render_turn()
        self.query_one(RosterStrip).show_roster(session, item.id)
        self.query_one(ItemSummary).show_item(session, item)
        self._render_live_heatmap()
        if item.id != self._bindings_item:  # what the keys can do depends on the item's kind
            self._bindings_item = item.id
            self.refresh_bindings()

    def _render_save_status(self) -> None:
        meeting = self.meeting
        status = self.query_one("#save-status", Line)
        warning = self.query_one("#save-warning", Static)
        if meeting.unsaved:
            status.show(Text("⚠ NOT SAVED", style="bold"))
            if meeting.conflict:
                advice = (
                    "bcr keeps every answer in memory. Press ctrl+s to save bcr's answers "
                    "over the other program's version. Do not close bcr."
                )
            else:
                advice = (
                    f"bcr keeps every answer in memory and tries again every "
                    f"{RETRY_SECONDS:.0f} s. Do not close bcr."
                )
            warning.update(
                Text.assemble(("⚠ NOT SAVED: ", "bold"), f"{meeting.save_error}. ", advice)
            )
        else:
            status.show(Text("✓ all saved", style="bold"))
        status.set_class(meeting.unsaved, "-unsaved")
        warning.display = meeting.unsaved

    def _render_turn(self) -> None:
        meeting = self.meeting
        turn = self.query_one("#turn", Line)
        session = meeting.session
        if meeting.waiting_for_reveal:
            message = Text("Everyone has answered: ", style="bold") + Text(
                "press r to reveal, then → for the next item."
            )
        elif session.mode == "tally":
            message = Text("Count hands: ", style="bold") + Text(
                "press an answer's number, then type how many chose it."
            )
        elif meeting.rater is None:
            message = Text("Everyone present has answered this item. ", style="bold") + Text(
                "Press → for the next item."
            )
        else:
            message = Text("▶ Turn: ", style="bold") + Text(meeting.rater_name, style="bold")
            person = session.participant(meeting.rater)
            if person is not None and person.organization:
                message.append(f"  ({person.organization})")
            unanswered = self._profile_due(person)
            if unanswered:  # their first turn: offered, never forced (a digit just goes on)
                message.append(
                    f"   · p: About You ({unanswered} question{'s' if unanswered > 1 else ''})",
                    style="bold",
                )
        # The session's progress sits here, by the turn, not in the top bar: what changes on every
        # key stays at the bottom of the screen, so a key repaints only that part of it.
        progress = Text(f"{session.answered_count()}/{session.expected()} answers")
        turn.show(message, progress)
        turn.set_class(meeting.rater is not None, "-active")
