"""Heatmap grids: what the heatmap shows, as plain rows and cells (no UI), so the screen, the
report and the tests read the same figures.

- domains × answers: the share of each answer per domain;
- participants × domains: each person's mean score per domain (round-robin);
- segments × domains: mean score per group of a profile question (small groups suppressed).
Blind items not yet revealed are never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from bcr_tui.counts import CountMemo, domain_counts
from bcr_tui.session import Session


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
    """Domains × answers, share per cell (instruments whose domains share one scale); with a
    `memo`, only the items changed since its last call are counted again."""
    scales = {i.scale.id for i in session.instrument.rating_items if i.scale is not None}
    domains = domain_counts(session, memo)
    if len(scales) != 1 or not domains:
        return None
    scale = session.instrument.rating_items[0].scale
    assert scale is not None
    columns = tuple(p.short for p in scale.points) + ("answers",)
    rows = []
    for domain, counts in domains:
        n = sum(counts.values())
        shares = [counts.get(p.key, 0) / n if n else None for p in scale.points]
        cells = [Cell(share, percent(share)) for share in shares]
        cells.append(Cell(None, str(n)))
        rows.append((domain.short, tuple(cells)))
    return Grid("Share of answers per domain", columns, tuple(rows),
                "Each cell: the share of that domain's answers. Darker = fewer, lighter = more.")


def people_domains(session: Session) -> Grid | None:
    """Participants × domains: each person's mean score per domain (round-robin only)."""
    means = _analysis().participant_means(session)
    domains = [d for d in session.instrument.domains if d.rating_items]
    if not means or not domains or not _ordinal(session):
        return None
    rows = []
    for person in session.participants:
        row = means.get(person.id, {})
        rows.append((person.name, tuple(Cell(row.get(d.id), percent(row.get(d.id)))
                                        for d in domains)))
    return Grid("Mean score per person and domain", tuple(d.short for d in domains), tuple(rows),
                "0% = every answer at the lowest point, 100% = every answer at the highest.")


def segment_domains(session: Session, question_id: str,
                    min_size: int | None = None) -> Grid | None:
    """Groups of a profile question × domains: mean score; groups below `min_size` (by default
    `analysis.MIN_SEGMENT`) suppressed."""
    analysis = _analysis()
    min_size = analysis.MIN_SEGMENT if min_size is None else min_size
    domains = [d for d in session.instrument.domains if d.rating_items]
    if not _ordinal(session) or not domains:
        return None
    groups = analysis.segments(session, question_id, min_size=min_size)
    if not groups:
        return None
    rows = []
    for g in groups:
        label = f"{g.label} ({g.size})" if not g.suppressed else f"{g.label} (<{min_size})"
        if g.suppressed:
            rows.append((label, tuple(Cell(None, "·") for _ in domains)))
        else:
            rows.append((label, tuple(Cell(g.means.get(d.id), percent(g.means.get(d.id)))
                                      for d in domains)))
    question = session.instrument.item(question_id)
    title = f"Mean score by {question.text if question else question_id}"
    return Grid(title, tuple(d.short for d in domains), tuple(rows),
                f"· = fewer than {min_size} people: not shown, so no one can be identified.")


def _analysis() -> ModuleType:
    """The analysis module, imported where first needed: the meeting's first frame (the live
    heatmap, `domain_answers`) needs only the counts."""
    from bcr_tui import analysis

    return analysis


def _ordinal(session: Session) -> bool:
    return any(i.scale is not None and i.scale.ordinal for i in session.instrument.rating_items)


def grids(session: Session, *, names: bool = True) -> list[Grid]:
    """Every heatmap that applies to this session, in display order; without `names` (the
    audience view with names hidden) no grid of people."""
    out = [domain_answers(session), people_domains(session) if names else None]
    for q in session.instrument.profile:
        if q.kind in ("choice", "multichoice"):
            out.append(segment_domains(session, q.id))
    return [g for g in out if g is not None]
