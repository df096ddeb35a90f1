"""The read-out: strengths, what needs attention now, where the room disagrees, group gaps,
the reflection questions, notes and action steps (which can be added here, and are saved).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from bcr_tui.analysis.findings import Finding, findings
from bcr_tui.driver import Meeting
from bcr_tui.tui.messages import SessionChanged
from bcr_tui.tui.screens.base import BcrScreen
from bcr_tui.tui.widgets.keybar import KeyBar


class ReadoutScreen(BcrScreen):
    """What the room should discuss now."""

    BINDINGS = [
        Binding(
            "escape,o", "app.pop_screen", "back", id="readout-back", tooltip="Back to the meeting."
        ),
        Binding(
            "a,plus",
            "action_step('add')",
            "add action step",
            id="readout-add",
            tooltip="Add an agreed action step (saved in the session).",
        ),
        Binding(
            "e",
            "action_step('edit')",
            "edit step",
            id="readout-edit",
            tooltip="Change an action step.",
        ),
        Binding(
            "d",
            "action_step('delete')",
            "delete step",
            id="readout-delete",
            tooltip="Delete an action step (u in the meeting undoes it).",
        ),
    ]

    def __init__(self, meeting: Meeting) -> None:
        super().__init__()
        self.meeting = meeting

    def compose(self) -> ComposeResult:
        yield from self.compose_too_small()
        yield VerticalScroll(id="readout")
        yield KeyBar()

    def on_mount(self) -> None:
        """Render the findings."""
        self.render_findings()

    def render_findings(self) -> None:
        """(Re)build the read-out from the session: headings, then indented findings."""
        session = self.meeting.session
        f = findings(session)
        lines: list[Static] = [
            Static(Text(f"Read-out · {session.title}", style="bold"), classes="results-title")
        ]
        counted = f"{f.answers} answers counted"
        if f.hidden:
            counted += f" · {f.hidden} blind item(s) not yet revealed are left out"
        lines.append(Static(counted, classes="results-note"))
        lines += _section("Major strengths", f.strengths, "No item stands out as a strength yet.")
        lines += _section(
            "Needs immediate attention", f.priorities, "No item needs immediate attention yet."
        )
        lines += _section(
            "Where the room disagrees",
            f.contested,
            "No item splits the room (or too few answers to say).",
        )
        if f.missing:
            lines += _section('Conditions answered "No" (not in place)', f.missing, "")
        if f.groups:
            lines += _section("Groups that see it differently", f.groups, "")
        if f.gaps:
            lines += _section("Where we are now and where we want to be", f.gaps, "")
        for question, answers in f.written:
            lines.append(Static(Text(f"Written: {question}"), classes="results-heading"))
            lines += [Static(Text(f"• {a}"), classes="finding") for a in answers]
        for title, questions in f.reflection:
            lines.append(Static(title, classes="results-heading", markup=False))
            lines += [
                Static(f"{n}. {q}", classes="finding", markup=False)
                for n, q in enumerate(questions, start=1)
            ]
        if f.notes:
            lines += _section("Notes", f.notes, "")
        lines.append(Static("Action steps", classes="results-heading"))
        if not f.actions:
            lines.append(Static("None yet. Press a to add one.", classes="finding"))
        else:
            lines.append(
                Static(
                    "a adds a step · e edits one · d deletes one (u in the meeting undoes)",
                    classes="results-note",
                )
            )
        for n, a in enumerate(f.actions, start=1):
            details = " · ".join(
                x
                for x in (
                    f"needs: {a.needs}" if a.needs else "",
                    f"owner: {a.owner}" if a.owner else "",
                    f"due: {a.due}" if a.due else "",
                )
                if x
            )
            lines.append(
                Static(
                    Text.assemble((f"{n}. {a.step}", "bold"), f"\n{details}" if details else ""),
                    classes="finding",
                )
            )
        body = self.query_one("#readout", VerticalScroll)
        body.remove_children()
        body.mount_all(lines)

    def action_action_step(self, verb: str) -> None:
        """Add, edit or delete an action step (logged: undo in the meeting covers it)."""
        from bcr_tui.tui.screens.dialogs import change_action_step

        change_action_step(
            self.app, self.meeting, verb, lambda outcome: self.post_message(SessionChanged(outcome))
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Edit and delete only when there is a step."""
        if action == "action_step" and parameters[:1] != ("add",):
            return bool(self.meeting.session.actions) or None
        return True

    def on_session_changed(self, event: SessionChanged) -> None:
        """Show the new action step and whether it is saved."""
        self.render_findings()
        saved = "saved" if event.outcome.saved else "NOT SAVED (retrying)"
        said = (
            f"{event.outcome.message} ({saved})" if event.outcome.changed else event.outcome.message
        )
        self.notify(
            said, severity="information" if event.outcome.saved else "error", markup=False
        )  # the step's words are the facilitator's, not markup


def _section(title: str, items: tuple[Finding, ...], empty: str) -> list[Static]:
    out = [Static(title, classes="results-heading")]
    if not items:
        out.append(Static(empty, classes="finding"))
    for n, item in enumerate(items, start=1):
        out.append(
            Static(
                Text.assemble(
                    (f"{n}. {item.title}", "bold"),
                    f"  ({item.where})" if item.where else "",
                    f"\n{item.figures}",
                ),
                classes="finding",
            )
        )
    return out
