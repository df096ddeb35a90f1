"""bcr raises Textual's frame cap (a key's frame is not held back by the frame timer), and a cap
the user set wins. Proved in fresh processes: the cap is read once, when Textual is imported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = "import bcr_tui.tui.app, textual.constants as c; print(c.MAX_FPS)"


def _cap(**env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**clean, **env},
    )
    return int(result.stdout)


def test_bcr_draws_at_its_own_cap():
    from bcr_tui.tui import FRAMES_PER_SECOND

    assert _cap() == int(FRAMES_PER_SECOND) > 60


@pytest.mark.parametrize("cap", ["30", "60"])
def test_a_cap_the_user_set_wins(cap):
    assert _cap(TEXTUAL_FPS=cap) == int(cap)
