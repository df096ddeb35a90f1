"""The meeting screen: one item at a time, big; whose turn; the answer cards; the roster; a live
summary; progress; and a save indicator that says "saved" only once the save is durable.

A key press is a binding → an action here → a `Meeting` operation (change, move, save) → a
`SessionChanged` message → `refresh_view()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from bcr_tui import gcpause
from bcr_tui.analysis.counts import CountMemo
from bcr_tui.analysis.grids import domain_answers
from bcr_tui.driver import Meeting, Outcome
from bcr_tui.errors import SessionFileError
from bcr_tui.plaintext import one_line as plain
from bcr_tui.session.records import Participant
from bcr_tui.tui.keymap import MEETING, bindings
from bcr_tui.tui.messages import SessionChanged
from bcr_tui.tui.screens.base import BcrScreen
from bcr_tui.tui.widgets.answerbox import AnswerBox
from bcr_tui.tui.widgets.heatmap import HeatmapView
from bcr_tui.tui.widgets.joinpanel import JoinPanel
from bcr_tui.tui.widgets.keybar import KeyBar
from bcr_tui.tui.widgets.line import Line
from bcr_tui.tui.widgets.roster import RosterStrip
from bcr_tui.tui.widgets.stage import ItemStage
from bcr_tui.tui.widgets.summary import ItemSummary

RETRY_SECONDS = 5.0
#: A session opened with `bcr open` has its change log (most of a big file) read this long after
#: the first frame is drawn, not before it; a save or an undo before then reads it first.
READ_LOG_AFTER_S = 0.1


class MeetingScreen(BcrScreen):
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
        with Horizontal(id="topbar"):
            yield Line(id="title")
            yield Line(id="save-status")
        yield Static(id="save-warning")
        yield JoinPanel(id="join-panel")
        with VerticalScroll(id="stage"):
            yield ItemStage()
            yield HeatmapView(id="live-heatmap", label_width=24)
        yield Line(id="turn")
        yield RosterStrip(id="roster")
        yield ItemSummary(id="summary")
        yield Line(id="flash")
        yield KeyBar()

    def on_mount(self) -> None:
        """First render, the timer that retries saves, and reading the change log."""
        self.refresh_view()
        self.set_interval(RETRY_SECONDS, self._retry_save)
        self.call_after_refresh(self.set_timer, READ_LOG_AFTER_S, self._read_log)  # frame first

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

    def _render_live_heatmap(self) -> None:
        self.query_one("#live-heatmap", HeatmapView).show(
            domain_answers(self.meeting.session, self._counts)
        )

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
        await self.query_one(JoinPanel).command(what)

    def audience(self, key: str) -> None:
        """Hide or show names / results on the audience view (the palette's command)."""
        self._after(self.meeting.toggle_audience(key))

    def add_participant(self, name: str) -> None:
        """Add a late arrival (the palette's command)."""
        from bcr_tui.session.roster import parse_roster

        for person, organization in parse_roster(name):
            self._after(self.meeting.add_participant(person, organization))

    # -- the palette's commands on the roster, About-You and action steps -------------------
    def more_commands(self) -> Iterator[SystemCommand]:
        """Commands only the palette offers (`BcrApp.get_system_commands` lists them)."""
        session = self.meeting.session
        if session.participants:
            yield SystemCommand(
                "Correct a participant's name",
                "Fix a name (Name | Organization); the change is in the change log, u undoes it.",
                self._ask_rename,
            )
            yield SystemCommand(
                "Remove a participant (no answers yet)",
                "Someone added by mistake or who never came; u brings them back.",
                self._ask_remove,
            )
        if session.instrument.profile and session.participants:
            yield SystemCommand(
                "About You: everyone, one after another",
                "Each person's About-You questions in turn (Esc skips a person).",
                lambda: self._profiles([p.id for p in session.participants]),
            )
        yield SystemCommand(
            "Add an action step",
            "What, what is needed, who, by when.",
            lambda: self._action_step("add"),
        )
        if session.actions:
            yield SystemCommand(
                "Edit an action step",
                "Change an agreed action step.",
                lambda: self._action_step("edit"),
            )
            yield SystemCommand(
                "Delete an action step",
                "Remove an action step (u undoes).",
                lambda: self._action_step("delete"),
            )

    def _action_step(self, verb: str) -> None:
        from bcr_tui.tui.screens.dialogs import change_action_step

        change_action_step(self.app, self.meeting, verb, self._after)

    def _pick(self, title: str, options: list[tuple[str, str]], then: Callable) -> None:
        from bcr_tui.tui.screens.dialogs import pick

        pick(self.app, title, options, then)

    def _ask_rename(self) -> None:
        from bcr_tui.tui.screens.dialogs import PromptScreen

        def rename(pid: str) -> None:
            person = self.meeting.session.participant(pid)
            if person is None:
                return
            current = person.name + (f" | {person.organization}" if person.organization else "")
            self.app.push_screen(
                PromptScreen(f"Correct the name of {person.name} (Name | Organization)", current),
                lambda text: (
                    text is not None and self._after(self.meeting.rename_participant(pid, text))
                ),
            )

        self._pick(
            "Whose name?",
            [(plain(p.name), p.id) for p in self.meeting.session.participants],
            rename,
        )

    def _ask_remove(self) -> None:
        session = self.meeting.session
        removable = [
            (plain(p.name), p.id)
            for p in session.participants
            if not session.answers.get(p.id) and not p.profile
        ]
        if not removable:
            self._flash("Everyone has answers: mark someone absent (a) instead.", saved=None)
            return
        self._pick(
            "Remove whom? (only people with no answers)",
            removable,
            lambda pid: self._after(self.meeting.remove_participant(pid)),
        )

    def _profile_due(self, person: Participant | None) -> int:
        """How many About-You questions to offer `person` on their first turn (0: none)."""
        session = self.meeting.session
        if person is None or session.answers.get(person.id):
            return 0
        return sum(1 for q in session.instrument.profile if q.id not in person.profile)

    def _profiles(self, pids: list[str]) -> None:
        """About-You for these people, one after another (Esc skips a person)."""
        from bcr_tui.tui.screens.profile import ProfileScreen

        session = self.meeting.session
        people = [p for p in (session.participant(pid) for pid in pids) if p is not None]
        if not people:
            return

        def then(result: tuple | None) -> None:
            self._profiled(result)
            self._profiles([p.id for p in people[1:]])

        self.app.push_screen(ProfileScreen(session.instrument, people[0]), then)

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
    def refresh_view(self) -> None:
        """Render every part of the screen from the meeting's state."""
        meeting = self.meeting
        session = meeting.session
        item = meeting.item
        instrument = session.instrument
        community = session.community
        self.query_one("#title", Line).show(
            Text.assemble(
                (instrument.short_title or instrument.title, "bold"),
                " · ",
                session.title,
                (f" · {community}" if community else ""),
            )
        )
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

    def on_screen_resume(self) -> None:
        """A dialog or screen closed: a written answer's box takes the keyboard again."""
        super().on_screen_resume()
        self._box_left = None
        self._refocus()

    def _refocus(self) -> None:
        if self._answer_form is not None and self._answer_form.display:
            self._take_keyboard(self.query_one("#answer-text", Input))

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


def _tally_screen(meeting: Meeting, digit: int):  # noqa: ANN202 - returns a Textual screen
    from bcr_tui.tui.screens.dialogs import TallyScreen

    item = meeting.item
    assert item.scale is not None
    return TallyScreen(item, meeting.session.tally.get(item.id, {}), focus_digit=digit)
