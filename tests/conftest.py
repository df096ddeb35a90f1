"""Shared fixtures: a sessions folder, the PAI instrument, the real CLI in a subprocess, and
session files and the real app for Pilot (the functions behind them are in
`tests/tui/pilot_helpers.py`, importable from every test folder).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.instrument.model import Instrument

CLI_TIMEOUT_S = 60
# pilot_helpers (tests/tui/) is importable from every test folder, for the fixtures below too.
sys.path.insert(0, str(Path(__file__).resolve().parent / "tui"))


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
def session_file(tmp_path: Path) -> Path:
    """A new PAI session file (Ana, Ben, Chen; round-robin) in tmp_path, as `bcr new` writes it."""
    from pilot_helpers import write_session

    return write_session(tmp_path)


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    """The demo session file in tmp_path, as `bcr demo` writes it."""
    from pilot_helpers import write_demo

    return write_demo(tmp_path)


@pytest.fixture
def run_app():
    """`async with run_app(path, size=(100, 30)) as (app, pilot):` the real app on a session
    file, its lock held, driven by Pilot."""
    from pilot_helpers import running

    return running
