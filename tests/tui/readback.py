"""What a test reads back after acting: the session as saved on disk, the text a screen shows.

Plain functions, not fixtures (those are in `tests/conftest.py`): they are pure, and they are
called inside helper functions and assert lines. Importable from every test folder
(`from readback import saved, widget_text`): `tests/conftest.py` puts `tests/tui/` on the path.
"""

from __future__ import annotations

from pathlib import Path

from bcr_tui.storage.store import load_session


def saved(path: Path):
    """The session as it is on disk now."""
    return load_session(path)


def widget_text(app, selector: str) -> str:
    """The plain text one widget of the current screen shows."""
    return str(app.screen.query_one(selector).render())


def statics_text(app) -> str:
    """The text of every Static on the current screen, one per line."""
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def screen_text(app) -> str:
    """Everything the current screen shows, as plain text, as composited.

    Textual has no public call for this; the one private use lives here, so a Textual upgrade
    that changes it means changing this line only.
    """
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
