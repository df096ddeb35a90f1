"""Shared fixtures: what a test acts on.

A sessions folder, the PAI instrument, the real CLI in a subprocess (`run_bcr`), session files
written into the test's `tmp_path` (`session_file`, `demo_file`, or `write_session(...)` and
`write_demo(...)` for other instruments, people, options or folders), a file opened with its lock
(`opened`), and the real app on a file for Pilot (`running`, `app_for`).

What a test reads back afterwards (the session as saved, the text a screen shows) is plain
functions in `tests/tui/readback.py`: they are pure, and they are called inside helper functions
and assert lines, where a fixture would have to be handed down through every helper.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest

from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.instrument.model import Instrument
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore

CLI_TIMEOUT_S = 60
# The helper modules in tests/tui/ (readback, tmux_helpers, meeting_model) import from every folder.
sys.path.insert(0, str(Path(__file__).resolve().parent / "tui"))
#: Who `write_session` puts in a session unless told otherwise: (name, organization).
PEOPLE = [("Ana Ruiz", "Human Services"), ("Ben O'Neil", None), ("Chen Li", "Schools")]


@pytest.fixture
def sessions_dir(tmp_path: Path) -> Path:
    """A sessions folder that does not exist yet (commands create it)."""
    return tmp_path / "sessions"


@pytest.fixture(scope="session")
def pai() -> Instrument:
    """The shipped Partnership Assessment Inventory."""
    return load_instrument(find_instrument("pai"))


def run_bcr(*args: str | os.PathLike, cwd: Path | str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bcr_tui ARGS` in `cwd`; text output, never a terminal on stdin."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "bcr_tui", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        stdin=subprocess.DEVNULL,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )


@pytest.fixture(name="run_bcr")
def run_bcr_fixture():
    """The `run_bcr(*args, cwd=...)` helper, as a fixture."""
    return run_bcr


@pytest.fixture
def people() -> list[tuple[str, str | None]]:
    """Who `write_session` puts in a session unless told otherwise: (name, organization)."""
    return list(PEOPLE)


@pytest.fixture
def write_session(tmp_path: Path):
    """`write_session(folder=tmp_path, instrument="pai", *, people=PEOPLE, **options)`: a new
    session file as `bcr new` writes it (id `test-session`, Ventura County); returns its path.
    `options` go to `new_session` (mode, order, blind ...); `people=None` for no one."""

    def write(
        folder: Path = tmp_path, instrument: str = "pai", *, people=PEOPLE, **options
    ) -> Path:
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

    return write


@pytest.fixture
def write_demo(tmp_path: Path):
    """`write_demo(folder=tmp_path)`: the demo session file, as `bcr demo` writes it; returns its
    path."""

    def write(folder: Path = tmp_path) -> Path:
        from bcr_tui.session.demo import demo_session

        store = SessionStore.create(folder / "demo.toml", demo_session())
        store.close()
        return store.path

    return write


@pytest.fixture
def session_file(write_session) -> Path:
    """A new PAI session file (Ana, Ben, Chen; round-robin) in tmp_path, as `bcr new` writes it."""
    return write_session()


@pytest.fixture
def demo_file(write_demo) -> Path:
    """The demo session file in tmp_path, as `bcr demo` writes it."""
    return write_demo()


@contextmanager
def _opened(path: Path) -> Iterator[SessionStore]:
    store = SessionStore.open(path)
    try:
        yield store
    finally:
        store.close()


def _app_for(store: SessionStore):
    from bcr_tui.tui.factory import make_app

    return make_app(store, store.path.parent)


@asynccontextmanager
async def _running(path: Path, **run_test_options) -> AsyncIterator[tuple]:
    with _opened(path) as store:
        app = _app_for(store)
        async with app.run_test(**run_test_options) as pilot:
            yield app, pilot


@pytest.fixture
def opened():
    """`with opened(path) as store:` a session file opened with its lock, released after."""
    return _opened


@pytest.fixture
def app_for():
    """`app_for(store)`: the real app on an open session (for `snap_compare` or `run_test`)."""
    return _app_for


@pytest.fixture
def running():
    """`async with running(path, size=(100, 30)) as (app, pilot):` the real app on the session
    file at `path` (its lock held), driven by Pilot."""
    return _running
