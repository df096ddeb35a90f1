"""`bcr compare EARLIER LATER`: how each domain and item moved between two sessions.

Both sessions must use the same instrument (same id, same item ids). Means are mean scores as
percentages (0–100); priority shares are the percentage of answers at a "priority" point (e.g.
"Needs immediate attention"); changes are in percentage points, later minus earlier. A change
smaller than half a point reads "no change".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from bcr_tui.analysis import figures
from bcr_tui.errors import BcrError, UsageError
from bcr_tui.plaintext import label
from bcr_tui.session.state import Session
from bcr_tui.storage.store import load_session

#: Changes smaller than this (in points) read "no change".
STEADY = 0.5
ITEM_TEXT = 60


@dataclass(frozen=True)
class Change:
    """One domain or item in both sessions. Percentages 0–100; None: no figure."""

    id: str
    title: str  #: the domain's title, or the item's text
    domain_id: str
    earlier_mean: float | None
    later_mean: float | None
    mean_change: float | None
    earlier_priority: float | None
    later_priority: float | None
    priority_change: float | None


@dataclass(frozen=True)
class Comparison:
    """Per domain and per item, in instrument order."""

    domains: tuple[Change, ...]
    items: tuple[Change, ...]


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def _pct(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _change(
    cid: str,
    title: str,
    domain_id: str,
    a: figures.Figures,
    b: figures.Figures | None,
    has_priority: bool,
) -> Change:
    ma = _pct(a.mean if a.n else None)
    mb = _pct(b.mean if b is not None and b.n else None)
    pa = _pct(a.priority) if has_priority and a.n else None
    pb = _pct(b.priority) if has_priority and b is not None and b.n else None
    return Change(cid, title, domain_id, ma, mb, _diff(ma, mb), pa, pb, _diff(pa, pb))


def compare(earlier: Session, later: Session) -> Comparison:
    """Compare two sessions of the same instrument; raises UsageError if the instruments differ.

    Items are matched by id (an instrument may move an item to another domain between
    versions); a domain is compared only where it holds the same items in both (else its later
    figures read "–")."""
    one, two = earlier.instrument, later.instrument
    if one.id != two.id:
        raise UsageError(
            f"the sessions use different instruments ({one.title} and {two.title}), "
            "so they cannot be compared"
        )
    if [i.id for i in one.items] != [i.id for i in two.items]:
        raise UsageError(
            f"the sessions use different versions of the {one.title} (their items "
            "differ), so they cannot be compared"
        )
    before, after = figures.summarize(earlier), figures.summarize(later)
    later_domains = {d.domain_id: d for d in after.domains}
    later_items = {i.item_id: i for d in after.domains for i in d.items}
    titles = {d.id: d.title for d in one.domains}
    domains, items = [], []
    for da in before.domains:
        domain = next(d for d in one.domains if d.id == da.domain_id)
        roles = {p.role for i in domain.rating_items if i.scale for p in i.scale.points}
        db = later_domains.get(da.domain_id)
        if db is not None and [i.item_id for i in db.items] != [i.item_id for i in da.items]:
            db = None  # the same domain holds other items: its figures are not comparable
        domains.append(
            _change(da.domain_id, titles[da.domain_id], da.domain_id, da, db, "priority" in roles)
        )
        for ia in da.items:
            item = one.item(ia.item_id)
            assert item is not None and item.scale is not None
            text = item.text + (f" ({item.perspective_label})" if item.perspective_label else "")
            items.append(
                _change(
                    ia.item_id,
                    text,
                    da.domain_id,
                    ia,
                    later_items.get(ia.item_id),
                    any(p.role == "priority" for p in item.scale.points),
                )
            )
    return Comparison(tuple(domains), tuple(items))


def format_change(delta: float | None) -> str:
    """`+12 points ↑`, `−5 points ↓`, `no change →` (under half a point), or `–` (no figure)."""
    if delta is None or math.isnan(delta):
        return "–"
    if abs(delta) < STEADY:
        return "no change →"
    size = math.floor(abs(delta) + 0.5)
    unit = "point" if size == 1 else "points"
    return f"+{size} {unit} ↑" if delta > 0 else f"−{size} {unit} ↓"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value)}%"  # rounded as the report rounds


def shorten(text: str, width: int = ITEM_TEXT) -> str:
    """One line, cut at a word boundary with "…" when longer than `width`."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1].rsplit(" ", 1)[0] if " " in flat[: width - 1] else flat[: width - 1]
    return cut.rstrip(" ,;:.") + "…"


def _describe(s: Session, path: Path) -> str:
    return f"{s.title} ({s.created:%Y-%m-%d}, {label(path.name)})"


def run_compare(earlier: Path, later: Path) -> int:
    """Print the comparison of two session files as tables; 0 on success."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    try:
        one, two = load_session(earlier), load_session(later)
        result = compare(one, two)
    except BcrError as exc:  # every error names both files
        raise UsageError(
            f"cannot compare {label(str(earlier))} with {label(str(later))}: {exc}"
        ) from None
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console.width = 200
    console.print(
        f"{one.instrument.title}\nEarlier: {_describe(one, earlier)}\n"
        f"Later:   {_describe(two, later)}\n"
        "Mean score: 0% = every answer at the lowest point, 100% = at the highest. "
        "Priority: share of answers saying it needs attention now.",
        markup=False,
    )
    titles = {d.id: d.title for d in one.instrument.domains}
    for heading, rows in (("By domain", result.domains), ("By item", result.items)):
        table = Table(
            title=heading,
            title_justify="left",
            box=None,
            pad_edge=False,
            header_style="bold",
            title_style="bold",
        )
        table.add_column("Domain" if heading == "By domain" else "Item", overflow="fold")
        for name in (
            "Earlier mean",
            "Later mean",
            "Mean change",
            "Earlier priority",
            "Later priority",
            "Priority change",
        ):
            table.add_column(name, justify="right", no_wrap=True)
        current = None
        for c in rows:
            if heading == "By item" and c.domain_id != current:
                current = c.domain_id
                table.add_row(escape(titles.get(c.domain_id, c.domain_id)), style="bold")
            table.add_row(
                escape(c.title if heading == "By domain" else "  " + shorten(c.title)),
                _percent(c.earlier_mean),
                _percent(c.later_mean),
                format_change(c.mean_change),
                _percent(c.earlier_priority),
                _percent(c.later_priority),
                format_change(c.priority_change),
            )
        console.print()
        console.print(table)
    return 0
