"""The analysis of one session: item and domain figures, consensus, strengths, priorities and
contested items. Figures by person and by group of people are in `segments`, now/want gaps in
`perspective_gaps`; both build on `item_stats` and `domain_stats` here.

Standard library only, so it imports fast and runs anywhere (TUI, exports, reports, tests).

Figures follow the instrument. On an *ordinal* scale every point has a `score` in [0, 1]; means and
consensus use the score order, never the display order (the PAI shows Maintain, Immediate, Future
but scores them 1, 0, 0.5). A *nominal* scale (yes / no / unsure) has counts and shares only. A
point's `role` ("strength" / "priority") says what an answer there means about the partnership.
Abstentions are counted, but are never part of `n`, the shares, the means or consensus. Blind items
not yet revealed count as unanswered unless `include_hidden=True`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bcr_tui.analysis.counts import count_answers
from bcr_tui.instrument.model import ABSTAIN, Domain, Item, Scale
from bcr_tui.session.state import Session

#: Strengths and priorities need this many answers (or every rater, when there are fewer).
MIN_ANSWERS = 3


# --------------------------------------------------------------------------------------- consensus


def consensus(counts: Sequence[float], scores: Sequence[float] | None = None) -> float:
    """Tastle & Wierman's consensus of answers on an ordinal scale, in [0, 1].

        Cns(X) = 1 + Σ p_i · log2(1 − |X_i − μ| / d_X)

    where p_i is the share of answers at category i, X_i its position (1..n, or `scores`),
    μ = Σ p_i X_i, and d_X = X_max − X_min the width of the scale (used or not). `counts` are in
    score order. Everyone on one point gives 1; an even split between the two extremes gives 0.
    With no answers (or a one-point scale) there is nothing to disagree about: 1.0. Zero-share
    terms are skipped, and tiny float errors are clamped into [0, 1].

    Tastle, W. J. & Wierman, M. J. (2007). Consensus and dissention: a measure of ordinal
    dispersion. International Journal of Approximate Reasoning, 45(3), 531–545.
    """
    positions = [float(i + 1) for i in range(len(counts))] if scores is None else list(scores)
    if len(positions) != len(counts):
        raise ValueError("counts and scores must have the same length")
    if any(not math.isfinite(c) or c < 0 for c in counts):
        raise ValueError("counts must be finite and not negative")
    total = math.fsum(counts)
    width = max(positions) - min(positions) if positions else 0.0
    if total <= 0 or width <= 0:
        return 1.0
    shares = [c / total for c in counts]
    mu = math.fsum(p * x for p, x in zip(shares, positions, strict=True))
    acc = 0.0
    for p, x in zip(shares, positions, strict=True):
        if p <= 0:
            continue
        inside = 1.0 - abs(x - mu) / width
        if inside <= 0.0:  # only by rounding: |X_i − μ| < d_X whenever p_i > 0 and p_i < 1
            return 0.0
        acc += p * math.log2(inside)
    return min(1.0, max(0.0, 1.0 + acc))


# ------------------------------------------------------------ figures: items, domains, the session


@dataclass(frozen=True)
class Figures:
    """Figures over some answers. `counts`/`shares` have every point, in display order."""

    n: int  #: answers, abstentions excluded
    abstain: int
    counts: dict[str, int]
    shares: dict[str, float]  #: of n; all 0 when n is 0
    mean: float | None  #: mean score in [0, 1]; None if nominal or unanswered
    strength: float  #: share of answers at a "strength" point
    priority: float  #: share of answers at a "priority" point
    consensus: float | None  #: None for nominal scales; 1.0 when unanswered (check n)


@dataclass(frozen=True, kw_only=True)
class ItemStats(Figures):
    """Figures for one rating item."""

    item_id: str
    domain_id: str


@dataclass(frozen=True, kw_only=True)
class DomainStats(Figures):
    """Figures pooled over a domain's rating items (counts summed by point key; `mean` over every
    scored answer; `consensus` on the pooled counts if all items share a scale, else the mean
    over answered items)."""

    domain_id: str
    items: tuple[ItemStats, ...]


@dataclass(frozen=True)
class Summary:
    """A whole session: domain figures (each holding its items) and how many raters there are."""

    domains: tuple[DomainStats, ...]
    raters: int

    @property
    def items(self) -> tuple[ItemStats, ...]:
        """Every rating item's figures, in instrument order."""
        return tuple(i for d in self.domains for i in d.items)

    def item(self, item_id: str) -> ItemStats | None:
        """The figures of one item, or None."""
        return next((i for i in self.items if i.item_id == item_id), None)

    def domain(self, domain_id: str) -> DomainStats | None:
        """The figures of one domain, or None."""
        return next((d for d in self.domains if d.domain_id == domain_id), None)


def share_of(stats: Figures, key: str) -> float:
    """The share of answers at point `key` (e.g. "unsure"); for "abstain", of all responses."""
    if key == ABSTAIN:
        total = stats.n + stats.abstain
        return stats.abstain / total if total else 0.0
    return stats.shares.get(key, 0.0)


def _role(scale: Scale, counts: Mapping[str, int], role: str) -> int:
    return sum(counts[p.key] for p in scale.points if p.role == role)


def _scored(scale: Scale, counts: Mapping[str, int]) -> tuple[float, int]:
    """The sum of scores and the number of scored answers (0, 0 on a nominal scale)."""
    if not scale.ordinal:
        return 0.0, 0
    return math.fsum(counts[p.key] * (p.score or 0.0) for p in scale.points), sum(counts.values())


def _consensus(scale: Scale, counts: Mapping[str, int]) -> float:
    ordered = scale.score_order()
    return consensus([counts[p.key] for p in ordered], [p.score or 0.0 for p in ordered])


def _figures(
    counts: dict[str, int],
    abstain: int,
    score_sum: float,
    scored_n: int,
    strong: int,
    weak: int,
    cns: float | None,
) -> dict[str, Any]:
    """The keyword arguments of `Figures` from raw sums."""
    n = sum(counts.values())
    return {
        "n": n,
        "abstain": abstain,
        "counts": counts,
        "shares": {k: (c / n if n else 0.0) for k, c in counts.items()},
        "mean": score_sum / scored_n if scored_n else None,
        "strength": strong / n if n else 0.0,
        "priority": weak / n if n else 0.0,
        "consensus": cns,
    }


def rater_ids(who: Iterable[str] | None) -> tuple[str, ...] | None:
    """`who` (any iterable, read once) as a tuple without repeats; None stays None (everyone)."""
    return None if who is None else tuple(dict.fromkeys(who))


def item_stats(
    session: Session, item: Item, *, include_hidden: bool = False, who: Iterable[str] | None = None
) -> ItemStats:
    """Figures for one rating item, from answers or (tally mode) tallies.

    `who` restricts the count to some raters (participant ids, "group" or "tally").
    """
    scale = item.scale
    if scale is None:
        raise ValueError(f"item {item.id!r} is not rated on a scale")
    counts, abstain = count_answers(session, item, scale, include_hidden, rater_ids(who))
    cns = _consensus(scale, counts) if scale.ordinal else None
    return ItemStats(
        **_figures(
            counts,
            abstain,
            *_scored(scale, counts),
            _role(scale, counts, "strength"),
            _role(scale, counts, "priority"),
            cns,
        ),
        item_id=item.id,
        domain_id=item.domain_id,
    )


def domain_stats(
    session: Session,
    domain: Domain,
    *,
    include_hidden: bool = False,
    who: Iterable[str] | None = None,
) -> DomainStats:
    """Figures pooled over a domain's rating items (see `DomainStats`)."""
    raters = rater_ids(who)
    rated = [i for i in domain.rating_items if i.scale is not None]
    items = tuple(item_stats(session, i, include_hidden=include_hidden, who=raters) for i in rated)
    counts: dict[str, int] = {}
    strong = weak = 0
    score_sum, scored_n = 0.0, 0
    for item, stats in zip(rated, items, strict=True):
        scale = item.scale
        assert scale is not None
        for key, c in stats.counts.items():
            counts[key] = counts.get(key, 0) + c
        strong += _role(scale, stats.counts, "strength")
        weak += _role(scale, stats.counts, "priority")
        total, scored = _scored(scale, stats.counts)
        score_sum, scored_n = score_sum + total, scored_n + scored
    scales = {i.scale.id for i in rated if i.scale}
    cns: float | None = None
    if len(scales) == 1 and rated[0].scale and rated[0].scale.ordinal:
        cns = _consensus(rated[0].scale, counts)
    elif any(s.consensus is not None for s in items):
        answered = [s.consensus for s in items if s.consensus is not None and s.n]
        cns = math.fsum(answered) / len(answered) if answered else 1.0
    return DomainStats(
        **_figures(counts, sum(s.abstain for s in items), score_sum, scored_n, strong, weak, cns),
        domain_id=domain.id,
        items=items,
    )


def _room(session: Session, domains: Sequence[DomainStats]) -> int:
    """How many raters there are: the roster (present, or absent but answered), 1, or hands."""
    if session.mode == "group":
        return 1
    if session.mode == "tally":
        return max((s.n + s.abstain for d in domains for s in d.items), default=0)
    return sum(1 for p in session.participants if not p.absent or session.answers.get(p.id))


def summarize(session: Session, *, include_hidden: bool = False) -> Summary:
    """Figures for every domain that has rating items, in instrument order."""
    domains = tuple(
        domain_stats(session, d, include_hidden=include_hidden)
        for d in session.instrument.domains
        if d.rating_items
    )
    return Summary(domains, _room(session, domains))


# ---------------------------------------------------------- strengths, priorities, contested items


def _ranked(
    summary: Summary,
    k: int,
    keep: Callable[[ItemStats], bool],
    key: Callable[[ItemStats], tuple[float, ...]],
) -> list[ItemStats]:
    order = {s.item_id: n for n, s in enumerate(summary.items)}
    chosen = [s for s in summary.items if keep(s)]
    return sorted(chosen, key=lambda s: (*key(s), order[s.item_id]))[: max(k, 0)]


def _min_answers(summary: Summary) -> int:
    return max(1, min(MIN_ANSWERS, summary.raters))


def strengths(summary: Summary, k: int = 5) -> list[ItemStats]:
    """Items most often rated a strength (then by mean); ties in instrument order."""
    least = _min_answers(summary)
    return _ranked(
        summary,
        k,
        lambda s: s.n >= least and s.strength > 0,
        lambda s: (-s.strength, -(s.mean if s.mean is not None else 0.0)),
    )


def priorities(summary: Summary, k: int = 3) -> list[ItemStats]:
    """Items most often rated a priority (then lowest mean); ties in instrument order."""
    least = _min_answers(summary)
    return _ranked(
        summary,
        k,
        lambda s: s.n >= least and s.priority > 0,
        lambda s: (-s.priority, s.mean if s.mean is not None else 1.0),
    )


def contested(summary: Summary, k: int = 3) -> list[ItemStats]:
    """Items with the lowest consensus (below 1), answered by ≥ 3 and ≥ half the raters."""
    least = max(MIN_ANSWERS, math.ceil(summary.raters / 2))
    return _ranked(
        summary,
        k,
        lambda s: s.n >= least and s.consensus is not None and s.consensus < 1.0 - 1e-9,
        lambda s: (s.consensus or 0.0,),
    )
