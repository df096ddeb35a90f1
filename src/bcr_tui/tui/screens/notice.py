"""One message, large, until the reader quits (e.g. why a browser tab cannot open a session)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from bcr_tui.tui.screens.base import BcrScreen


class NoticeScreen(BcrScreen):
    """A single sentence and how to leave."""

    BINDINGS = [Binding("q,escape,enter", "app.quit", "close", id="notice-close")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        yield from self.compose_too_small()
        yield Static(f"{self.message}\n\nPress q to close.", id="notice", markup=False)
