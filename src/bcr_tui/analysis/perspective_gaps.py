"""Now/want perspective gaps: an item asked from two perspectives (Levels of Engagement asks
"where we are now" and "where we want to be") gives two means, and the gap between them. Apart
from `analysis` because only instruments with paired items have them; built on `item_stats`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bcr_tui.analysis.figures import item_stats, rater_ids
from bcr_tui.instrument.model import Item
from bcr_tui.session.state import Session


@dataclass(frozen=True)
class Gap:
    """An item asked from two perspectives (Levels of Engagement: now / want) and the gap."""

    pair: str
    domain_id: str
    now_item: str
    want_item: str
    now: float | None  #: mean score now (None: unanswered or nominal)
    want: float | None
    gap: float | None  #: want − now


def perspective_gaps(
    session: Session, *, include_hidden: bool = False, who: Iterable[str] | None = None
) -> list[Gap]:
    """For each paired item, mean now, mean want and the gap, in instrument order.

    The perspectives "now" and "want" are used when present, else the first and last listed.
    """
    raters = rater_ids(who)
    pairs: dict[str, list[Item]] = {}
    for item in session.instrument.rating_items:
        if item.pair:
            pairs.setdefault(item.pair, []).append(item)
    out = []
    for pair, items in pairs.items():
        if len(items) < 2:
            continue
        by = {i.perspective: i for i in items}
        now_item, want_item = by.get("now", items[0]), by.get("want", items[-1])
        now = item_stats(session, now_item, include_hidden=include_hidden, who=raters).mean
        want = item_stats(session, want_item, include_hidden=include_hidden, who=raters).mean
        gap = want - now if now is not None and want is not None else None
        out.append(Gap(pair, now_item.domain_id, now_item.id, want_item.id, now, want, gap))
    return out
