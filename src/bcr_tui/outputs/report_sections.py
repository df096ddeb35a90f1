"""The report's sections, each as `pages` blocks: who took part, the figures by domain and by
item, the written answers, the bullet lists of findings, and the heatmaps with names taken out.
Apart from `report`, which lays these out in reading order and writes the file, so that the
outline of the report reads on one page.

No name in a small group: a group of fewer than `segments.MIN_SEGMENT` people is written as
"fewer than 3", never with its size, and with `anonymize` no name is written at all.
"""

from __future__ import annotations

import re

from bcr_tui.analysis import figures as analysis
from bcr_tui.analysis import grids
from bcr_tui.analysis.findings import Finding, spread
from bcr_tui.analysis.segments import MIN_SEGMENT
from bcr_tui.instrument.model import fill
from bcr_tui.outputs.pages import Block, Bullets, Table, Text
from bcr_tui.session.state import Session

FEWER = f"fewer than {MIN_SEGMENT}"


def who_took_part(s: Session, summary: analysis.Summary, anonymize: bool = False) -> list[Block]:
    """Who took part (by name, or how many), how many answers of how many possible, and how many
    per answer of each choice profile question."""
    if s.mode == "group":
        line = f"The group rated together; {len(s.participants)} people are on the roster."
    elif s.mode == "tally":
        line = f"Answers were counted by raised hands: up to {summary.raters} per item."
    else:
        away = len(s.participants) - summary.raters
        line = f"{summary.raters} people took part" + (
            f" ({away} more on the roster were absent)." if away else "."
        )
    if anonymize and s.participants:
        line += " Names are left out of this report."
    out: list[Block] = [Text("h2", "Who took part"), Text("p", line)]
    if s.participants and not anonymize:
        out.append(
            Bullets(
                tuple(
                    (
                        p.name,
                        (f" — {p.organization}" if p.organization else "")
                        + (" (absent)" if p.absent and not s.answers.get(p.id) else ""),
                    )
                    for p in s.participants
                )
            )
        )
    out += _completeness(s, summary)
    heads = len(out)
    for q in s.instrument.profile:
        if q.kind not in ("choice", "multichoice") or not s.participants:
            continue
        labels = {o.key: o.label for o in q.options} | ({"other": "Other"} if q.other else {})
        counts = dict.fromkeys(labels, 0) | {"": 0}
        for p in s.participants:
            value = p.profile.get(q.id)
            for key in dict.fromkeys(value if isinstance(value, list) else [value]):
                counts[key if key in labels else ""] += 1
        rows = tuple(
            (labels.get(k, "No answer"), str(n) if n >= MIN_SEGMENT else FEWER)
            for k, n in counts.items()
            if n
        )
        out.append(Table((q.text, "People"), rows, frozenset({1})))
    if len(out) > heads:
        out.append(Text("small", f"Groups of {FEWER} are not counted, so no one is singled out."))
    return out


def _completeness(s: Session, summary: analysis.Summary) -> list[Block]:
    """ "96 of 186 possible answers were given (90 missing)": rated items × raters (abstentions
    count as answers); nothing for a tally, where the room's size is not known."""
    if s.mode == "tally" or not summary.raters:
        return []
    shown = [it for it in summary.items if s.is_visible(it.item_id)]
    given = sum(it.n + it.abstain for it in shown)
    possible = summary.raters * len(shown)
    missing = possible - given
    if missing <= 0:
        return [Text("p", f"All {possible} possible answers were given.")]
    return [
        Text(
            "p",
            f"{given} of {possible} possible answers were given ({missing} missing: "
            "the figures below are of the answers given).",
        )
    ]


def anonymized(s: Session, grid: grids.Grid) -> grids.Grid:
    """No names, no sizes of small groups: the per-person grid's rows become "Person 1…" (sorted
    by mean score), and a suppressed group's size becomes "fewer than 3"."""
    names = {p.name for p in s.participants}
    if not grid.rows or any(label not in names for label, _ in grid.rows):
        return grids.Grid(
            grid.title,
            grid.columns,
            tuple(
                (
                    re.sub(r"\(\d+\)$", f"({FEWER})", label)
                    if all(c.value is None and c.text == "·" for c in cells)
                    else label,
                    cells,
                )
                for label, cells in grid.rows
            ),
            grid.note,
        )

    def mean(cells: tuple[grids.Cell, ...]) -> float:
        known = [c.value for c in cells if c.value is not None]
        return -sum(known) / len(known) if known else 1.0

    rows = sorted(grid.rows, key=lambda r: mean(r[1]))
    return grids.Grid(
        grid.title,
        grid.columns,
        tuple((f"Person {n}", cells) for n, (_, cells) in enumerate(rows, 1)),
        grid.note + " Names are left out; rows run from the highest mean down.",
    )


def by_domain(s: Session, summary: analysis.Summary) -> list[Block]:
    """Every domain by title: answers, abstentions, and the figures the instrument has: mean score
    (ordinal scales), strength and priority shares (scales that mark them)."""
    points = [p for i in s.instrument.rating_items if i.scale for p in i.scale.points]
    has = {
        "mean": any(p.score is not None for p in points),
        "strength": any(p.role == "strength" for p in points),
        "priority": any(p.role == "priority" for p in points),
    }
    header = (
        "Domain",
        "Answers",
        "Abstained",
        *(
            name
            for key, name in (
                ("mean", "Mean score"),
                ("strength", "Strength share"),
                ("priority", "Priority share"),
            )
            if has[key]
        ),
    )
    rows = []
    for d in s.instrument.domains:
        st = summary.domain(d.id)
        if st is None:
            rows.append((d.title, *("–",) * (len(header) - 1)))
            continue
        views = list(dict.fromkeys(i.perspective for i in d.rating_items))
        for view in views:  # an item asked now and want: never pooled (Levels of Engagement)
            items = [
                i
                for i in st.items
                if view is None or s.instrument.item(i.item_id).perspective == view
            ]
            n, abstain, figures = _pooled(items)
            rows.append(
                (
                    f"{d.title}: {view}" if view else d.title,
                    str(n),
                    str(abstain),
                    *(grids.percent(v) for k, v in figures.items() if has[k]),
                )
            )
    mean = (
        "Mean score: 0% = every answer at the lowest point, 100% = every answer at the highest. "
        if has["mean"]
        else ""
    )
    return [
        Text("h2", "By domain"),
        Table(header, tuple(rows), frozenset(range(1, len(header)))),
        Text("small", _role_note(s) + mean + "– : no rated answers."),
    ]


def _pooled(items: list[analysis.ItemStats]) -> tuple[int, int, dict[str, float | None]]:
    """Answers, abstentions, and the mean, strength and priority shares pooled over items."""
    n = sum(i.n for i in items)
    scored = [(i.mean, i.n) for i in items if i.mean is not None and i.n]
    weight = sum(k for _, k in scored)
    return (
        n,
        sum(i.abstain for i in items),
        {
            "mean": sum(m * k for m, k in scored) / weight if weight else None,
            "strength": sum(i.strength * i.n for i in items) / n if n else None,
            "priority": sum(i.priority * i.n for i in items) / n if n else None,
        },
    )


def _role_note(s: Session) -> str:
    """What the strength and priority shares count, in the instrument's own answer labels:
    "Strength share: answers at Maintain. " or, where questions differ, "answers at Yes on 9
    items and at No on 10. "; nothing for a role no answer has."""
    out = ""
    for role, name in (("strength", "Strength"), ("priority", "Priority")):
        by: dict[str, int] = {}
        for item in s.instrument.rating_items:
            labels = [p.short for p in item.scale.points if p.role == role] if item.scale else []
            if labels:
                key = " or ".join(labels)
                by[key] = by.get(key, 0) + 1
        if len(by) == 1:
            out += f"{name} share: answers at {next(iter(by))}. "
        elif by:
            out += (
                f"{name} share: answers at "
                + " and at ".join(f"{k} on {n} items" for k, n in by.items())
                + " (as each question asks). "
            )
    return out


def every_item(s: Session, summary: analysis.Summary) -> list[Block]:
    """A table of every rated item, domain by domain."""
    out: list[Block] = []
    scored = any(i.scale and i.scale.ordinal for i in s.instrument.rating_items)
    for d in summary.domains:
        rows = []
        for it in d.items:
            item = s.instrument.item(it.item_id)
            assert item is not None
            label = (f"{item.number}. " if item.number else "") + fill(item.text, s.community)
            label += f" ({item.perspective_label})" if item.perspective_label else ""
            rows.append(
                (
                    label,
                    str(it.n),
                    _nbsp(spread(s, it)),
                    *((grids.percent(it.mean),) if scored else ()),
                )
            )
        title = next(x.title for x in s.instrument.domains if x.id == d.domain_id)
        out += [
            Text("h3", title),
            Table(
                ("Item", "Answers", "How they fell", *(("Mean",) if scored else ())),
                tuple(rows),
                frozenset({1, 3}),
                frozenset({2}),
            ),
        ]
    return [Text("h2", "Every item"), *out] if out else []


def written_answers(s: Session) -> list[Block]:
    """Text and table answers, unattributed, item by item."""
    out: list[Block] = []
    for item in s.items:
        given = [v for v in s.answered(item.id).values() if v and v != "abstain"]
        if item.kind not in ("text", "table") or not given or not s.is_visible(item.id):
            continue
        out += [
            Text("h3", fill(item.text, s.community)),
            Bullets(tuple(("", str(v)) for v in given))
            if item.kind == "text"
            else Table(
                tuple(c.label for c in item.columns),
                tuple(
                    tuple(row.get(c.key, "") for c in item.columns)
                    for rows in given
                    if isinstance(rows, list)
                    for row in rows
                ),
            ),
        ]
    return [Text("h2", "Written answers"), *out] if out else []


def bullets(found: tuple[Finding, ...]) -> Bullets:
    """Findings as a bullet list: each one's title, then where it is and its figures."""
    return Bullets(
        tuple(
            (x.title, _nbsp(f" — {x.where} · {x.figures}" if x.where else f" — {x.figures}"))
            for x in found
        )
    )


def _nbsp(text: str) -> str:
    """`Maintain 6 · Immediate 5` wraps only at the dots: each label stays with its number."""
    return re.sub(r" (\d)", "\u00a0\\1", text)
