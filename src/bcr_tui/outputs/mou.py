"""`bcr mou SESSION --out FILE`: a Markdown draft of the BCR Model MOU (Toolkit Vol. III, Tool 2).

The template's wording (templates/mou.md.j2) is kept exactly as the Toolkit prints it; bcr only
fills in the community's name, one signature block per partner organization (with the names of the
session's participants from it) and the action steps the session agreed. The Toolkit offers the
MOU as "a draft, or starting place" to adapt locally, and the file says so. Every value goes into
the draft through `pages.md`, so no name becomes Markdown (templating.py: why Jinja2).
"""

from __future__ import annotations

from pathlib import Path

from bcr_tui.instrument.model import ActionsSpec
from bcr_tui.outputs.outfile import check_out, write_private
from bcr_tui.session.state import Session
from bcr_tui.storage.store import load_session

#: Above the signatures of participants who came without an organization (not an agency).
INDIVIDUALS = "Individuals (signing for themselves, not for an agency):"


def signatories(session: Session) -> dict[str, list[str]]:
    """Partner organizations in roster order, each with the names of its participants (people
    without an organization are not an agency: see `individuals`)."""
    entities: dict[str, list[str]] = {}
    for person in session.participants:
        entity = " ".join((person.organization or "").split())
        if entity:
            entities.setdefault(entity, []).append(person.name)
    return entities


def individuals(session: Session) -> list[str]:
    """Participants without an organization: they sign as individuals, in roster order."""
    return [p.name for p in session.participants if not " ".join((p.organization or "").split())]


def draft(session: Session) -> str:
    """The MOU draft for a session, as Markdown (templates/mou.md.j2; every value escaped)."""
    from bcr_tui.outputs.templating import render

    return render(
        "mou.md.j2",
        title=session.title,
        date=f"{session.created.day} {session.created:%B %Y}",
        community=session.community if session.community.strip() else "",
        entities=signatories(session),
        individuals=individuals(session),
        individuals_heading=INDIVIDUALS,
        spec=session.instrument.actions or ActionsSpec(""),
        actions=session.actions,
    )


def run_mou(session: Path, out: Path) -> int:
    """Write the MOU draft of `session` to `out` (mode 0600, atomically); 0 on success."""
    check_out(Path(out), "md", sessions=[session])
    write_private(out, draft(load_session(session)))
    print(f"Wrote the MOU draft to {out}")
    return 0
