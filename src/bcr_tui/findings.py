"""What the room should discuss, in words: the read-out on screen and the report both render this.

Strengths, the items needing immediate attention, the contested items (with their spread),
differences between groups, now-versus-want gaps, the reflection questions, notes and actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcr_tui import analysis
from bcr_tui.instruments import fill
from bcr_tui.session import Action, Session


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


def spread(session: Session, stats: analysis.ItemStats) -> str:
    """`Maintain 6 · Immediate 5 · Future 1` for an item (labels as in the instrument)."""
    item = session.instrument.item(stats.item_id)
    assert item is not None and item.scale is not None
    return " · ".join(f"{p.short} {stats.counts.get(p.key, 0)}" for p in item.scale.points)


def findings(session: Session) -> Findings:
    """The read-out of a session (blind items not yet revealed are left out)."""
    summary = analysis.summarize(session)
    inst = session.instrument

    def item_finding(stats: analysis.ItemStats, figures: str) -> Finding:
        item = inst.item(stats.item_id)
        domain = inst.domain_of(stats.item_id)
        assert item is not None
        return Finding(fill(item.text, session.community), domain.title if domain else "",
                       figures)

    strengths = tuple(item_finding(s, f"{round(100 * s.strength)}% see a strength"
                                   f" · {spread(session, s)}")
                      for s in analysis.strengths(summary))
    priorities = tuple(item_finding(s, f"{round(100 * s.priority)}% say it needs attention now"
                                    f" · {spread(session, s)}")
                       for s in analysis.priorities(summary))
    contested = tuple(item_finding(s, f"consensus {s.consensus:.2f} · {spread(session, s)}")
                      for s in analysis.contested(summary))
    groups: list[Finding] = []
    for q in inst.profile:
        if q.kind not in ("choice", "multichoice"):
            continue
        segs = analysis.segments(session, q.id)
        labels = {g.key: g.label for g in segs}
        for gap in analysis.segment_gaps(segs):
            if gap.gap < 0.15:
                continue
            domain = next(d for d in inst.domains if d.id == gap.domain_id)
            groups.append(Finding(domain.title, q.text, f"{labels[gap.high]} rate it "
                                  f"{round(100 * gap.gap)} points higher than {labels[gap.low]}"))
    gaps = []
    for g in analysis.perspective_gaps(session):
        item = inst.item(g.now_item)
        if item is None or g.now is None or g.want is None:
            continue
        gaps.append(Finding(item.text, "now → want", f"{round(100 * g.now)}% → "
                            f"{round(100 * g.want)}% (gap {round(100 * g.gap)} points)"))
    notes = tuple(Finding(fill(inst.item(k).text, session.community) if inst.item(k) else k,
                          "note", v) for k, v in session.notes.items())
    hidden = sum(1 for i in inst.rating_items if not session.is_visible(i.id))
    return Findings(strengths, priorities, contested, tuple(groups), tuple(gaps),
                    tuple((r.title, r.questions) for r in inst.reflection), notes,
                    tuple(session.actions), hidden if session.blind else 0,
                    sum(d.n for d in summary.domains))
