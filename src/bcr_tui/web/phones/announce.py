"""The join address beside the session file, for the audience view in another process.

`bcr open --phones` writes `.NAME.phones` (one line: the join URL) while phones are on and removes
it when they stop; `bcr view` and `bcr serve --view` read it to show the same join line and QR on
the projector. It holds what the projector shows anyway (the address and the code), nothing else.
A file that does not hold exactly a join URL is ignored (the view never shows a stranger's link),
and so is one left by a bcr that was killed (`kill -9`, a power cut): it counts only while a live
bcr holds the session's lock, so the projector never shows a link to a server that is gone.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from bcr_tui.storage.store import SessionLock
from bcr_tui.tomlio import write_durably

JOIN_URL = re.compile(r"http://(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}/j/[A-Z0-9]{6}")


def join_file(session: Path) -> Path:
    """Where the join address of `session` is written."""
    return session.with_name(f".{session.name}.phones")


def announce(session: Path, url: str) -> None:
    """Write the join URL beside the session (phones are on)."""
    with contextlib.suppress(OSError):  # the view then just shows no QR
        write_durably(join_file(session), url + "\n")


def withdraw(session: Path) -> None:
    """Remove the join URL (phones are off, or bcr is closing)."""
    with contextlib.suppress(OSError):
        join_file(session).unlink()


def read_join(session: Path) -> str | None:
    """The join URL announced for `session`, or None (none, not a join URL, or its bcr is gone)."""
    try:
        text = join_file(session).read_text("utf-8", errors="replace")[:200].strip()
    except OSError:
        return None
    if not JOIN_URL.fullmatch(text):
        return None
    try:
        real = session.resolve()  # the lock is taken at the real path (a link stays a link)
    except (OSError, RuntimeError):
        return None
    return text if SessionLock(real).is_held() else None


def join_line(url: str) -> str:
    """`Join: http://ADDR:PORT/  code: ABC123` for a join URL."""
    base, _, code = url.rpartition("/j/")
    return f"Join: {base}/  code: {code}"
