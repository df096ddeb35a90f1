"""Answer counts: the one pass over a session's answers that its analysis and the live heatmap
share. Apart from `analysis` (and its dataclasses) so that the meeting screen's first frame does
not wait for the whole analysis to import.
"""

from __future__ import annotations

from collections.abc import Sequence

from bcr_tui.instrument.model import ABSTAIN, Domain, Item, Scale
from bcr_tui.session.records import TALLY
from bcr_tui.session.state import Session


def count_answers(
    session: Session, item: Item, scale: Scale, include_hidden: bool, who: Sequence[str] | None
) -> tuple[dict[str, int], int]:
    """Answer counts per point (display order) and abstentions for one item."""
    counts = {p.key: 0 for p in scale.points}
    abstain = 0
    if not include_hidden and not session.is_visible(item.id):
        return counts, 0
    if session.mode == "tally":
        if who is None or TALLY in who:
            for key, c in session.tally.get(item.id, {}).items():
                if key == ABSTAIN:
                    abstain += c
                elif key in counts:
                    counts[key] += c
        return counts, abstain
    answers, item_id, none = session.answers, item.id, {}
    for rater in session.raters() if who is None else who:
        value = answers.get(rater, none).get(item_id)
        if value is None:
            continue
        if value == ABSTAIN:
            abstain += 1
        elif isinstance(value, str) and value in counts:
            counts[value] += 1
    return counts, abstain


class CountMemo:
    """Each item's counts from the last call, with the session's change count for the item
    (`Session.changes`) when they were made: the live heatmap counts again only the items a key
    changed (one, usually), not every answer in the session. Given another session, it starts
    again."""

    def __init__(self) -> None:
        self._session: Session | None = None
        self._items: dict[str, tuple[int, dict[str, int]]] = {}

    def visible_counts(self, session: Session, item: Item, scale: Scale) -> dict[str, int]:
        """`count_answers(session, item, scale, False, None)[0]`, counted again only if the
        item changed since the last call."""
        if session is not self._session:
            self._session, self._items = session, {}
        changes = session.changes.get(item.id, 0)
        known = self._items.get(item.id)
        if known is None or known[0] != changes:
            known = (changes, count_answers(session, item, scale, False, None)[0])
            self._items[item.id] = known
        return known[1]


def domain_counts(
    session: Session, memo: CountMemo | None = None
) -> list[tuple[Domain, dict[str, int]]]:
    """Answers per point (abstentions left out) pooled over each domain's visible rating items.

    The same counts as `summarize(session).domains[…].counts`, without the rest of the figures:
    the live heatmap shows these on every key, where a whole summary costs several times more
    (and with a `memo` only the items changed since its last call are counted again).
    """
    return [
        (domain, pooled_counts(session, domain.rating_items, memo))
        for domain in session.instrument.domains
        if domain.rating_items
    ]


def pooled_counts(
    session: Session, items: Sequence[Item], memo: CountMemo | None = None
) -> dict[str, int]:
    """Visible answers per point key (abstentions left out), pooled over `items` (a domain, or
    a domain's items asked from one perspective)."""
    counts: dict[str, int] = {}
    for item in items:
        if item.scale is None:
            continue
        item_counts = (
            memo.visible_counts(session, item, item.scale)
            if memo is not None
            else count_answers(session, item, item.scale, False, None)[0]
        )
        for key, c in item_counts.items():
            counts[key] = counts.get(key, 0) + c
    return counts
