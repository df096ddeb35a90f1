"""The item on stage: where we are, the domain's description when the meeting reaches it (and
the instrument's instructions on the first item), the item's text (big, bold, framed), what its
scale asks, the answer cards, the anchor texts and the item's note. Shared by the meeting
screen and the audience view.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from bcr_tui.instrument.model import Domain, Item, fill
from bcr_tui.session.state import Session
from bcr_tui.tui.widgets.scale import ScaleView


class ItemStage(Vertical):
    """Domain and position, the item, its answers and their anchors."""

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        yield Static(id="about")
        yield Static(id="item-text")
        yield Static(id="item-note")
        yield Static(id="scale-question")
        yield ScaleView(id="scale")
        yield Static(id="anchors")

    _shown: tuple | None = None
    _note: str | None = ""
    _has_about = False  # the item shown has a description (or instructions) to read in

    def show(
        self,
        session: Session,
        item: Item,
        chosen: object,
        *,
        enabled: bool,
        note: str | None = None,
    ) -> None:
        """Render `item` of `session`, marking `chosen` on the cards, with its `note` (no-op if
        unchanged; the item's text is set again only when the item changes: a new text costs a
        new layout)."""
        self.query_one(ScaleView).show(item, chosen, enabled=enabled)
        if note != self._note:
            self._note = note
            shown = self.query_one("#item-note", Static)
            shown.display = bool(note)
            shown.update(Text("✎ Note: ", style="bold") + Text(note or ""))
        # The domain's description shows as the room arrives, until the first answer on the item.
        arriving = not (session.answered(item.id) or session.tally.get(item.id))
        key = (id(session.instrument), item.id, session.community, len(session.items))
        if key == self._shown:
            # The item's first answer only hides its description, if it has one: nothing else is
            # set again (a text set again costs a layout, on one key in every 40 at 40 people).
            about = self.query_one("#about", Static)
            if about.display != (self._has_about and arriving):
                about.display = self._has_about and arriving
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
        if self._about(session, item, domain, arriving):  # the whole text is a key away
            where.append("   ·   i: read all", style="bold")
        self.query_one("#where", Static).update(where)
        text = Text(fill(item.text, session.community), style="bold")
        if item.number:
            text = Text(f"{item.number}. ", style="bold") + text
        if item.perspective_label:
            text.append(f"\n{item.perspective_label}?", style="italic")
        self.query_one("#item-text", Static).update(text)
        question = self.query_one("#scale-question", Static)
        asked = item.scale.question if item.scale is not None else None
        question.display = bool(asked)
        question.update(Text(asked or "", style="italic"))
        self._anchors(item)

    def _about(self, session: Session, item: Item, domain: Domain | None, arriving: bool) -> bool:
        """On a domain's first item, what the domain is about (and on the first item of all, the
        instrument's instructions), until the first answer: the room reads itself in. `i` shows
        it all again. True if there is such a text (shown or not)."""
        about = self.query_one("#about", Static)
        instrument = session.instrument
        text = Text()
        if item.id == session.items[0].id and instrument.instructions:
            text.append(first_paragraph(instrument.instructions), style="italic")
        if (
            domain is not None
            and domain.items
            and domain.items[0].id == item.id
            and domain.description
        ):
            text.append("\n\n" if text else "")
            text.append(first_paragraph(fill(domain.description, session.community)))
        self._has_about = bool(text)
        about.display = bool(text) and arriving
        about.update(text)
        return bool(text)

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


def first_paragraph(text: str) -> str:
    """The first paragraph of a description, on one line."""
    return " ".join(text.strip().split("\n\n")[0].split())
