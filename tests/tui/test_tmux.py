"""The real `bcr open` in a real terminal (tmux): real key presses, then the file on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest
from pilot_helpers import saved, write_session

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (CI installs it with apt-get)")


class Tmux:
    """One private tmux server running one command in a 100 × 30 window."""

    def __init__(self, command: list[str], cwd) -> None:
        self.socket = f"bcr-test-{uuid.uuid4().hex[:8]}"
        env = {**os.environ, "TERM": "xterm-256color"}
        shell = " ".join(f"'{c}'" for c in command)
        self._tmux("new-session", "-d", "-x", "100", "-y", "30", "-c", str(cwd), shell, env=env)

    def _tmux(self, *args: str, env=None) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, check=False, env=env).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", key)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p")

    def wait_for(self, predicate, what: str, seconds: float = 20.0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"gave up waiting for {what}; the screen was:\n{self.screen()}")

    def close(self) -> None:
        self._tmux("kill-server")


def test_bcr_open_in_a_real_terminal(tmp_path):
    path = write_session(tmp_path)
    term = Tmux([sys.executable, "-m", "bcr_tui", "open", str(path)], tmp_path)
    try:
        term.wait_for(lambda: "Turn: Ana Ruiz" in term.screen(), "the meeting screen")
        term.keys("1")
        term.wait_for(lambda: "Turn: Ben O'Neil" in term.screen(), "Ben's turn")
        term.keys("2", "3")
        term.wait_for(lambda: len(saved(path).answers) == 3, "three answers on disk")
        assert saved(path).answers == {"p01": {"trust-1": "maintain"},
                                       "p02": {"trust-1": "immediate"},
                                       "p03": {"trust-1": "future"}}
        screen = term.wait_for(lambda: "item 2 of 31" in (s := term.screen()) and s,
                               "the next item")
        assert "Clarity about what each partner is willing to contribute." in screen
        assert "✓ all saved" in screen
        term.keys("C-q")
        term.wait_for(lambda: not (tmp_path / ".test.toml.lock").exists(), "bcr to quit")
    finally:
        term.close()
