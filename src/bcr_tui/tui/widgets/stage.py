"""The item on stage: where we are, the item's text (big, bold, framed), the answer cards and
the anchor texts. Shared by the meeting screen and the audience view.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from bcr_tui.instruments import Item, fill
from bcr_tui.session import Session
from bcr_tui.tui.widgets.scale import ScaleView


class ItemStage(Vertical):
    """Domain and position, the item, its answers and their anchors."""

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        yield Static(id="item-text")
        yield ScaleView(id="scale")
        yield Static(id="anchors")

    _shown: tuple | None = None

    def show(self, session: Session, item: Item, chosen: object, *, enabled: bool) -> None:
        """Render `item` of `session`, marking `chosen` on the cards (no-op if unchanged; the
        item's text is set again only when the item changes: a new text costs a new layout)."""
        self.query_one(ScaleView).show(item, chosen, enabled=enabled)
        key = (id(session.instrument), item.id, session.community, len(session.items))
        if key == self._shown:
            return
        self._shown = key
        instrument = session.instrument
        domain = instrument.domain_of(item.id)
        domains = instrument.domains
        position = [i.id for i in session.items].index(item.id) + 1
        where = Text()
        if domain is not None:
            where.append(domain.title.upper(), style="bold")
            where.append(f"   domain {domains.index(domain) + 1} of {len(domains)}")
        where.append(f"   ·   item {position} of {len(session.items)}")
        if item.perspective_label:
            where.append(f"   ·   {item.perspective_label}", style="bold")
        self.query_one("#where", Static).update(where)
        text = Text(fill(item.text, session.community), style="bold")
        if item.number:
            text = Text(f"{item.number}. ", style="bold") + text
        if item.perspective_label:
            text.append(f"\n{item.perspective_label}?", style="italic")
        self.query_one("#item-text", Static).update(text)
        self._anchors(item)

    def _anchors(self, item: Item) -> None:
        anchors = self.query_one("#anchors", Static)
        scale = item.scale
        low = item.low or (scale.low if scale else None)
        high = item.high or (scale.high if scale else None)
        if not (low or high) or scale is None:
            anchors.display = False
            return
        anchors.display = True
        text = Text()
        if low:
            text.append("1 = ", style="bold")
            text.append(low)
        if high:
            text.append("\n" if low else "")
            text.append(f"{len(scale.points)} = ", style="bold")
            text.append(high)
        anchors.update(text)
