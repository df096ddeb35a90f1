"""Heatmap grids: what the heatmap shows, as plain rows and cells (no UI), so the screen, the
report and the tests read the same figures.

- domains × answers: the share of each answer per domain (scales that differ but share their
  answers, as Communities of Care's Yes / No / Unsure, have one column per answer); an instrument
  asking each item now and want (Levels of Engagement) has a row per domain and perspective;
- conditions × answers: each yes/no condition of a domain (Communities of Care, Step 5);
- now × want: each paired item's mean level now, wanted, and the gap;
- participants × domains: each person's mean score per domain (round-robin);
- segments × domains: mean score per group of a profile question (small groups suppressed).
Blind items not yet revealed are never counted. `analysis`, `segments` and `perspective_gaps` are
imported in the functions that use them: the meeting's first frame (the live heatmap,
`domain_answers`) needs only the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bcr_tui.analysis.counts import CountMemo, pooled_counts
from bcr_tui.instrument.model import Instrument, Item, Point
from bcr_tui.session.state import Session

#: More answer columns than this do not fit a heatmap on screen: no domains × answers grid.
MAX_COLUMNS = 7


@dataclass(frozen=True)
class Cell:
    """One cell: a value in [0, 1] for the colour (None: empty) and the text it shows."""

    value: float | None
    text: str


@dataclass(frozen=True)
class Grid:
    """A heatmap: a title, column headings, and labelled rows of cells."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]
    note: str = ""


def percent(value: float | None) -> str:
    """`62%`, or `–` when there is no figure."""
    return "–" if value is None else f"{round(100 * value)}%"


def domain_answers(session: Session, memo: CountMemo | None = None) -> Grid | None:
    """Domains × answers, share per cell; with a `memo`, only the items changed since its last
    call are counted again (this grid repaints on every key of the meeting). None when the
    scales' answers differ too much to share columns."""
    points, groups = _layout(session.instrument)
    if not points or not groups or len(points) > MAX_COLUMNS:
        return None
    columns = tuple(p.short for p in points) + ("answers",)
    rows = []
    for label, items, asked in groups:
        counts = pooled_counts(session, items, memo)
        n = sum(counts.values())
        shares = [counts.get(p.key, 0) / n if n and p.key in asked else None for p in points]
        cells = [Cell(share, percent(share)) for share in shares]
        cells.append(Cell(None, str(n)))
        rows.append((label, tuple(cells)))
    return Grid(
        "Share of answers per domain",
        columns,
        tuple(rows),
        "Each cell: the share of that domain's answers. Darker = fewer, lighter = more."
        + (
            " – : not an answer to these questions."
            if any(
                c.value is None and c.text == "–" and r[1][-1].text != "0"
                for r in rows
                for c in r[1][:-1]
            )
            else ""
        ),
    )


_LAYOUTS: dict[int, tuple[Instrument, tuple]] = {}


def _layout(instrument: Instrument) -> tuple[list[Point], list[tuple]]:
    """The answer columns and the rows (label, items, answer keys asked) of an instrument's
    domains × answers grid, worked out once per instrument: the grid repaints on every key."""
    known = _LAYOUTS.get(id(instrument))
    if known is None or known[0] is not instrument:
        groups = [
            (label, items, frozenset(p.key for i in items if i.scale for p in i.scale.points))
            for label, items in row_groups(instrument)
        ]
        known = (instrument, (_points(instrument.rating_items), groups))
        if len(_LAYOUTS) > 16:
            _LAYOUTS.clear()
        _LAYOUTS[id(instrument)] = known
    return known[1]


def row_groups(instrument: Instrument) -> list[tuple[str, tuple[Item, ...]]]:
    """(label, rating items) per row: each domain, or each domain and perspective ("Flow: now",
    "Flow: want") when items are asked from two perspectives (figures never pool the two)."""
    out = []
    for domain in instrument.domains:
        items = tuple(i for i in domain.rating_items if i.scale is not None)
        if not items:
            continue
        views = list(dict.fromkeys(i.perspective for i in items))
        if views == [None]:
            out.append((domain.short, items))
            continue
        for view in views:
            out.append(
                (
                    f"{domain.short}: {view}" if view else domain.short,
                    tuple(i for i in items if i.perspective == view),
                )
            )
    return out


def _points(items: Sequence[Item]) -> list[Point]:
    """The answers of these items' scales, one per key in first-seen order; [] when two scales
    label one key differently (their columns would mean different things)."""
    seen: dict[str, Point] = {}
    for item in items:
        for p in item.scale.points if item.scale else ():
            if seen.setdefault(p.key, p).short != p.short:
                return []
    return list(seen.values())


def conditions(session: Session) -> list[Grid]:
    """Per domain with two or more yes/no conditions (two-point scales without scores: the Step 5
    conditions of Communities of Care), conditions × answers, share per cell."""
    out = []
    for domain in session.instrument.domains:
        items = [
            i
            for i in domain.rating_items
            if i.scale is not None and len(i.scale.points) == 2 and not i.scale.ordinal
        ]
        points = _points(items)
        if len(items) < 2 or not points:
            continue
        rows = []
        for item in items:
            counts = pooled_counts(session, (item,), None)
            n = sum(counts.values())
            cells = [
                Cell(
                    counts.get(p.key, 0) / n if n else None,
                    percent(counts.get(p.key, 0) / n if n else None),
                )
                for p in points
            ]
            rows.append((item.text, (*cells, Cell(None, str(n)))))
        out.append(
            Grid(
                f"{domain.short}: each condition",
                (*(p.short for p in points), "answers"),
                tuple(rows),
                f"Each cell: the share of answers to that condition. {points[-1].short}"
                " = not in place yet.",
            )
        )
    return out


def now_and_want(session: Session) -> Grid | None:
    """Items asked now and want (Levels of Engagement): the mean level now, wanted, and the gap
    in points (the difference of the two percentages shown)."""
    from bcr_tui.analysis.perspective_gaps import perspective_gaps

    gaps = perspective_gaps(session)
    if not gaps:
        return None
    rows = []
    for g in gaps:
        item = session.instrument.item(g.now_item)
        shown = [None if v is None else round(100 * v) for v in (g.now, g.want)]
        gap = None if None in shown else shown[1] - shown[0]
        rows.append(
            (
                item.text if item else g.pair,
                (
                    Cell(g.now, percent(g.now)),
                    Cell(g.want, percent(g.want)),
                    Cell(None, "–" if gap is None else f"{gap:+d}".replace("-", "−")),
                ),
            )
        )
    low, high = _ends(session)
    return Grid(
        "Where we are now and where we want to be",
        ("now", "want", "gap (points)"),
        tuple(rows),
        f"Mean level: 0% = every answer {low}, 100% = every answer {high}.",
    )


def _ends(session: Session) -> tuple[str, str]:
    """The lowest and highest scored answers' labels (for a note: "0% = every answer …")."""
    points = [
        p
        for i in session.instrument.rating_items
        if i.scale
        for p in i.scale.points
        if p.score is not None
    ]
    if not points:
        return "at the lowest point", "at the highest"
    return (
        min(points, key=lambda p: p.score or 0.0).short,
        max(points, key=lambda p: p.score or 0.0).short,
    )


def people_domains(session: Session) -> Grid | None:
    """Participants × domains (× perspective): each person's mean score (round-robin only)."""
    groups = row_groups(session.instrument)
    if session.mode != "round-robin" or not groups or not _ordinal(session):
        return None
    from bcr_tui.analysis.figures import item_stats

    rows = []
    for person in session.participants:
        cells = []
        for _, items in groups:
            stats = [item_stats(session, i, who=(person.id,)) for i in items]
            scored = [(s.mean, s.n) for s in stats if s.mean is not None and s.n]
            n = sum(k for _, k in scored)
            mean = sum(m * k for m, k in scored) / n if n else None
            cells.append(Cell(mean, percent(mean)))
        rows.append((person.name, tuple(cells)))
    return Grid(
        "Mean score per person and domain",
        tuple(label for label, _ in groups),
        tuple(rows),
        "0% = every answer at the lowest point, 100% = every answer at the highest.",
    )


def segment_domains(session: Session, question_id: str, min_size: int | None = None) -> Grid | None:
    """Groups of a profile question × domains: mean score; groups below `min_size` (by default
    `segments.MIN_SEGMENT`) suppressed."""
    from bcr_tui.analysis.segments import MIN_SEGMENT, segments

    min_size = MIN_SEGMENT if min_size is None else min_size
    domains = [d for d in session.instrument.domains if d.rating_items]
    if not _ordinal(session) or not domains:
        return None
    groups = segments(session, question_id, min_size=min_size)
    if not groups:
        return None
    rows = []
    for g in groups:
        label = f"{g.label} ({g.size})" if not g.suppressed else f"{g.label} (<{min_size})"
        if g.suppressed:
            rows.append((label, tuple(Cell(None, "·") for _ in domains)))
        else:
            rows.append(
                (label, tuple(Cell(g.means.get(d.id), percent(g.means.get(d.id))) for d in domains))
            )
    question = session.instrument.item(question_id)
    title = f"Mean score by {question.text if question else question_id}"
    return Grid(
        title,
        tuple(d.short for d in domains),
        tuple(rows),
        f"· = fewer than {min_size} people: not shown, so no one can be identified.",
    )


def _ordinal(session: Session) -> bool:
    return any(i.scale is not None and i.scale.ordinal for i in session.instrument.rating_items)


def grids(session: Session, *, names: bool = True) -> list[Grid]:
    """Every heatmap that applies to this session, in display order; without `names` (the
    audience view with names hidden) no grid of people."""
    out = [
        domain_answers(session),
        *conditions(session),
        now_and_want(session),
        people_domains(session) if names else None,
    ]
    for q in session.instrument.profile:
        if q.kind in ("choice", "multichoice"):
            out.append(segment_domains(session, q.id))
    return [g for g in out if g is not None]
