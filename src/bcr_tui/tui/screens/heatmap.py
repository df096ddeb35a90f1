"""The full-screen heatmap: where the partnership is strong and where it needs attention."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from bcr_tui.analysis.grids import grids
from bcr_tui.session.state import Session
from bcr_tui.tui.screens.base import BcrScreen
from bcr_tui.tui.widgets.heatmap import HeatmapView
from bcr_tui.tui.widgets.keybar import KeyBar


class HeatmapScreen(BcrScreen):
    """Every heatmap that applies to the session; Esc goes back to the meeting."""

    BINDINGS = [
        Binding(
            "escape,h", "app.pop_screen", "back", id="heatmap-back", tooltip="Back to the meeting."
        )
    ]

    def __init__(self, session: Session, *, names: bool = True) -> None:
        super().__init__()
        self.session = session
        self.names = names  # False: the audience view with names hidden shows no one's scores

    def compose(self) -> ComposeResult:
        yield from self.compose_too_small()
        session = self.session
        with VerticalScroll(id="heatmaps"):
            yield Static(
                Text.assemble(("Heatmap", "bold"), f" · {session.title}"), classes="results-title"
            )
            hidden = sum(1 for i in session.instrument.rating_items if not session.is_visible(i.id))
            if session.blind and hidden:
                yield Static(
                    f"Blind session: {hidden} item(s) not yet revealed are left out.",
                    classes="results-note",
                )
            found = grids(session, names=self.names)
            if not found:
                yield Static("No figures for this instrument yet.", classes="results-note")
            for grid in found:
                yield Static(Text(grid.title), classes="results-heading")  # never markup
                # Few columns (Yes / No, now / want): room for the questions' words.
                yield HeatmapView(
                    grid, label_width=28 if len(grid.columns) > 4 else 44, classes="heatmap"
                )
                yield Static(Text(grid.note), classes="results-note")
            yield Static(
                "Lighter cells = more. Every cell shows its number.", classes="results-note"
            )
        yield KeyBar()
