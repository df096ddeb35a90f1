"""A heatmap grid on screen: every cell shows its number on a cividis background (palette.py),
so it reads without colour too.

Laid out directly as text with fixed column widths: it repaints on every key in the meeting,
and a Rich Table costs ~10 ms a frame where this costs well under one.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from bcr_tui.grids import Grid
from bcr_tui.palette import colour, ink
from bcr_tui.tui.widgets.line import TextLines, render_strips

HEADER_LINES = 2


class HeatmapView(TextLines):
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
        self._key = None
        self.refresh(layout=not same_shape)

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        """Header lines plus one line a row."""
        return 0 if self.grid is None else HEADER_LINES + len(self.grid.rows)

    def render(self) -> Text:
        """The grid, fitted to the widget's width."""
        return self._grid_text(self.size.width)

    def _render_strips(self, width: int, style: Style) -> list[Strip]:
        return render_strips(self._grid_text(width), width, style, "left", False, "crop",
                             self.app.console)

    def _grid_text(self, width: int) -> Text:
        grid = self.grid
        if grid is None:
            return Text("")
        width = max(width, 20)
        label = min(self.label_width, max((len(name) for name, _ in grid.rows), default=4))
        cell = max(5, (width - label - 1) // max(1, len(grid.columns)))
        out = Text(no_wrap=True, overflow="crop")
        heads = _headings(grid.columns, cell)
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
                    out.append(text, style=_cell_style(colour(c.value)))
                out.append(" ")
            if n < len(grid.rows) - 1:
                out.append("\n")
        return out


@lru_cache(maxsize=64)
def _headings(columns: tuple[str, ...], cell: int) -> list[list[str]]:
    """Each column heading wrapped to the cell width (at most HEADER_LINES lines)."""
    return [textwrap.wrap(name, cell - 1)[:HEADER_LINES] or [""] for name in columns]


@lru_cache(maxsize=512)
def _cell_style(background: str) -> Style:
    """Bold black or white (whichever reads better) on the cell's colour."""
    return Style(color=ink(background), bgcolor=background, bold=True)


def _shape(grid: Grid | None) -> tuple | None:
    """Columns and row labels: while they stay the same, so does the widget's size."""
    return None if grid is None else (grid.columns, tuple(label for label, _ in grid.rows))
