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
    """One answer: `1` over `Currently exists / Maintain`."""


class ScaleView(Horizontal):
    """The row of answer cards for the current item."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        yield from ()

    def show(self, item: Item, chosen: object, *, enabled: bool) -> None:
        """Show the cards for `item`, marking `chosen` (the answer on record for this turn)."""
        points = _choices(item)
        key = (item.id, chosen, enabled, tuple(points))
        if key == self._shown:
            return
        self._shown = key
        self.remove_children()
        if not points:
            self.display = False
            return
        self.display = True
        cards = []
        for n, (value, label, detail) in enumerate(points, start=1):
            cards.append(_card(str(n), label, detail, chosen == value))
        if item.kind == "rating":
            cards.append(_card("0", "Abstain", None, chosen == ABSTAIN, abstain=True))
        for card in cards:
            card.set_class(not enabled, "-disabled")
        self.mount_all(cards)


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


def _card(digit: str, label: str, detail: str | None, chosen: bool, *, abstain: bool = False,
          ) -> PointCard:
    text = Text(justify="center")
    text.append(f" {digit} ", style="bold reverse")
    text.append("\n")
    text.append(("◉ " if chosen else "") + (label or " "), style="bold")
    if detail:
        text.append("\n" + detail)
    card = PointCard(text)
    card.set_class(chosen, "-chosen")
    card.set_class(abstain, "-abstain")
    card.set_class(bool(detail), "-detailed")
    return card
