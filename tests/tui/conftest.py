"""Fixtures for the Pilot and snapshot tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic screens: no blinking cursor in inputs."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)
