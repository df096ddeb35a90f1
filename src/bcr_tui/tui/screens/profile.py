"""About-You questions for one participant: choices, multiple choices, "Other" and open text."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, RadioButton, RadioSet, SelectionList, Static

from bcr_tui.instrument.model import Instrument
from bcr_tui.session.records import Participant
from bcr_tui.tui.screens.dialogs import FirstField


class ProfileScreen(FirstField, ModalScreen[tuple[Participant, dict[str, Any]] | None]):
    """One participant's About-You answers. Ctrl+S saves, Esc cancels (skips this person)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "save", id="profile-save"),
        Binding("escape", "cancel", "cancel", id="profile-cancel"),
    ]

    def __init__(self, instrument: Instrument, person: Participant) -> None:
        super().__init__()
        self.instrument = instrument
        self.person = person

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="profile"):
            yield Label(f"About you: {self.person.name}", classes="dialog-title", markup=False)
            for q in self.instrument.profile:
                current = self.person.profile.get(q.id)
                with Vertical(classes="question"):
                    yield Label(q.text, classes="question-text", markup=False)
                    if q.kind == "choice":
                        yield RadioSet(
                            *[
                                RadioButton(Text(o.label), value=current == o.key, name=o.key)
                                for o in q.options
                            ]
                            + (
                                [RadioButton("Other", value=current == "other", name="other")]
                                if q.other
                                else []
                            ),
                            id=f"q-{q.id}",
                        )
                    elif q.kind == "multichoice":
                        chosen = set(current or [])
                        options = [(Text(o.label), o.key, o.key in chosen) for o in q.options]
                        if q.other:
                            options.append(("Other", "other", "other" in chosen))
                        yield SelectionList[str](*options, id=f"q-{q.id}")
                    else:
                        yield Input(current or "", id=f"q-{q.id}")
                    if q.other:
                        yield Input(
                            self.person.profile.get(f"{q.id}-other", ""),
                            placeholder="Other: please say",
                            id=f"q-{q.id}-other",
                        )
            yield Static(
                "Tab moves · Space or Enter picks · Ctrl+S saves · Esc cancels",
                classes="dialog-help",
            )

    def first_field(self) -> Widget | None:
        """The first question's answers have the keyboard when the dialog opens."""
        first = self.instrument.profile[0] if self.instrument.profile else None
        return self.query_one(f"#q-{first.id}") if first is not None else None

    def answers(self) -> dict[str, Any]:
        """The answers as entered (None where left blank)."""
        out: dict[str, Any] = {}
        for q in self.instrument.profile:
            widget = self.query_one(f"#q-{q.id}")
            if isinstance(widget, RadioSet):
                pressed = widget.pressed_button
                out[q.id] = pressed.name if pressed is not None else None
            elif isinstance(widget, SelectionList):
                out[q.id] = list(widget.selected) or None
            elif isinstance(widget, Input):
                out[q.id] = widget.value.strip() or None
            if q.other:
                out[f"{q.id}-other"] = (
                    self.query_one(f"#q-{q.id}-other", Input).value.strip() or None
                )
        return out

    def action_save(self) -> None:
        """Keep the answers."""
        self.dismiss((self.person, self.answers()))

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
