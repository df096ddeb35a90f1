"""`bcr report`: one self-contained file (HTML or Markdown) with a session's results.

The report is built once as a list of plain blocks (text, bullet lists, tables, heatmap grids:
`pages.py`) and then written out as HTML or Markdown, so both formats say the same things;
`build` lays the report out in reading order, the sections themselves are in `report_sections`.
Who took part is listed by name (and organization), with the action steps' owners; the
per-person heatmap is never by name ("Person 1…") and groups smaller than `segments.MIN_SEGMENT`
are written as "fewer than 3". With `anonymize=True` no name appears at all: the report says how
many took part, leaves out owners, organizations, notes and written answers (free text can name
people), as `bcr export --anonymize` leaves out free text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bcr_tui.analysis import figures as analysis
from bcr_tui.analysis import grids
from bcr_tui.analysis.findings import findings
from bcr_tui.errors import UsageError
from bcr_tui.instrument.model import ActionsSpec, fill
from bcr_tui.outputs.outfile import check_out, format_for, write_private
from bcr_tui.outputs.pages import Block, Bullets, Table, Text, md, to_html, to_markdown
from bcr_tui.outputs.report_sections import (
    anonymized,
    bullets,
    by_domain,
    every_item,
    who_took_part,
    written_answers,
)
from bcr_tui.session.state import Session
from bcr_tui.storage.store import load_session

MODES = {
    "round-robin": "person by person (round-robin)",
    "group": "as one group",
    "tally": "by a show of hands (tally)",
}


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
        raise UsageError(
            f"{out.name} does not end in .html or .md, and a report is written "
            "only as HTML or Markdown; give --out a name ending in .html or .md"
        )
    return found


def write_report(
    session: Session,
    out: Path,
    fmt: str | None = None,
    *,
    anonymize: bool = False,
    sources: Sequence[Path] = (),
) -> None:
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
    out: list[Block] = [
        Text("h1", s.title),
        Bullets(
            (
                ("Community: ", s.community or "not given"),
                ("Date: ", f"{s.created.day} {s.created:%B %Y}"),
                ("Instrument: ", f"{name}, {inst.version}, rated {MODES.get(s.mode, s.mode)}"),
                ("Source: ", inst.source),
            ),
            meta=True,
        ),
    ]
    if f.hidden:
        out.append(Text("p", f"{f.hidden} blind items not yet revealed are left out."))
    out += [*who_took_part(s, summary, anonymize), Text("h2", "Heatmaps")]
    maps = [anonymized(s, g) for g in grids.grids(s)]
    for grid in maps:
        out += [Text("h3", grid.title), grid, Text("small", grid.note)]
    if not maps:
        out.append(Text("p", "No heatmap: the answers do not share one scored scale."))
    out += [*by_domain(s, summary), *every_item(s, summary)]
    for title, found, empty in (
        ("Strengths", f.strengths, "No item is yet rated a strength by enough people."),
        (
            "Needs immediate attention",
            f.priorities,
            "No item is yet rated as needing attention by enough people.",
        ),
        ("Contested items", f.contested, "No item splits the room."),
        (
            "Group differences",
            f.groups,
            "No group differs from another by 15 points or "
            "more in any domain (groups under 3 people are not compared).",
        ),
    ):
        out.append(Text("h2", title))
        if title == "Contested items":
            out.append(
                Text(
                    "small",
                    "Consensus runs from 0 (an even split between the "
                    "extremes) to 1 (everyone agrees); the spread shows how answers fell.",
                )
            )
        out.append(bullets(found) if found else Text("p", empty))
    if any(i.scale and len(i.scale.points) == 2 and not i.scale.ordinal for i in inst.rating_items):
        out += [
            Text("h2", "Conditions not in place"),
            bullets(f.missing) if f.missing else Text("p", "No yes/no condition was answered No."),
        ]
    if any(i.pair for i in inst.rating_items):
        out.append(Text("h2", "Where we are now and where we want to be"))
        out.append(bullets(f.gaps) if f.gaps else Text("p", "No item has both answers yet."))
    out += [] if anonymize else written_answers(s)
    if inst.reflection:
        out.append(Text("h2", "Questions for reflection"))
    for r in inst.reflection:
        out += [
            Text("h3", r.title),
            *([Text("p", r.prompt)] if r.prompt else []),
            Bullets(tuple(("", fill(q, s.community)) for q in r.questions)),
        ]
    if anonymize:
        out += [
            Text("h2", "Notes"),
            Text(
                "p",
                f"{len(f.notes)} notes were taken; they are left out of this anonymized report.",
            ),
        ]
    else:
        out += [
            Text("h2", "Notes"),
            Bullets(tuple((n.title, " — " + n.figures) for n in f.notes))
            if f.notes
            else Text("p", "No notes were taken."),
        ]
    spec = inst.actions or ActionsSpec("")
    header = (spec.step, spec.needs, *(() if anonymize else (spec.owner,)), spec.due)
    rows = tuple((a.step, a.needs, *(() if anonymize else (a.owner,)), a.due) for a in f.actions)
    out += [
        Text("h2", "Action steps"),
        Table(header, rows, keep=frozenset({len(header) - 1}))
        if rows
        else Text("p", "No action steps were recorded."),
        *(
            [Text("small", "Owners are left out of this anonymized report.")]
            if anonymize and rows
            else []
        ),
        Text("small", f"Made with bcr from session {s.id}."),
    ]
    return out


__all__ = ["md", "to_html", "to_markdown"]  # the renderers, where report's callers found them
