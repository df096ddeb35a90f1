"""The one place the app is built: the command line, the snapshot tests and the Pilot tests all
call `make_app`, so they run the same app.
"""

from __future__ import annotations

from pathlib import Path

from bcr_tui.storage.store import SessionStore
from bcr_tui.tui.app import BcrApp


def make_app(
    store: SessionStore | None = None,
    sessions_dir: Path = Path("sessions"),
    view: Path | None = None,
    notice: str | None = None,
) -> BcrApp:
    """The bcr app on an open session (`store`), the read-only audience view of a session file
    (`view`), a single message (`notice`), or the home screen when none is given."""
    return BcrApp(store, Path(sessions_dir), view, notice)
