"""Text widgets for what changes on every key: drawn straight to strips, without a new layout.

Every key in the meeting changes a few lines (save status, turn, roster, summary, confirmation,
the live heatmap). A `Static` would re-lay-out the screen on `update` (~10–20 ms) and send its
text through Textual's general content pipeline on every frame (~0.5–2 ms a widget). These
widgets have fixed or rarely changing heights, so they render their Rich text once per change
(per width and style) into strips, and a frame only copies those strips out (`render_line`).
A change repaints only the lines that differ (`_repaint_changed`): a key that changes one row of
the live heatmap redraws that row, not the grid.

Measured against `Static.update(..., layout=False)` (issue 18 item 4; `benchmarks/run.py`'s
keystroke figure, runs of A and B interleaved, 2026-11-27, on a CPU shared with five other jobs,
so about five times a quiet machine's figures): p95 / p50 per key, 40 x 31: these widgets 51.5 /
31.7 ms, Static 49.9 / 28.8 ms (8 runs each); 200 x 50: 57.4 / 38.6 ms against 60.8 / 41.2 ms
(12 runs each), and Static had 4 runs with a p95 over 100 ms (up to 302 ms) where these had 1.
Static does not clearly win, so these stay.

Alignment, wrapping and overflow come from the widget's CSS (`text-align`, `text-wrap`,
`text-overflow`), its colours and text style from `color`, `background` and `text-style`.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

JUSTIFY = {
    "start": "left",
    "end": "right",
    "left": "left",
    "right": "right",
    "center": "center",
    "justify": "full",
}


class TextLines(Widget):
    """Content rendered once into strips (`_render_strips`); after a change `_repaint_changed()`
    repaints only the lines that differ. `Line` shows text, `HeatmapView` a grid."""

    DEFAULT_CSS = "TextLines { height: auto; }"

    def __init__(self, text: Text | str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._text = Text(text) if isinstance(text, str) else text
        self._strips: list[Strip] = []
        self._key: tuple[int, Style] | None = None

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

    def _repaint_changed(self) -> None:
        """Render the new content now and mark only the lines that differ for repainting
        (all of them before the first frame or when the width changed)."""
        old, key = self._strips, self._key
        self._key = None
        width, height = self.size
        if key is None or key[0] != width or not self.is_mounted:
            self.refresh()
            return
        new = self._lines(width)
        changed = [
            y
            for y in range(height)
            if (old[y] if y < len(old) else None) != (new[y] if y < len(new) else None)
        ]
        if changed:
            self.refresh(*(Region(0, y, width, 1) for y in changed))

    def _lines(self, width: int) -> list[Strip]:
        if self._key is None or self._key[0] != width:  # `rich_style` is costly: not per line
            style = self.rich_style
            self._key = (width, style)
            self._strips = self._render_strips(width, style)
        return self._strips

    def _render_strips(self, width: int, style: Style) -> list[Strip]:
        return render_strips(
            self._text,
            width,
            style,
            self.styles.text_align,
            self.styles.text_wrap != "nowrap",
            self.styles.text_overflow,
            self.app.console,
        )


def render_strips(
    text: Text, width: int, style: Style, align: str, wrap: bool, overflow: str, console
) -> list[Strip]:  # noqa: ANN001 - a rich Console
    """`text` as strips of exactly `width` cells, in the widget's base `style`."""
    if width <= 0:
        return []
    justify = JUSTIFY.get(align, "left")
    if text.cell_len <= width and "\n" not in text.plain:
        return [line_strip(text, width, style, justify, console)]  # the common case
    # Rich wraps (or crops) the text into lines that fit; each is then one fitting line.
    # (Cheaper than `console.render_lines`, which splits the segments into lines again.)
    cut = "ellipsis" if overflow == "ellipsis" else ("fold" if wrap else "crop")
    lines = text.wrap(console, width, justify=justify, no_wrap=not wrap, overflow=cut)
    return [line_strip(line, width, style, justify, console) for line in lines]


def line_strip(text: Text, width: int, style: Style, justify: str, console) -> Strip:  # noqa: ANN001
    """One line of text that fits `width`, aligned and padded to exactly `width` cells."""
    pad = max(0, width - text.cell_len)
    left = {"center": pad // 2, "right": pad}.get(justify, 0)
    segments = [Segment(" " * left), *text.render(console), Segment(" " * (pad - left))]
    return Strip(
        Segment.adjust_line_length(list(Segment.apply_style(segments, style)), width, style=style),
        width,
    )


class Line(TextLines):
    """Fixed-size text, with an optional part kept at the right edge; `show()` repaints only the
    lines that changed (no new layout)."""

    def __init__(self, text: Text | str = "", **kwargs) -> None:
        super().__init__(text, **kwargs)
        self._right: Text | None = None

    def show(self, text: Text, right: Text | None = None) -> None:
        """Show `text`, and `right` at the right edge (no-op if it is what is shown already).
        `right` is the lesser part: when both do not fit on the line, only `text` shows."""
        if text == self._text and right == self._right:
            return
        self._text, self._right = text, right
        self._repaint_changed()

    def render(self) -> Text:
        """The text shown (what tests and screen readers read)."""
        return self._text if self._right is None else Text.assemble(self._text, "  ", self._right)

    def _render_strips(self, width: int, style: Style) -> list[Strip]:
        right = self._right
        gap = width - self._text.cell_len - (right.cell_len if right is not None else 0)
        if right is None or gap < 2 or "\n" in self._text.plain:
            return super()._render_strips(width, style)
        line = Text.assemble(self._text, " " * gap, right)
        return [line_strip(line, width, style, "left", self.app.console)]
