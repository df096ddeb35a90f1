"""The real `bcr open` in a real terminal (tmux): real key presses, then the file on disk."""

from __future__ import annotations

import shutil
import sys

import pytest
from readback import saved
from tmux_helpers import Tmux

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (CI installs it with apt-get)"
)


def test_bcr_open_in_a_real_terminal(tmp_path, write_session):
    path = write_session(tmp_path)
    term = Tmux(
        [sys.executable, "-m", "bcr_tui", "open", str(path)], tmp_path, {"TERM": "xterm-256color"}
    )
    try:
        term.wait_for(lambda: "Turn: Ana Ruiz" in term.screen(), "the meeting screen")
        term.keys("1")
        term.wait_for(lambda: "Turn: Ben O'Neil" in term.screen(), "Ben's turn")
        term.keys("2", "3")
        term.wait_for(lambda: len(saved(path).answers) == 3, "three answers on disk")
        assert saved(path).answers == {
            "p01": {"trust-1": "maintain"},
            "p02": {"trust-1": "immediate"},
            "p03": {"trust-1": "future"},
        }
        screen = term.wait_for(
            lambda: "item 2 of 31" in (s := term.screen()) and s, "the next item"
        )
        assert "Clarity about what each partner is willing to contribute." in screen
        assert "✓ all saved" in screen
        term.keys("C-q")
        term.wait_for(lambda: not (tmp_path / ".test.toml.lock").exists(), "bcr to quit")
    finally:
        term.close()
