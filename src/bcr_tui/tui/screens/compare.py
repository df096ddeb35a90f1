"""This session beside an earlier one of the same instrument: the change per domain and item."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from bcr_tui.outputs.comparison import Change, compare, format_change, shorten
from bcr_tui.session.state import Session
from bcr_tui.tui.screens.base import BcrScreen
from bcr_tui.tui.widgets.keybar import KeyBar


class CompareScreen(BcrScreen):
    """Mean score per domain and item, earlier → now, with the change written out."""

    BINDINGS = [
        Binding(
            "escape", "app.pop_screen", "back", id="compare-back", tooltip="Back to the meeting."
        )
    ]

    def __init__(self, earlier: Session, later: Session) -> None:
        super().__init__()
        self.earlier = earlier
        self.later = later

    def compose(self) -> ComposeResult:
        yield from self.compose_too_small()
        result = compare(self.earlier, self.later)
        with VerticalScroll(id="compare"):
            yield Static(
                Text.assemble(("Compared with an earlier session", "bold")), classes="results-title"
            )
            yield Static(
                Text(
                    f"{self.earlier.title} ({self.earlier.created:%Y-%m-%d}) → "
                    f"{self.later.title} ({self.later.created:%Y-%m-%d})"
                ),
                classes="results-note",
            )
            yield Static("By domain: mean score (0–100)", classes="results-heading")
            yield _table(result.domains)
            yield Static("By item", classes="results-heading")
            yield _table(result.items)
        yield KeyBar()


def _table(changes: tuple[Change, ...]) -> Grid:
    """Titles (wrapped at words, never markup) beside right-aligned figures, a gutter between:
    a long title never runs into its numbers."""
    cells = [
        Static(Text(h, style="bold"), classes="" if n == 0 else "num")
        for n, h in enumerate(("", "earlier", "now", "change"))
    ]
    for c in changes:
        cells += [
            Static(Text(shorten(c.title))),
            Static(_pct(c.earlier_mean), classes="num"),
            Static(_pct(c.later_mean), classes="num"),
            Static(format_change(c.mean_change), classes="num"),
        ]
    return Grid(*cells, classes="compare-grid")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value)}%"
