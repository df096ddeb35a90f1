"""`bcr report`: one self-contained file (HTML or Markdown) with a session's results.

The report is built once as a list of plain blocks (text, bullet lists, tables, heatmap grids:
`pages.py`) and then written out as HTML or Markdown, so both formats say the same things.
Who took part is listed by name (and organization), with the action steps' owners; the
per-person heatmap is never by name ("Person 1…") and groups smaller than `analysis.MIN_SEGMENT`
are written as "fewer than 3". With `anonymize=True` no name appears at all: the report says how
many took part, leaves out owners, organizations, notes and written answers (free text can name
people), as `bcr export --anonymize` leaves out free text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from bcr_tui import analysis, grids
from bcr_tui.errors import UsageError
from bcr_tui.findings import Finding, findings, spread
from bcr_tui.instruments import ActionsSpec, fill
from bcr_tui.outfile import check_out, format_for, write_private
from bcr_tui.pages import Block, Bullets, Table, Text, md, to_html, to_markdown
from bcr_tui.session import Session
from bcr_tui.store import load_session

FEWER = f"fewer than {analysis.MIN_SEGMENT}"
MODES = {"round-robin": "person by person (round-robin)", "group": "as one group",
         "tally": "by a show of hands (tally)"}




def run_report(session: Path, fmt: str | None, out: Path, *, anonymize: bool = False) -> int:
    """Write the report of `session` to `out` (fmt "md" or "html"; None: from the suffix)."""
    write_report(load_session(session), Path(out), fmt, anonymize=anonymize, sources=[session])
    print(f"Wrote the report to {out}")
    return 0


def report_format(out: Path, fmt: str | None) -> str:
    """The format to write: `fmt`, else the one `out`'s extension names (.html/.htm, .md)."""
    if fmt not in (None, "md", "html"):
        raise UsageError(f"the report format must be md or html, not {fmt!r}")
    found = fmt or format_for(out, ("html", "md"))
    if found is None:
        raise UsageError(f"{out.name} does not end in .html or .md, and a report is written "
                         "only as HTML or Markdown; give --out a name ending in .html or .md")
    return found


def write_report(session: Session, out: Path, fmt: str | None = None, *,
                 anonymize: bool = False, sources: Sequence[Path] = ()) -> None:
    """Write the report of `session` to `out` (fmt "md" or "html"; None: from the suffix), never
    over a session file (`sources`: the files it was read from). `anonymize`: no names at all."""
    out = Path(out)
    fmt = report_format(out, fmt)
    check_out(out, fmt, sessions=sources)
    blocks = build(session, anonymize=anonymize)
    write_private(out, to_html(blocks) if fmt == "html" else to_markdown(blocks))


# --------------------------------------------------------------------------- content


def build(s: Session, *, anonymize: bool = False) -> list[Block]:
    """The report of a session as blocks, in reading order (`anonymize`: no names at all)."""
    inst, f, summary = s.instrument, findings(s), analysis.summarize(s)
    name = inst.title + (f" ({inst.short_title})" if inst.short_title else "")
    out: list[Block] = [Text("h1", s.title), Bullets((
        ("Community: ", s.community or "not given"),
        ("Date: ", f"{s.created.day} {s.created:%B %Y}"),
        ("Instrument: ", f"{name}, {inst.version}, rated {MODES.get(s.mode, s.mode)}"),
        ("Source: ", inst.source)), meta=True)]
    if f.hidden:
        out.append(Text("p", f"{f.hidden} blind items not yet revealed are left out."))
    out += [*_who(s, summary, anonymize), Text("h2", "Heatmaps")]
    maps = [_anonymized(s, g) for g in grids.grids(s)]
    for grid in maps:
        out += [Text("h3", grid.title), grid, Text("small", grid.note)]
    if not maps:
        out.append(Text("p", "No heatmap: the answers do not share one scored scale."))
    out += [*_domains(s, summary), *_items(s, summary)]
    for title, found, empty in (
            ("Strengths", f.strengths, "No item is yet rated a strength by enough people."),
            ("Needs immediate attention", f.priorities,
             "No item is yet rated as needing attention by enough people."),
            ("Contested items", f.contested, "No item splits the room."),
            ("Group differences", f.groups, "No group differs from another by 15 points or "
             "more in any domain (groups under 3 people are not compared).")):
        out.append(Text("h2", title))
        if title == "Contested items":
            out.append(Text("small", "Consensus runs from 0 (an even split between the "
                            "extremes) to 1 (everyone agrees); the spread shows how answers fell."))
        out.append(_bullets(found) if found else Text("p", empty))
    if any(i.scale and len(i.scale.points) == 2 and not i.scale.ordinal
           for i in inst.rating_items):
        out += [Text("h2", "Conditions not in place"),
                _bullets(f.missing) if f.missing else
                Text("p", "No yes/no condition was answered No.")]
    if any(i.pair for i in inst.rating_items):
        out.append(Text("h2", "Where we are now and where we want to be"))
        out.append(_bullets(f.gaps) if f.gaps else Text("p", "No item has both answers yet."))
    out += [] if anonymize else _written(s)
    if inst.reflection:
        out.append(Text("h2", "Questions for reflection"))
    for r in inst.reflection:
        out += [Text("h3", r.title), *([Text("p", r.prompt)] if r.prompt else []),
                Bullets(tuple(("", fill(q, s.community)) for q in r.questions))]
    if anonymize:
        out += [Text("h2", "Notes"), Text("p", f"{len(f.notes)} notes were taken; they are left "
                                      "out of this anonymized report.")]
    else:
        out += [Text("h2", "Notes"), Bullets(tuple((n.title, " — " + n.figures)
                                                   for n in f.notes))
                if f.notes else Text("p", "No notes were taken.")]
    spec = inst.actions or ActionsSpec("")
    header = (spec.step, spec.needs, *(() if anonymize else (spec.owner,)), spec.due)
    rows = tuple((a.step, a.needs, *(() if anonymize else (a.owner,)), a.due) for a in f.actions)
    out += [Text("h2", "Action steps"),
            Table(header, rows, keep=frozenset({len(header) - 1}))
            if rows else Text("p", "No action steps were recorded."),
            *([Text("small", "Owners are left out of this anonymized report.")]
              if anonymize and rows else []),
            Text("small", f"Made with bcr from session {s.id}.")]
    return out


def _who(s: Session, summary: analysis.Summary, anonymize: bool = False) -> list[Block]:
    """Who took part (by name, or how many), how many answers of how many possible, and how many
    per answer of each choice profile question."""
    if s.mode == "group":
        line = f"The group rated together; {len(s.participants)} people are on the roster."
    elif s.mode == "tally":
        line = f"Answers were counted by raised hands: up to {summary.raters} per item."
    else:
        away = len(s.participants) - summary.raters
        line = f"{summary.raters} people took part" + (
            f" ({away} more on the roster were absent)." if away else ".")
    if anonymize and s.participants:
        line += " Names are left out of this report."
    out: list[Block] = [Text("h2", "Who took part"), Text("p", line)]
    if s.participants and not anonymize:
        out.append(Bullets(tuple(
            (p.name, (f" — {p.organization}" if p.organization else "")
             + (" (absent)" if p.absent and not s.answers.get(p.id) else ""))
            for p in s.participants)))
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
        rows = tuple((labels.get(k, "No answer"), str(n) if n >= analysis.MIN_SEGMENT else FEWER)
                     for k, n in counts.items() if n)
        out.append(Table((q.text, "People"), rows, frozenset({1})))
    if len(out) > heads:
        out.append(Text("small", f"Groups of {FEWER} are not counted, so no one is singled out."))
    return out


def _completeness(s: Session, summary: analysis.Summary) -> list[Block]:
    """"96 of 186 possible answers were given (90 missing)": rated items × raters (abstentions
    count as answers); nothing for a tally, where the room's size is not known."""
    if s.mode == "tally" or not summary.raters:
        return []
    shown = [it for it in summary.items if s.is_visible(it.item_id)]
    given = sum(it.n + it.abstain for it in shown)
    possible = summary.raters * len(shown)
    missing = possible - given
    if missing <= 0:
        return [Text("p", f"All {possible} possible answers were given.")]
    return [Text("p", f"{given} of {possible} possible answers were given ({missing} missing: "
                 "the figures below are of the answers given).")]


def _anonymized(s: Session, grid: grids.Grid) -> grids.Grid:
    """No names, no sizes of small groups: the per-person grid's rows become "Person 1…" (sorted
    by mean score), and a suppressed group's size becomes "fewer than 3"."""
    names = {p.name for p in s.participants}
    if not grid.rows or any(label not in names for label, _ in grid.rows):
        return grids.Grid(grid.title, grid.columns, tuple(
            (re.sub(r"\(\d+\)$", f"({FEWER})", label) if all(c.value is None and c.text == "·"
             for c in cells) else label, cells) for label, cells in grid.rows), grid.note)

    def mean(cells: tuple[grids.Cell, ...]) -> float:
        known = [c.value for c in cells if c.value is not None]
        return -sum(known) / len(known) if known else 1.0

    rows = sorted(grid.rows, key=lambda r: mean(r[1]))
    return grids.Grid(grid.title, grid.columns,
                      tuple((f"Person {n}", cells) for n, (_, cells) in enumerate(rows, 1)),
                      grid.note + " Names are left out; rows run from the highest mean down.")


def _domains(s: Session, summary: analysis.Summary) -> list[Block]:
    """Every domain by title: answers, abstentions, and the figures the instrument has: mean score
    (ordinal scales), strength and priority shares (scales that mark them)."""
    points = [p for i in s.instrument.rating_items if i.scale for p in i.scale.points]
    has = {"mean": any(p.score is not None for p in points),
           "strength": any(p.role == "strength" for p in points),
           "priority": any(p.role == "priority" for p in points)}
    header = ("Domain", "Answers", "Abstained", *(name for key, name in (
        ("mean", "Mean score"), ("strength", "Strength share"), ("priority", "Priority share"))
        if has[key]))
    rows = []
    for d in s.instrument.domains:
        st = summary.domain(d.id)
        if st is None:
            rows.append((d.title, *("–",) * (len(header) - 1)))
            continue
        views = list(dict.fromkeys(i.perspective for i in d.rating_items))
        for view in views:  # an item asked now and want: never pooled (Levels of Engagement)
            items = [i for i in st.items if view is None
                     or s.instrument.item(i.item_id).perspective == view]
            n, abstain, figures = _pooled(items)
            rows.append((f"{d.title}: {view}" if view else d.title, str(n), str(abstain),
                         *(grids.percent(v) for k, v in figures.items() if has[k])))
    mean = ("Mean score: 0% = every answer at the lowest point, 100% = every answer at the "
            "highest. " if has["mean"] else "")
    return [Text("h2", "By domain"), Table(header, tuple(rows), frozenset(range(1, len(header)))),
            Text("small", _role_note(s) + mean + "– : no rated answers.")]


def _pooled(items: list[analysis.ItemStats]) -> tuple[int, int, dict[str, float | None]]:
    """Answers, abstentions, and the mean, strength and priority shares pooled over items."""
    n = sum(i.n for i in items)
    scored = [(i.mean, i.n) for i in items if i.mean is not None and i.n]
    weight = sum(k for _, k in scored)
    return n, sum(i.abstain for i in items), {
        "mean": sum(m * k for m, k in scored) / weight if weight else None,
        "strength": sum(i.strength * i.n for i in items) / n if n else None,
        "priority": sum(i.priority * i.n for i in items) / n if n else None}


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
            out += f"{name} share: answers at " + " and at ".join(
                f"{k} on {n} items" for k, n in by.items()) + " (as each question asks). "
    return out


def _items(s: Session, summary: analysis.Summary) -> list[Block]:
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
            rows.append((label, str(it.n), _nbsp(spread(s, it)),
                         *((grids.percent(it.mean),) if scored else ())))
        title = next(x.title for x in s.instrument.domains if x.id == d.domain_id)
        out += [Text("h3", title), Table(("Item", "Answers", "How they fell",
                                          *(("Mean",) if scored else ())),
                                         tuple(rows), frozenset({1, 3}), frozenset({2}))]
    return [Text("h2", "Every item"), *out] if out else []


def _written(s: Session) -> list[Block]:
    """Text and table answers, unattributed, item by item."""
    out: list[Block] = []
    for item in s.items:
        given = [v for v in s.answered(item.id).values() if v and v != "abstain"]
        if item.kind not in ("text", "table") or not given or not s.is_visible(item.id):
            continue
        out += [Text("h3", fill(item.text, s.community)), Bullets(tuple(
            ("", str(v)) for v in given)) if item.kind == "text" else Table(
            tuple(c.label for c in item.columns), tuple(
                tuple(row.get(c.key, "") for c in item.columns)
                for rows in given if isinstance(rows, list) for row in rows))]
    return [Text("h2", "Written answers"), *out] if out else []


def _bullets(found: tuple[Finding, ...]) -> Bullets:
    return Bullets(tuple((x.title, _nbsp(f" — {x.where} · {x.figures}" if x.where else
                                         f" — {x.figures}")) for x in found))


def _nbsp(text: str) -> str:
    """`Maintain 6 · Immediate 5` wraps only at the dots: each label stays with its number."""
    return re.sub(r" (\d)", "\u00a0\\1", text)


__all__ = ["md", "to_html", "to_markdown"]  # the renderers, where report's callers found them
