"""Participant lists as facilitators type or paste them: "A, B, C" or one name per line.

A line may carry an organization after a vertical bar: `Ana Ruiz | Ventura Family Center`.
Blank lines and lines starting with `#` are ignored.
"""

from __future__ import annotations

from pathlib import Path

from bcr_tui.errors import UsageError
from bcr_tui.plaintext import one_line
from bcr_tui.session import MAX_PARTICIPANTS, clean_name


def parse_roster(text: str) -> list[tuple[str, str | None]]:
    """Names (and organizations) from typed or pasted text; commas separate when on one line."""
    lines = [ln for ln in text.replace("\r", "\n").split("\n") if ln.strip()]
    lines = [ln for ln in lines if not ln.lstrip().startswith("#")]
    if len(lines) == 1 and "|" not in lines[0]:
        lines = lines[0].split(",")
    people = []
    for line in lines:
        if not line.strip():
            continue
        name, _, org = line.partition("|")
        people.append((clean_name(name), one_line(org) or None))
    if len(people) > MAX_PARTICIPANTS:
        raise UsageError(f"a session holds at most {MAX_PARTICIPANTS} participants")
    return people


def read_roster(path: Path) -> list[tuple[str, str | None]]:
    """Names from a text file, one per line."""
    from bcr_tui.tomlio import read_text

    return parse_roster(read_text(path, UsageError))
