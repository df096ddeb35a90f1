"""A small live summary of the current item: how the answers fall, as numbers and bars.

In a blind round that is not yet revealed it shows only how many have answered.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text

from bcr_tui.instrument.model import ABSTAIN, Item
from bcr_tui.session.state import Session
from bcr_tui.tui.widgets.line import Line

BAR = "█"


class ItemSummary(Line):
    """The distribution of answers on the current item."""

    def show_item(self, session: Session, item: Item) -> None:
        """Render the summary for `item`."""
        self.show(summary_text(session, item))


def counts_for(session: Session, item: Item) -> Counter[str]:
    """Answers on `item` by answer key (tallies count hands)."""
    if session.mode == "tally":
        return Counter(session.tally.get(item.id, {}))
    return Counter(v for v in session.answered(item.id).values() if isinstance(v, str))


def summary_text(session: Session, item: Item) -> Text:
    """One line: `1 Currently exists / Maintain: 5 █████ · 2 Needs immediate attention: 2 ██ …`."""
    counts = counts_for(session, item)
    total = sum(counts.values())
    if item.scale is None:
        answered = len(session.answered(item.id))
        return Text(f"{answered} answer{'s' * (answered != 1)} recorded for this question.")
    if not session.is_visible(item.id):
        text = Text("Blind round: ", style="bold")
        text.append(f"{total} answered, hidden until you press r.")
        return text
    if not total:
        return Text("No answers yet on this item.", style="dim")
    text = Text()
    for n, point in enumerate(item.scale.points, start=1):
        count = counts.get(point.key, 0)
        if n > 1:
            text.append("  ·  ")
        label = point.short if point.short == str(n) else f"{n} {point.short}"
        text.append(f"{label}: ", style="bold")
        text.append(f"{count} ")
        text.append(BAR * round(8 * count / total) if total else "")
    abstained = counts.get(ABSTAIN, 0)
    if abstained:
        text.append(f"  ·  abstained {abstained}")
    return text
