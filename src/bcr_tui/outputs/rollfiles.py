"""Which files a roll-up reads, and a word for everything it passes over.

A shared drive holds more than session files: copies of one session, damaged files, a folder
someone named `x.toml`, a link left pointing at nothing, a pipe or a link to a device planted
there. A roll-up must not hang on any of them, nor pass over them without a word, nor count one
session twice. So the folder is walked with `os.scandir` (links to folders are not followed, so a
loop cannot trap it), and only regular files whose name ends in `.toml` (in any case: `X.TOML`
is a session file copied through Windows) are read; everything else named so is reported.

Two files holding one session (the same id: a copy sent back by e-mail, a backup) count once:
the newest copy (the file changed last; on a tie, the first by path) is read, the others named
(`copies`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Found:
    """A file to read: its path, its name relative to the folder (the table's `source`), and
    what tells a later run it changed (size, modification and change times)."""

    path: Path
    source: str
    size: int
    mtime_ns: int
    ctime_ns: int

    @property
    def stamp(self) -> list[int]:
        return [self.size, self.mtime_ns, self.ctime_ns]


def find(root: Path) -> tuple[list[Found], list[tuple[str, str]]]:
    """Every session file under `root` (sorted by source), and (path, why) for each thing named
    like one that is not read."""
    found: list[Found] = []
    passed: list[tuple[str, str]] = []
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as exc:
            passed.append((str(folder), f"the folder cannot be read ({exc.strerror or exc})"))
            continue
        for entry in listed:
            toml = entry.name.lower().endswith(".toml")
            try:
                if not toml:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(Path(entry.path))
                    continue
                link = entry.is_symlink()
                try:
                    st = entry.stat(follow_symlinks=True)
                except FileNotFoundError:
                    passed.append((entry.path, "is a link to nothing (its target is gone)"))
                    continue
            except OSError as exc:
                passed.append((entry.path, f"cannot be read ({exc.strerror or exc})"))
                continue
            if stat.S_ISDIR(st.st_mode):
                if link:
                    passed.append(
                        (entry.path, "is a link to a folder, not a session file (not followed)")
                    )
                else:
                    passed.append(
                        (entry.path, "is a folder, not a session file (the files in it are read)")
                    )
                    folders.append(Path(entry.path))
            elif not stat.S_ISREG(st.st_mode):
                passed.append(
                    (entry.path, "is not a regular file (a pipe, device or socket), not read")
                )
            else:
                path = Path(entry.path)
                found.append(
                    Found(path, relative(path, root), st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                )
    found.sort(key=lambda f: f.source)
    passed.sort()
    return found, passed


def copies(ids: dict[str, str], files: dict[str, Found]) -> dict[str, list[str]]:
    """{the copy read: the other copies} for every session id held by more than one file, from
    {source: session id} (each source in `files`)."""
    by_id: dict[str, list[str]] = {}
    for source in sorted(ids):
        by_id.setdefault(ids[source], []).append(source)
    out: dict[str, list[str]] = {}
    for sources in by_id.values():
        if len(sources) > 1:
            # the newest: the greatest modification time; on a tie, the first by path
            best = max(sources, key=lambda s: (files[s].mtime_ns, -sources.index(s)))
            out[best] = [s for s in sources if s != best]
    return out


def copies_message(kept: str, others: list[str], session_id: str) -> str:
    """The line naming a session's copies."""
    return (
        f"{', '.join(others)} {'is a copy' if len(others) == 1 else 'are copies'} of "
        f"session {session_id} in {kept}: counted once, from {kept} (the newest)"
    )


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
