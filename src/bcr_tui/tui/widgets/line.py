"""Text widgets for what changes on every key: drawn straight to strips, without a new layout.

Every key in the meeting changes a few lines (save status, turn, roster, summary, confirmation,
the live heatmap). A `Static` would re-lay-out the screen on `update` (~10–20 ms) and send its
text through Textual's general content pipeline on every frame (~0.5–2 ms a widget). These
widgets have fixed or rarely changing heights, so they render their Rich text once per change
(per width and style) into strips, and a frame only copies those strips out (`render_line`).

Alignment, wrapping and overflow come from the widget's CSS (`text-align`, `text-wrap`,
`text-overflow`), its colours and text style from `color`, `background` and `text-style`.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

JUSTIFY = {"start": "left", "end": "right", "left": "left", "right": "right",
           "center": "center", "justify": "full"}


class TextLines(Widget):
    """Rich text rendered once into strips; `set_text()` repaints only on change."""

    DEFAULT_CSS = "TextLines { height: auto; }"

    def __init__(self, text: Text | str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._text = Text(text) if isinstance(text, str) else text
        self._strips: list[Strip] = []
        self._key: tuple[int, Style] | None = None

    def set_text(self, text: Text) -> None:
        """Show `text` (a no-op if it is shown already); the size stays, so no new layout."""
        if text == self._text:
            return
        self._text = text
        self._key = None
        self.refresh()

    def render(self) -> Text:
        """The text shown (what tests and screen readers read)."""
        return self._text

    def render_line(self, y: int) -> Strip:
        """Line `y` of the text, fitted to the widget."""
        strips = self._lines(self.size.width)
        if y < len(strips):
            return strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the text takes at this width."""
        return len(self._lines(width))

    def notify_style_update(self) -> None:
        """The CSS changed (class, theme): render again with the new style."""
        super().notify_style_update()
        self._key = None

    def _lines(self, width: int) -> list[Strip]:
        if self._key is None or self._key[0] != width:  # `rich_style` is costly: not per line
            style = self.rich_style
            self._key = (width, style)
            self._strips = self._render_strips(width, style)
        return self._strips

    def _render_strips(self, width: int, style: Style) -> list[Strip]:
        return render_strips(self._text, width, style, self.styles.text_align,
                             self.styles.text_wrap != "nowrap", self.styles.text_overflow,
                             self.app.console)


def render_strips(text: Text, width: int, style: Style, align: str, wrap: bool, overflow: str,
                  console) -> list[Strip]:  # noqa: ANN001 - a rich Console
    """`text` as strips of exactly `width` cells, in the widget's base `style`."""
    if width <= 0:
        return []
    justify = JUSTIFY.get(align, "left")
    length = text.cell_len
    if length <= width and "\n" not in text.plain:
        # The common case, one line that fits: its segments, padded to the width.
        pad = width - length
        left = {"center": pad // 2, "right": pad}.get(justify, 0)
        segments = [Segment(" " * left), *text.render(console), Segment(" " * (pad - left))]
        return [Strip(list(Segment.apply_style(segments, style)), width)]
    text = text.copy()
    text.justify = justify  # type: ignore[assignment]
    text.no_wrap = not wrap
    text.overflow = "ellipsis" if overflow == "ellipsis" else ("fold" if wrap else "crop")
    options = console.options.update(width=width, height=None, highlight=False)
    lines = console.render_lines(text, options, style=style, pad=True, new_lines=False)
    return [Strip(Segment.adjust_line_length(line, width, style=style), width)
            for line in lines]


class Line(TextLines):
    """Fixed-size text; `show()` repaints only on change (no new layout)."""

    def show(self, text: Text) -> None:
        """Show `text` (no-op if it is what is shown already)."""
        self.set_text(text)
