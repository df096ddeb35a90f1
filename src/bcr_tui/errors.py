"""The project's own error types: each carries a sentence a facilitator can act on.

Everything a user can cause (a bad file, a bad flag, a full disk, a locked session) is raised as a
`BcrError` subclass; the command line prints its message and exits 2, the app shows it on screen.
Nothing else should ever reach a user as a traceback. A message names files and keys from files
(a key in a session file, a file name in a shared folder, a lock's contents): each is cleaned here,
by `plaintext`'s rule, so no caller can forget it.
"""

from __future__ import annotations

from pathlib import Path

from bcr_tui.plaintext import label, printable


class BcrError(Exception):
    """A problem the user can understand and act on; `str()` is one clear sentence."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.message = message = printable(message)
        shown = label(str(self.path)) if self.path is not None else None
        super().__init__(f"{shown}: {message}" if shown is not None else message)

    @classmethod
    def at(cls, path: Path | str, sentence: str) -> BcrError:
        """The error for `path`, described by one sentence."""
        return cls(sentence, path)


class InstrumentError(BcrError):
    """An instrument file is missing, unreadable or invalid; `problems` lists every finding."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.problems = [printable(p) for p in problems]
        problems = self.problems
        shown = problems[:12]
        more = f"\n  … and {len(problems) - 12} more" if len(problems) > 12 else ""
        text = (
            problems[0]
            if len(problems) == 1
            else (f"{len(problems)} problems:\n  " + "\n  ".join(shown) + more)
        )
        super().__init__(text, path)

    @classmethod
    def at(cls, path: Path | str, sentence: str) -> InstrumentError:
        """The error for `path`, described by one sentence."""
        return cls(path, [sentence])


class SessionFileError(BcrError):
    """A session file is damaged, foreign, of an unknown format, or cannot be read."""


class SessionLockedError(BcrError):
    """Another running bcr holds the session's lock."""


class SaveError(BcrError):
    """A save did not reach the disk (read-only folder, full disk, file changed by someone else).

    `conflict` is True when another program changed the file: retrying will not help; the
    facilitator decides whether to save over it.
    """

    def __init__(
        self, message: str, path: Path | str | None = None, *, conflict: bool = False
    ) -> None:
        super().__init__(message, path)
        self.conflict = conflict


class UsageError(BcrError):
    """A command-line argument is wrong."""
