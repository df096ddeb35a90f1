"""Help: every key of the screen, from the same command table as the bindings and the palette."""

from __future__ import annotations

from rich.text import Text
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
                for command in (c for c in self.commands if c.in_help):
                    yield Static(Text(command.keys_text), classes="help-keys")
                    yield Static(command.help, classes="help-text")
            yield Static(
                "Esc closes this help. Everything is saved as it is keyed.", classes="dialog-help"
            )


class AboutScreen(ModalScreen[None]):
    """The instrument's instructions and the current domain's description, in full (key `i`)."""

    BINDINGS = [Binding("escape,i,q", "app.pop_screen", "close", id="about-close")]

    def __init__(self, title: str, parts: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.parts = parts

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="about-text"):
            yield Static(Text(self.title_text), classes="dialog-title")
            for heading, body in self.parts:
                yield Static(Text(heading, style="bold"), classes="results-heading")
                yield Static(Text(body), classes="finding")
            yield Static("Esc closes this.", classes="dialog-help")
