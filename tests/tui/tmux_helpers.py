"""A private tmux server for driving bcr in a real terminal (tmux and terminal tests)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import uuid


class Tmux:
    """A private tmux server (its own -L socket) running one command in a 100 × 30 window."""

    def __init__(self, command: list[str], cwd, env: dict[str, str]) -> None:
        self.socket = f"bcr-rel-{uuid.uuid4().hex[:10]}"
        # Inside tmux, TERM is tmux's own; `env` sets what the program sees.
        setting = [f"{k}={v}" for k, v in env.items()]
        self.run(
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "-c",
            str(cwd),
            "env",
            "-u",
            "COLORTERM",
            "-u",
            "FORCE_COLOR",
            "-u",
            "NO_COLOR",
            *setting,
            *command,
        )

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=20,
        ).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", key)

    def screen(self, *, escapes: bool = False) -> str:
        return self.run("capture-pane", "-p", *(["-e"] if escapes else []))

    def wait_for(self, predicate, what: str, seconds: float = 20.0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"gave up waiting for {what}; the screen was:\n{self.screen()}")

    def close(self) -> None:
        self.run("kill-server")
        folder = os.environ.get("TMUX_TMPDIR") or "/tmp"
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, f"tmux-{os.getuid()}", self.socket))
