"""A new session from the home screen: instrument, title, community, participants, mode."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from bcr_tui.errors import BcrError
from bcr_tui.instrument.load import load_instrument, shipped_paths
from bcr_tui.tui.screens.dialogs import FirstField

MODES = [
    ("Round-robin: person by person", "round-robin"),
    ("Group: one rating per item", "group"),
    ("Tally: count raised hands", "tally"),
]
ORDERS = [
    ("Around the room on each item", "item-major"),
    ("One person does every item, then the next", "participant-major"),
]


class NewSessionScreen(FirstField, ModalScreen[None]):
    """The form for a new session. Ctrl+S (or the button) creates it and opens the meeting.
    It opens in its first field, the instrument."""

    BINDINGS = [
        Binding("ctrl+s", "create", "create", id="new-create"),
        Binding("escape", "app.pop_screen", "cancel", id="new-cancel"),
    ]

    def __init__(self, sessions_dir: Path) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.instruments = [load_instrument(p) for p in shipped_paths()]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="new-session"):
            yield Label("New session", classes="dialog-title")
            yield Label("Instrument")
            yield Select(
                [(i.title, i.id) for i in self.instruments],
                allow_blank=False,
                value="partnership-assessment-inventory",
                id="instrument",
            )
            yield Label("Title")
            yield Input(placeholder="e.g. Fall check-in", id="title")
            yield Label("Community")
            yield Input(placeholder="e.g. Ventura County", id="community")
            yield Label(
                "Participants: one per line, or separated by commas (Name | Organization allowed)"
            )
            yield TextArea(id="participants")
            yield Label("How the room answers")
            yield Select(MODES, allow_blank=False, value="round-robin", id="mode")
            yield Select(ORDERS, allow_blank=False, value="item-major", id="order")
            yield Checkbox("Blind: hide each item's ratings until revealed", id="blind")
            yield Static(id="new-error")
            with Horizontal(id="new-buttons"):
                yield Button("Create and open (Ctrl+S)", variant="primary", id="create")
                yield Button("Cancel (Esc)", id="cancel")

    def first_field(self) -> Widget | None:
        """The instrument comes first."""
        return self.query_one("#instrument", Select)

    @on(Button.Pressed, "#create")
    def _create_pressed(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.app.pop_screen()

    def action_create(self) -> None:
        """Write the new session and open it; a problem is shown in the form."""
        from bcr_tui.session.roster import parse_roster
        from bcr_tui.session.state import new_session
        from bcr_tui.storage.store import SessionStore, new_path

        chosen = self.query_one("#instrument", Select).value
        instrument = next(i for i in self.instruments if i.id == chosen)
        try:
            people = parse_roster(self.query_one("#participants", TextArea).text)
            session = new_session(
                instrument,
                self.query_one("#title", Input).value,
                people,
                community=self.query_one("#community", Input).value,
                mode=str(self.query_one("#mode", Select).value),
                order=str(self.query_one("#order", Select).value),
                blind=self.query_one("#blind", Checkbox).value,
            )
            store = SessionStore.create(
                new_path(self.sessions_dir, session.title, session.created), session
            )
        except BcrError as exc:
            self.query_one("#new-error", Static).update(Text(f"⚠ {exc}"))
            return
        self.app.pop_screen()
        self.app.adopt(store)  # type: ignore[attr-defined]
