"""Help: every key of the screen, from the same command table as the bindings and the palette."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from bcr_tui.tui.keymap import Command


class HelpScreen(ModalScreen[None]):
    """The keys, with what each does."""

    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "close", id="help-close")]

    def __init__(self, commands: tuple[Command, ...]) -> None:
        super().__init__()
        self.commands = commands

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Static("Keys in the meeting", classes="dialog-title")
            with Grid(id="help-grid"):
                for command in self.commands:
                    yield Static(command.keys_text, classes="help-keys")
                    yield Static(command.help, classes="help-text")
            yield Static("Esc closes this help. Everything is saved as it is keyed.",
                         classes="dialog-help")
