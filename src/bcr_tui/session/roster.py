"""Participant lists as facilitators type or paste them: "A, B, C" or one name per line.

Commas and line breaks separate people; a vertical bar gives that person's organization:
`Ana Ruiz | FRC, Ben Carter, Chen Li` is three people, the first from FRC (the same on the
command line, in a file and in the home screen's form). Blank entries and lines starting with
`#` are ignored.
"""

from __future__ import annotations

from pathlib import Path

from bcr_tui.errors import UsageError
from bcr_tui.plaintext import one_line
from bcr_tui.session.records import MAX_PARTICIPANTS
from bcr_tui.session.values import clean_name


def parse_roster(text: str) -> list[tuple[str, str | None]]:
    """Names (and organizations) from typed or pasted text: commas and lines separate people,
    `Name | Organization` gives one person's organization."""
    lines = [ln for ln in text.replace("\r", "\n").split("\n") if not ln.lstrip().startswith("#")]
    people = []
    for entry in (part for line in lines for part in line.split(",")):
        if not entry.strip():
            continue
        name, _, org = entry.partition("|")
        people.append((clean_name(name), one_line(org) or None))
    if len(people) > MAX_PARTICIPANTS:
        raise UsageError(f"a session holds at most {MAX_PARTICIPANTS} participants")
    return people


def read_roster(path: Path) -> list[tuple[str, str | None]]:
    """Names from a text file, one per line."""
    from bcr_tui.tomlio import read_text

    return parse_roster(read_text(path, UsageError))
