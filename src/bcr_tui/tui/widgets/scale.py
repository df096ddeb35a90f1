"""The answer cards: one per scale point, each with its digit key, label and (where the
instrument has them) the point's text for this item; the current answer is marked ◉.

Words are never broken across lines ("Independen/t"). The cards take one of three layouts, by
the room they have (`layout_for`):
- "cards": side by side, bordered, when every word of every card fits its width;
- "list": one line a point ("3  Consulting — Feedback from community partners is considered."),
  wrapped at words, when the cards would break words and the list fits the screen's height;
- "compact": digit and label only, in as many columns as fit, when not even the list fits, so
  that every point, the turn and the roster stay on screen (64 × 18 included).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from bcr_tui.instrument.model import ABSTAIN, Item

#: Rows of the meeting screen that are not the cards (title, item, turn, roster, summary, keys).
OTHER_ROWS = 15
#: A card's width beyond its text: border (2), padding (2), margin (1).
CARD_CHROME = 5
#: The abstain card's width (app.tcss `PointCard.-abstain`) and its margin.
ABSTAIN_WIDTH = 15
LAYOUTS = ("cards", "list", "compact")


class PointCard(Static):
    """One answer: `1` over `Currently exists / Maintain`; `mark()` shows it chosen or not."""

    def __init__(
        self, digit: str, label: str, detail: str | None, value: str, *, abstain: bool = False
    ) -> None:
        super().__init__()
        self.digit, self.label, self.detail, self.value = digit, label, detail, value
        self.set_class(abstain, "-abstain")
        self.set_class(bool(detail), "-detailed")
        self._chosen: bool | None = None
        self._layout = "cards"

    def mark(self, chosen: bool, enabled: bool, layout: str = "cards") -> None:
        """Chosen (◉ and a double border) or not; greyed out when nobody can answer now."""
        if chosen is not self._chosen or layout != self._layout:
            self._chosen, self._layout = chosen, layout
            self.update(self._text(chosen, layout))
        self.set_class(chosen, "-chosen")
        self.set_class(not enabled, "-disabled")

    def _text(self, chosen: bool, layout: str) -> Text:
        mark = "◉ " if chosen else ""
        if layout == "cards":
            text = Text(justify="center")
            text.append(f" {self.digit} ", style="bold reverse")
            text.append("\n")
            text.append(mark + (self.label or " "), style="bold")
            if self.detail:
                text.append("\n" + self.detail)
            return text
        text = Text(no_wrap=layout == "compact", overflow="ellipsis")
        text.append(f" {self.digit} ", style="bold reverse")
        text.append(" " + mark + (self.label or ""), style="bold")
        if self.detail and layout == "list":
            text.append(" — " + self.detail)
        return text


def layout_for(labels: list[tuple[str, str | None]], width: int, height: int) -> str:
    """ "cards" when every word of every (label, detail) fits a card's width, else "list" when
    its lines fit the rows the meeting screen leaves the cards, else "compact"."""
    if not labels or width <= 0:
        return "cards"
    inner = (width - ABSTAIN_WIDTH) // len(labels) - CARD_CHROME
    words = [w for label, detail in labels for w in f"{label} {detail or ''}".split()]
    if max((len(w) for w in words), default=0) <= inner:
        return "cards"
    lines = 1 + sum(
        -(-(len(label) + len(detail or "") + 8) // max(1, width - 1)) for label, detail in labels
    )
    return "list" if lines <= height - OTHER_ROWS else "compact"


def compact_columns(labels: list[tuple[str, str | None]], width: int) -> int:
    """How many columns of "1  Independent" fit side by side (the abstain card included)."""
    widest = max([len(label) for label, _ in labels] + [len("Abstain")]) + 6  # digit, ◉, gap
    return max(1, min(len(labels) + 1, width // widest))


class ScaleView(Horizontal):
    """The row of answer cards for the current item. The cards stay while the answers stay the
    same (items on one scale): moving on, or to someone with another answer on record, only marks
    another card, where mounting new cards cost a new layout of the screen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._cards: list[PointCard] = []
        self._points: tuple | None = None
        self._marked: tuple[object, bool] = (None, True)
        self.layout_name = "cards"

    def compose(self) -> ComposeResult:
        yield from ()

    def show(self, item: Item, chosen: object, *, enabled: bool) -> None:
        """Show the cards for `item`, marking `chosen` (the answer on record for this turn)."""
        points = (tuple(_choices(item)), item.kind == "rating")
        if points != self._points:
            self._points = points
            self.remove_children()
            self._cards = [
                PointCard(str(n), label, detail, value)
                for n, (value, label, detail) in enumerate(points[0], start=1)
            ]
            if points[1]:
                self._cards.append(PointCard("0", "Abstain", None, ABSTAIN, abstain=True))
            self.display = bool(points[0])
            self._fit()
            if self._cards:
                self.mount_all(self._cards)
        self._marked = (chosen, enabled)
        for card in self._cards:
            card.mark(chosen == card.value, enabled, self.layout_name)

    def on_resize(self, event: events.Resize) -> None:
        """Choose the layout again for the new size (and re-mark the cards if it changed)."""
        if self._fit():
            chosen, enabled = self._marked
            for card in self._cards:
                card.mark(chosen == card.value, enabled, self.layout_name)

    def _fit(self) -> bool:
        """Set the layout for the current points and size; True if it changed."""
        labels = [(label, detail) for _, label, detail in (self._points or ((),))[0]]
        width = self.size.width or max(0, self.app.size.width - 8)
        layout = layout_for(labels, width, self.app.size.height)
        if layout == "compact":
            self.styles.grid_size_columns = compact_columns(labels, width)
        changed = layout != self.layout_name
        self.layout_name = layout
        for name in LAYOUTS:
            self.set_class(name == layout, f"-{name}")
        return changed


def _choices(item: Item) -> list[tuple[str, str, str | None]]:
    scale = item.scale
    if scale is not None:
        last = len(scale.points)
        out = []
        for n, p in enumerate(scale.points, start=1):
            label = p.label
            if label == str(n):  # a numbered scale: the ends carry the scale's own words
                label = (scale.low if n == 1 else scale.high if n == last else None) or ""
            out.append((p.key, label, item.point_text.get(p.key) or p.description))
        return out
    if item.kind == "choice":
        return [(o.key, o.label, None) for o in item.options]
    return []
