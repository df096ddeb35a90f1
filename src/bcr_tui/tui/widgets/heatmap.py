"""A heatmap grid on screen: every cell shows its number on a cividis background
(outputs/colour_scale.py), so it reads without colour too. In a terminal with 256 colours the cells
take palette.RAMP_256, whose steps stay in order there (cividis would not).

Laid out directly as segments with fixed column widths: it repaints on every key in the meeting,
where a Rich Table cost ~10 ms a frame and a wrapped Rich Text ~1 ms; this costs ~0.2 ms.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from bcr_tui.analysis.grids import Grid
from bcr_tui.outputs.colour_scale import colour, ink
from bcr_tui.tui.widgets.line import TextLines

HEADER_LINES = 2
BOLD = Style(bold=True)


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
        if same_shape:
            self._repaint_changed()
        else:
            self._key = None
            self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        """Header lines plus one line a row."""
        return 0 if self.grid is None else HEADER_LINES + len(self.grid.rows)

    def render(self) -> Text:
        """The grid, fitted to the widget's width (what tests and screen readers read)."""
        lines = self._grid_lines(self.size.width)
        return Text("\n", no_wrap=True, overflow="crop").join(
            Text.assemble(*line) for line in lines
        )

    def _render_strips(self, width: int, style: Style) -> list[Strip]:
        # Straight to segments: Rich's wrapping of a many-span Text cost ~1 ms on every key.
        strips = []
        for line in self._grid_lines(width):
            segments = Segment.apply_style([Segment(text, s) for text, s in line], style)
            strips.append(
                Strip(Segment.adjust_line_length(list(segments), width, style=style), width)
            )
        return strips

    def _grid_lines(self, width: int) -> list[list[tuple[str, Style | None]]]:
        """Each line of the grid as (text, style) pieces: headings, then one line a row."""
        grid = self.grid
        if grid is None:
            return []
        width = max(width, 20)
        label = min(self.label_width, max((len(name) for name, _ in grid.rows), default=4))
        cell = max(5, (width - label - 1) // max(1, len(grid.columns)))
        lines: list[list[tuple[str, Style | None]]] = []
        heads = _headings(grid.columns, cell)
        for line in range(HEADER_LINES):
            pieces: list[tuple[str, Style | None]] = [(" " * (label + 1), None)]
            for words in heads:
                shown = ([""] * (HEADER_LINES - len(words)) + words)[line]  # bottom-aligned
                pieces.append((shown.center(cell - 1)[: cell - 1], BOLD))
                pieces.append((" ", None))
            lines.append(pieces)
        for name, cells in grid.rows:
            shown = name if len(name) <= label else name[: label - 1] + "…"
            pieces = [(shown.ljust(label) + " ", None)]
            for c in cells:
                text = c.text.center(cell - 1)[: cell - 1]
                pieces.append(
                    (
                        text,
                        None if c.value is None else _cell_style(colour(c.value, self._colours())),
                    )
                )
                pieces.append((" ", None))
            lines.append(pieces)
        return lines

    def _colours(self) -> int | None:
        """256 in a terminal with 256 colours (or fewer), else None (true colour)."""
        try:
            system = self.app.console.color_system
        except Exception:  # noqa: BLE001 - no app (a bare widget in a test): true colour
            return None
        return 256 if system in ("256", "standard", "windows") else None


@lru_cache(maxsize=64)
def _headings(columns: tuple[str, ...], cell: int) -> list[list[str]]:
    """Each column heading wrapped at words to the cell width (at most HEADER_LINES lines); a
    word wider than the cell is cut with "…" ("Independ…"), never broken over two lines."""
    width = cell - 1
    return [
        [
            line if len(line) <= width else line[: width - 1] + "…"
            for line in textwrap.wrap(name, width, break_long_words=False)[:HEADER_LINES]
        ]
        or [""]
        for name in columns
    ]


@lru_cache(maxsize=512)
def _cell_style(background: str) -> Style:
    """Bold black or white (whichever reads better) on the cell's colour."""
    return Style(color=ink(background), bgcolor=background, bold=True)


def _shape(grid: Grid | None) -> tuple | None:
    """Columns and row labels: while they stay the same, so does the widget's size."""
    return None if grid is None else (grid.columns, tuple(label for label, _ in grid.rows))
