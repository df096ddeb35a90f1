"""The answer cards: one per scale point, each with its digit key, label and (where the
instrument has them) the point's text for this item; the current answer is marked ◉.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from bcr_tui.instruments import ABSTAIN, Item


class PointCard(Static):
    """One answer: `1` over `Currently exists / Maintain`; `mark()` shows it chosen or not."""

    def __init__(self, digit: str, label: str, detail: str | None, value: str, *,
                 abstain: bool = False) -> None:
        super().__init__()
        self.digit, self.label, self.detail, self.value = digit, label, detail, value
        self.set_class(abstain, "-abstain")
        self.set_class(bool(detail), "-detailed")
        self._chosen: bool | None = None

    def mark(self, chosen: bool, enabled: bool) -> None:
        """Chosen (◉ and a double border) or not; greyed out when nobody can answer now."""
        if chosen is not self._chosen:
            self._chosen = chosen
            text = Text(justify="center")
            text.append(f" {self.digit} ", style="bold reverse")
            text.append("\n")
            text.append(("◉ " if chosen else "") + (self.label or " "), style="bold")
            if self.detail:
                text.append("\n" + self.detail)
            self.update(text)
        self.set_class(chosen, "-chosen")
        self.set_class(not enabled, "-disabled")


class ScaleView(Horizontal):
    """The row of answer cards for the current item. The cards stay while the answers stay the
    same (items on one scale): moving on, or to someone with another answer on record, only marks
    another card, where mounting new cards cost a new layout of the screen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._cards: list[PointCard] = []
        self._points: tuple | None = None

    def compose(self) -> ComposeResult:
        yield from ()

    def show(self, item: Item, chosen: object, *, enabled: bool) -> None:
        """Show the cards for `item`, marking `chosen` (the answer on record for this turn)."""
        points = (tuple(_choices(item)), item.kind == "rating")
        if points != self._points:
            self._points = points
            self.remove_children()
            self._cards = [PointCard(str(n), label, detail, value)
                           for n, (value, label, detail) in enumerate(points[0], start=1)]
            if points[1]:
                self._cards.append(PointCard("0", "Abstain", None, ABSTAIN, abstain=True))
            self.display = bool(points[0])
            if self._cards:
                self.mount_all(self._cards)
        for card in self._cards:
            card.mark(chosen == card.value, enabled)


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
