"""The one place the app is built: the command line, the snapshot tests and the Pilot tests all
call `make_app`, so they run the same app.
"""

from __future__ import annotations

from pathlib import Path

from bcr_tui.store import SessionStore
from bcr_tui.tui.app import BcrApp


def make_app(store: SessionStore | None = None, sessions_dir: Path = Path("sessions")) -> BcrApp:
    """The bcr app on an open session (`store`), or on the home screen when `store` is None."""
    return BcrApp(store, Path(sessions_dir))
