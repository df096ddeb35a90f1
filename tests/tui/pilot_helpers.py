"""Helpers for driving the real app with Pilot on real session files in a temp folder.

The common cases are fixtures in `tests/conftest.py` (`session_file`, `demo_file`, `run_app`);
these functions are what they call, and stay importable (`from pilot_helpers import ...`) for
tests that need another folder, other people or options.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore, load_session
from bcr_tui.tui.factory import make_app

NAMES = [("Ana Ruiz", "Human Services"), ("Ben O'Neil", None), ("Chen Li", "Schools")]


def write_session(folder: Path, instrument: str = "pai", *, people=NAMES, **options) -> Path:
    """A new session file, as `bcr new` writes it; returns its path."""
    session = new_session(
        load_instrument(find_instrument(instrument)),
        "Test session",
        list(people) if people else None,
        community="Ventura County",
        **options,
    )
    session.id = "test-session"
    store = SessionStore.create(folder / "test.toml", session)
    store.close()
    return store.path


@contextmanager
def opened(path: Path) -> Iterator[SessionStore]:
    """Open a session file with its lock, releasing it afterwards."""
    store = SessionStore.open(path)
    try:
        yield store
    finally:
        store.close()


def app_for(store: SessionStore):
    """The real app on an open session."""
    return make_app(store, store.path.parent)


@asynccontextmanager
async def running(path: Path, **run_test_options) -> AsyncIterator[tuple]:
    """The real app on the session file at `path` (its lock held), driven by Pilot:
    `async with running(path, size=(100, 30)) as (app, pilot):`."""
    with opened(path) as store:
        app = app_for(store)
        async with app.run_test(**run_test_options) as pilot:
            yield app, pilot


def saved(path: Path):
    """The session as it is on disk now."""
    return load_session(path)


def write_demo(folder: Path) -> Path:
    """The demo session, as `bcr demo` writes it; returns its path."""
    from bcr_tui.session.demo import demo_session

    store = SessionStore.create(folder / "demo.toml", demo_session())
    store.close()
    return store.path


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
