"""A text widget of fixed size that redraws only when its text changes, without a new layout.

Every key in the meeting changes a few lines (turn, roster, summary, confirmation). A plain
`Static.update` asks Textual to lay out the whole screen again (~10–20 ms); these lines have
fixed heights in `app.tcss`, so a repaint of the widget alone is enough.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class Line(Static):
    """Fixed-size text; `show()` repaints only on change."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: Text | None = None

    def show(self, text: Text) -> None:
        """Show `text` (no-op if it is what is shown already)."""
        if text == self._shown:
            return
        self._shown = text
        self.update(text, layout=False)
