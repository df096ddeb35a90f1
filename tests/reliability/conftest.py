"""Reliability tests: faults, kills, bad input, odd terminals, privacy.

The kill harness lives in `benchmarks/kill.py` (a standalone script); its folder is put on the
import path here (`tests/conftest.py` puts `tests/tui/` there, for `readback` and `tmux_helpers`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic screens: no blinking cursor in inputs."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)
