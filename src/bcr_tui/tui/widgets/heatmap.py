"""A heatmap grid on screen: every cell shows its number on a cividis background (palette.py),
so it reads without colour too.

Laid out directly as text with fixed column widths: it repaints on every key in the meeting,
and a Rich Table costs ~10 ms a frame where this costs well under one.
"""

from __future__ import annotations

import textwrap

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from bcr_tui.grids import Grid
from bcr_tui.palette import colour, ink

HEADER_LINES = 2


class HeatmapView(Widget):
    """One grid as rows of coloured, numbered cells."""

    DEFAULT_CSS = "HeatmapView { height: auto; }"

    def __init__(self, grid: Grid | None = None, *, label_width: int = 28, **kwargs) -> None:
        super().__init__(**kwargs)
        self.grid: Grid | None = grid
        self.label_width = label_width

    def show(self, grid: Grid | None) -> None:
        """Show `grid` (None: nothing); a new layout only when its shape changes."""
        if grid == self.grid and grid is not None:
            return
        same_shape = _shape(grid) == _shape(self.grid)
        self.grid = grid
        self.refresh(layout=not same_shape)

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        """Header lines plus one line a row."""
        return 0 if self.grid is None else HEADER_LINES + len(self.grid.rows)

    def render(self) -> Text:
        """The grid, fitted to the widget's width."""
        grid = self.grid
        if grid is None:
            return Text("")
        width = max(self.size.width, 20)
        label = min(self.label_width, max((len(name) for name, _ in grid.rows), default=4))
        cell = max(5, (width - label - 1) // max(1, len(grid.columns)))
        out = Text(no_wrap=True, overflow="crop")
        heads = [textwrap.wrap(name, cell - 1)[:HEADER_LINES] or [""] for name in grid.columns]
        for line in range(HEADER_LINES):
            out.append(" " * (label + 1))
            for words in heads:
                lines = [""] * (HEADER_LINES - len(words)) + words  # bottom-aligned
                out.append(lines[line].center(cell - 1)[: cell - 1] + " ", style="bold")
            out.append("\n")
        for n, (name, cells) in enumerate(grid.rows):
            shown = name if len(name) <= label else name[: label - 1] + "…"
            out.append(shown.ljust(label) + " ")
            for c in cells:
                text = c.text.center(cell - 1)[: cell - 1]
                if c.value is None:
                    out.append(text)
                else:
                    background = colour(c.value)
                    out.append(text, style=Style(color=ink(background), bgcolor=background,
                                                 bold=True))
                out.append(" ")
            if n < len(grid.rows) - 1:
                out.append("\n")
        return out


def _shape(grid: Grid | None) -> tuple | None:
    """Columns and row labels: while they stay the same, so does the widget's size."""
    return None if grid is None else (grid.columns, tuple(label for label, _ in grid.rows))
