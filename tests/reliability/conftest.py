"""Reliability tests: faults, kills, bad input, odd terminals, privacy.

The kill harness lives in `benchmarks/kill.py` (a standalone script); the Pilot helpers in
`tests/tui/pilot_helpers.py`. Both folders are put on the import path here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT / "benchmarks", ROOT / "tests" / "tui"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic screens: no blinking cursor in inputs."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)
