"""A heatmap grid on screen: every cell shows its number on a cividis background (palette.py),
so it reads without colour too.
"""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from bcr_tui.grids import Grid
from bcr_tui.palette import colour, ink


class HeatmapView(Static):
    """One grid as a table of coloured, numbered cells."""

    def __init__(self, grid: Grid | None = None, *, label_width: int = 28, **kwargs) -> None:
        super().__init__(**kwargs)
        self.grid: Grid | None = None
        self.label_width = label_width
        if grid is not None:
            self.show(grid)

    def show(self, grid: Grid | None) -> None:
        """Render `grid` (None: nothing to show)."""
        if grid == self.grid and grid is not None:
            return
        self.grid = grid
        if grid is None:
            self.update("")
            return
        table = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                      expand=True, header_style="bold")
        table.add_column("", max_width=self.label_width, overflow="ellipsis", no_wrap=True)
        for name in grid.columns:
            table.add_column(Text(name, justify="center"), justify="center", ratio=1,
                             overflow="fold")
        for label, cells in grid.rows:
            row: list[Text] = [Text(label)]
            for cell in cells:
                if cell.value is None:
                    row.append(Text(cell.text, justify="center"))
                else:
                    background = colour(cell.value)
                    row.append(Text(f" {cell.text} ", justify="center",
                                    style=Style(color=ink(background), bgcolor=background,
                                                bold=True)))
            table.add_row(*row)
        self.update(table)
