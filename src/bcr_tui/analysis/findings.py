"""What the room should discuss, in words: the read-out on screen and the report both render this.

Strengths, the items needing immediate attention, the contested items (with their spread),
every yes/no condition answered "No" (Communities of Care, Step 5), differences between groups,
now-versus-want gaps, the written answers, the reflection questions, notes and actions.

Every figure is written as it is read aloud: counts with their answers' labels ("Maintain 6 ·
Immediate 5", "3 rated it 5 (high)"), an item asked twice names its perspective ("Flow of
information (Where we are now)"), and a gap is the difference of the two figures shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcr_tui.analysis import figures as analysis
from bcr_tui.analysis.perspective_gaps import Gap, perspective_gaps
from bcr_tui.analysis.segments import segment_gaps, segments
from bcr_tui.instrument.model import ABSTAIN, Item, Scale, fill
from bcr_tui.session.records import Action
from bcr_tui.session.state import Session


@dataclass(frozen=True)
class Finding:
    """One line of the read-out: an item (or domain) and the figures that put it there."""

    title: str
    where: str
    figures: str


@dataclass(frozen=True)
class Findings:
    """Everything the read-out shows."""

    strengths: tuple[Finding, ...]
    priorities: tuple[Finding, ...]
    contested: tuple[Finding, ...]
    groups: tuple[Finding, ...]
    gaps: tuple[Finding, ...]
    reflection: tuple[tuple[str, tuple[str, ...]], ...]
    notes: tuple[Finding, ...]
    actions: tuple[Action, ...]
    hidden: int
    answers: int
    #: Every yes/no condition someone answered "No" (not in place), in instrument order.
    missing: tuple[Finding, ...] = ()
    #: (question, the answers written to it, unattributed) for each text item with answers.
    written: tuple[tuple[str, tuple[str, ...]], ...] = ()


def spread(session: Session, stats: analysis.ItemStats) -> str:
    """How an item's answers fell, with their labels: `Maintain 6 · Immediate 5 · Future 1`; on
    a numbered scale `1 rated it 3 · 2 rated it 5 (high)` (answers given only: "1: 0 · 2: 0" read
    aloud is noise); abstentions last."""
    item = session.instrument.item(stats.item_id)
    assert item is not None and item.scale is not None
    scale = item.scale
    if _numbered(scale):
        parts = [
            f"{c} rated it {_number_label(scale, n)}"
            for n, p in enumerate(scale.points, start=1)
            if (c := stats.counts.get(p.key, 0))
        ]
        text = " · ".join(parts) or "no answers"
    else:
        text = " · ".join(f"{p.short} {stats.counts.get(p.key, 0)}" for p in scale.points)
    return text + (f" · {stats.abstain} abstained" if stats.abstain else "")


def _numbered(scale: Scale) -> bool:
    """A scale whose points are labelled 1, 2, 3 … (CPAT, Leadership)."""
    return all(p.short == str(n) for n, p in enumerate(scale.points, start=1))


def _number_label(scale: Scale, n: int) -> str:
    """`5 (high)` at the ends of a numbered scale that names them, else `3`."""
    word = scale.low if n == 1 else scale.high if n == len(scale.points) else None
    return f"{n} ({word})" if word else str(n)


def item_title(session: Session, item: Item) -> str:
    """An item's wording for the room; asked from a perspective, it says which: "Flow of
    information (Where we are now)"."""
    text = fill(item.text, session.community)
    return f"{text} ({item.perspective_label})" if item.perspective_label else text


def level(item: Item, mean: float) -> str:
    """The point nearest a mean score, by its label ("Informing")."""
    assert item.scale is not None
    scored = [p for p in item.scale.points if p.score is not None]
    return min(scored, key=lambda p: abs((p.score or 0.0) - mean)).short


def gap_figures(session: Session, gap: Gap) -> str:
    """`now 6% (about Independent) → want 69% (about Involving): +63 points`; the gap is the
    difference of the two percentages shown, so it adds up when read aloud."""
    item = session.instrument.item(gap.now_item)
    assert item is not None and gap.now is not None and gap.want is not None
    now, want = round(100 * gap.now), round(100 * gap.want)
    diff = want - now
    change = "no gap" if diff == 0 else f"{diff:+d} point{'s' * (abs(diff) != 1)}"
    change = change.replace("-", "−")
    return (
        f"now {now}% (about {level(item, gap.now)}) → want {want}% (about "
        f"{level(item, gap.want)}): {change}"
    )


def missing_conditions(session: Session, summary: analysis.Summary) -> list[analysis.ItemStats]:
    """Every item on a two-point yes/no scale (the Step 5 conditions) with at least one answer at
    its "priority" point (No: not in place), in instrument order."""
    out = []
    for stats in summary.items:
        item = session.instrument.item(stats.item_id)
        scale = item.scale if item else None
        if (
            scale is not None
            and len(scale.points) == 2
            and not scale.ordinal
            and stats.priority > 0
        ):
            out.append(stats)
    return out


def written_answers(session: Session) -> list[tuple[str, tuple[str, ...]]]:
    """(question, answers) for every text or table item with a written answer, unattributed; a
    table's rows read "Barrier: no bus after six · Strategies: carpool list"."""
    out = []
    for item in session.items:
        if item.kind not in ("text", "table") or not session.is_visible(item.id):
            continue
        given: tuple[str, ...] = ()
        for value in session.answered(item.id).values():
            if isinstance(value, str) and value.strip() and value != ABSTAIN:
                given += (value.strip(),)
            elif isinstance(value, list):
                labels = {c.key: c.label for c in item.columns}
                given += tuple(
                    " · ".join(f"{labels.get(k, k)}: {v}" for k, v in row.items() if str(v).strip())
                    for row in value
                    if isinstance(row, dict) and any(row.values())
                )
        if given:
            out.append((fill(item.text, session.community), given))
    return out


def findings(session: Session) -> Findings:
    """The read-out of a session (blind items not yet revealed are left out)."""
    summary = analysis.summarize(session)
    inst = session.instrument

    def item_finding(stats: analysis.ItemStats, figures: str) -> Finding:
        item = inst.item(stats.item_id)
        domain = inst.domain_of(stats.item_id)
        assert item is not None
        return Finding(item_title(session, item), domain.title if domain else "", figures)

    strengths = tuple(
        item_finding(s, f"{round(100 * s.strength)}% see a strength · {spread(session, s)}")
        for s in analysis.strengths(summary)
    )
    priorities = tuple(
        item_finding(
            s, f"{round(100 * s.priority)}% say it needs attention now · {spread(session, s)}"
        )
        for s in analysis.priorities(summary)
    )
    contested = tuple(
        item_finding(s, f"consensus {s.consensus:.2f} · {spread(session, s)}")
        for s in analysis.contested(summary)
    )
    groups: list[Finding] = []
    for q in inst.profile:
        if q.kind not in ("choice", "multichoice"):
            continue
        segs = segments(session, q.id)
        labels = {g.key: g.label for g in segs}
        for gap in segment_gaps(segs):
            if gap.gap < 0.15:
                continue
            domain = next(d for d in inst.domains if d.id == gap.domain_id)
            groups.append(
                Finding(
                    domain.title,
                    q.text,
                    f"{labels[gap.high]} rate it "
                    f"{round(100 * gap.gap)} points higher than {labels[gap.low]}",
                )
            )
    gaps = []
    for g in perspective_gaps(session):
        item = inst.item(g.now_item)
        if item is None or g.now is None or g.want is None:
            continue
        gaps.append(
            Finding(fill(item.text, session.community), "now → want", gap_figures(session, g))
        )
    missing = tuple(
        item_finding(s, f"not in place · {spread(session, s)}")
        for s in missing_conditions(session, summary)
    )
    notes = tuple(
        Finding(fill(inst.item(k).text, session.community) if inst.item(k) else k, "note", v)
        for k, v in session.notes.items()
    )
    hidden = sum(1 for i in inst.rating_items if not session.is_visible(i.id))
    return Findings(
        strengths,
        priorities,
        contested,
        tuple(groups),
        tuple(gaps),
        tuple((r.title, r.questions) for r in inst.reflection),
        notes,
        tuple(session.actions),
        hidden if session.blind else 0,
        sum(d.n for d in summary.domains),
        missing,
        tuple(written_answers(session)),
    )
