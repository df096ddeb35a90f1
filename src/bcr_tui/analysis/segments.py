"""Figures by person and by group of people: each participant's mean per domain, and the
participants split by their answer to a profile question (segments), with the widest gap
between groups. Apart from `analysis` because they answer a different question (who rated how,
not how an item was rated) and have their own privacy rule: a group under `MIN_SEGMENT` people
is suppressed, so no one's answers can be singled out. Round-robin sessions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bcr_tui.analysis.figures import domain_stats
from bcr_tui.session.state import Session

#: Segments smaller than this are suppressed: no figures, so no one's answers can be singled out.
MIN_SEGMENT = 3


def participant_means(
    session: Session,
    *,
    include_hidden: bool = False,
) -> dict[str, dict[str, float | None]]:
    """Each participant's mean score per domain (None: no scored answer). Round-robin only."""
    if session.mode != "round-robin":
        return {}
    domains = [
        d
        for d in session.instrument.domains
        if any(i.scale and i.scale.ordinal for i in d.rating_items)
    ]
    return {
        p.id: {
            d.id: domain_stats(session, d, include_hidden=include_hidden, who=(p.id,)).mean
            for d in domains
        }
        for p in session.participants
    }


@dataclass(frozen=True)
class Segment:
    """Participants who gave one answer to a profile question, with per-domain figures.

    A suppressed segment (fewer than the minimum size) has empty figure tables.
    """

    key: str
    label: str
    size: int
    suppressed: bool
    means: dict[str, float | None]
    priority: dict[str, float]
    strength: dict[str, float]


@dataclass(frozen=True)
class SegmentGap:
    """The largest difference in a domain's mean between two unsuppressed segments."""

    domain_id: str
    high: str  #: segment key with the highest mean
    low: str  #: segment key with the lowest mean
    gap: float


def segments(
    session: Session, question_id: str, *, min_size: int = MIN_SEGMENT, include_hidden: bool = False
) -> list[Segment]:
    """Split participants by their answer to a choice or multichoice profile question.

    Multichoice: someone counts in each option they chose. "Other" is one group (its free text is
    not used). People who gave no answer are left out. Groups are in option order, empty ones
    omitted; groups under `min_size` are returned suppressed. Round-robin only (else []).
    """
    question = session.instrument.item(question_id)
    if (
        question is None
        or not session.instrument.is_profile(question.id)
        or question.kind not in ("choice", "multichoice")
    ):
        raise ValueError(f"no choice question {question_id!r} among the profile questions")
    if session.mode != "round-robin":
        return []
    labels = {o.key: o.label for o in question.options}
    if question.other:
        labels.setdefault("other", "Other")
    members: dict[str, list[str]] = {key: [] for key in labels}
    for person in session.participants:
        value = person.profile.get(question_id)
        for key in dict.fromkeys(value if isinstance(value, list) else [value]):
            if isinstance(key, str) and key in members:
                members[key].append(person.id)
    domains = [d for d in session.instrument.domains if d.rating_items]
    out = []
    for key, ids in members.items():
        if not ids:
            continue
        if len(ids) < max(1, min_size):
            out.append(Segment(key, labels[key], len(ids), True, {}, {}, {}))
            continue
        figures = [
            domain_stats(session, d, include_hidden=include_hidden, who=ids) for d in domains
        ]
        out.append(
            Segment(
                key,
                labels[key],
                len(ids),
                False,
                {f.domain_id: f.mean for f in figures},
                {f.domain_id: f.priority for f in figures},
                {f.domain_id: f.strength for f in figures},
            )
        )
    return out


def segment_gaps(groups: Sequence[Segment]) -> list[SegmentGap]:
    """Per domain (in order), the widest gap in mean between unsuppressed segments.

    Domains where fewer than two segments have a mean are left out.
    """
    shown = [g for g in groups if not g.suppressed]
    domain_ids = list(dict.fromkeys(d for g in shown for d in g.means))
    out = []
    for did in domain_ids:
        rated = [(g.means[did], g.key) for g in shown if g.means.get(did) is not None]
        if len(rated) < 2:
            continue
        high = max(rated, key=lambda r: r[0])  # first of equals: segment order
        low = min(rated, key=lambda r: r[0])
        out.append(SegmentGap(did, high[1], low[1], high[0] - low[0]))
    return out
