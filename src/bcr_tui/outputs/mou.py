"""`bcr mou SESSION --out FILE`: a Markdown draft of the BCR Model MOU (Toolkit Vol. III, Tool 2).

The template's wording is kept exactly as the Toolkit prints it; bcr only fills in the community's
name, one signature block per partner organization (with the names of the session's participants
from it) and the action steps the session agreed. The Toolkit offers the MOU as "a draft, or
starting place" to adapt locally, and the file says so.
"""

from __future__ import annotations

from pathlib import Path

from bcr_tui.instrument.model import ActionsSpec
from bcr_tui.outputs.outfile import check_out, write_private
from bcr_tui.outputs.pages import md
from bcr_tui.session.state import Session
from bcr_tui.storage.store import load_session

SOURCE = (
    "Clarke, L.S., Effertz, S., & Sherman, J. (2019). Building Community Resilience Toolkit "
    "Series, Volume III: Cross-Sector Partners, Tool 2: BCR Memorandum of Understanding. "
    "San Diego State University, Social Policy Institute."
)
PLACEHOLDER = "NAME of COUNTY or COMMUNITY"
PLACEHOLDER_UPPER = "NAME OF COUNTY OR COMMUNITY"
DRAFT = (
    "The following is offered as a draft, or starting place. It is strongly suggested that "
    "this document be adapted to the local context of each community of focus."
)

#: Tool 2, from its heading to "IN WITNESS HEREOF", word for word.
TEMPLATE = """\
# Model Memorandum of Understanding (MOU)

for

Building Community Resilience (BCR)

in

{community}

WHEREAS adverse childhood experiences are widespread and pervasive, often exacerbated by adverse \
community experiences (the “Pair of ACEs”), and strong, healthy community environments have been \
found to buffer the risk factors associated with the impact of adverse childhood experiences and \
other traumas by promoting wellness by assisting children and families to thrive despite \
challenging circumstances; and

WHEREAS the Building Community Resilience Model (Ellis & Dietz, 2017) provides an evidence-based \
pathway to achieving the benefits of cross-sector efforts including improved well-being and \
chances for future success for both parents and children and significant fiscal savings as \
children move from costly care, and county oversight, to being cared for and nurtured by their \
parents; and

WHEREAS no parent or caregiver acting on their own, nor any single agency or service provider can \
achieve what a high-performance partnership acting in collaboration can effect, and \
community-wide challenges require community-wide solutions; and

NOW THEREFORE, BCR Partners agree to the following:

- The **{community_upper}** BCR Cross Sector Partnership will pursue coordinated, collaborated \
efforts to strengthen the community by the undersigned agencies and individuals with the \
cross-system goal of a healthy, thriving community that fosters the ability of children and \
families to be safe and well.
- Each partner will identify a champion for BCR from our respective agencies and at least two \
parents with lived experience to serve on the BCR cross-sector Implementation Team.

- Develop BCR goals and outcomes (with an action plan) that are specific, measurable, achievable, \
realistic, and time-bound.
- Establish and maintain a BCR administrative infrastructure for oversight, technical support, \
funding, and evaluation of outcomes for community resilience building efforts.
- Orient our staff to the BCR Model and the roles of our respective agencies.
- Meet at least monthly for check-ins to review progress of the BCR cross-sector partnership.
- Inform other stakeholders about the advantages of BCR for all community residents.

IN WITNESS HEREOF, the undersigned authorize this agreement to remain in effect until terminated \
in writing by one or more parties.
"""

#: The template's own signature blocks, kept when the session has no participants.
BLANK_SIGNATURES = """\
NAME OF ENTITY MEMBER 1 (i.e., ABC Family Resource Center)

By: TYPED NAME OF REPRESENTATIVE & SIGNATURE (i.e., Jane Smith)

Date:

NAME OF ENTITY MEMBER 2

By: NAME OF MEMBER

Date:

NAME OF ENTITY MEMBER 3

By: NAME OF MEMBER

Date:
"""
MORE = "NOTE: Continue as needed for additional members."
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
    """The MOU draft for a session, as Markdown."""
    name = md(session.community) if session.community.strip() else ""
    text = TEMPLATE.format(community=name or PLACEHOLDER, community_upper=name or PLACEHOLDER_UPPER)
    date = f"{session.created.day} {session.created:%B %Y}"
    parts = [
        f"> Draft made by bcr from the session “{md(session.title)}” ({date}). {DRAFT}\n>\n"
        f"> Source: {md(SOURCE)}\n",
        text,
    ]
    entities, alone = signatories(session), individuals(session)
    if not entities and not alone:
        parts.append(BLANK_SIGNATURES)
    for entity, people in entities.items():
        block = [f"**{md(entity)}**"]
        for person in people:
            block += [f"By: {md(person)} (typed name & signature)", "Date:"]
        parts.append("\n\n".join(block) + "\n")
    if alone:
        block = [INDIVIDUALS]
        for person in alone:
            block += [f"Signed: {md(person)} (typed name & signature)", "Date:"]
        parts.append("\n\n".join(block) + "\n")
    parts.append(MORE + "\n")
    spec = session.instrument.actions or ActionsSpec("")
    actions = ["## Action steps agreed\n"]
    if session.actions:
        actions.append(
            f"| {md(spec.step)} | {md(spec.needs)} | {md(spec.owner)} | "
            f"{md(spec.due)} |\n|---|---|---|---|"
        )
        actions += [
            f"| {md(a.step)} | {md(a.needs)} | {md(a.owner)} | {md(a.due)} |"
            for a in session.actions
        ]
    else:
        actions.append("No action steps were recorded in this session.")
    parts.append("\n".join(actions) + "\n")
    return "\n".join(parts)


def run_mou(session: Path, out: Path) -> int:
    """Write the MOU draft of `session` to `out` (mode 0600, atomically); 0 on success."""
    check_out(Path(out), "md", sessions=[session])
    write_private(out, draft(load_session(session)))
    print(f"Wrote the MOU draft to {out}")
    return 0
