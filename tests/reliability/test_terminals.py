"""Terminals of every size and kind: Pilot at small and large sizes and while resizing, on every
full screen; NO_COLOR; plain `TERM=xterm` and the Linux console (in tmux)."""

from __future__ import annotations

import os
import re
import shutil
import sys

import pytest
from readback import saved, screen_text
from tmux_helpers import Tmux

from bcr_tui.tui.screens.base import MIN_HEIGHT, MIN_WIDTH, BcrScreen

SIZES = [(40, 12), (80, 24), (100, 30), (200, 60)]
EDGES = [
    (MIN_WIDTH - 1, MIN_HEIGHT),
    (MIN_WIDTH, MIN_HEIGHT - 1),
    (MIN_WIDTH, MIN_HEIGHT),
    (MIN_WIDTH - 1, MIN_HEIGHT - 1),
]
TOO_SMALL = "Please enlarge the window"
SCREENS = {"meeting": None, "heatmap": "h", "read-out": "o", "help": "question_mark"}


def check_size(app, size: tuple[int, int], name: str) -> None:
    width, height = size
    assert app.size == size
    small = width < MIN_WIDTH or height < MIN_HEIGHT
    text = screen_text(app)
    if isinstance(app.screen, BcrScreen):
        assert app.screen.has_class("-too-small") == small, (name, size)
        assert (TOO_SMALL in " ".join(text.split())) == small, (name, size, text)
    else:  # the help is a dialog over the meeting: it stays readable (it scrolls)
        assert "Keys in the meeting" in text, (name, size, text)


@pytest.mark.parametrize("name", list(SCREENS))
async def test_every_screen_at_every_size_and_while_resizing(
    tmp_path, name, write_session, running
):
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1")  # something to show on the heatmap and in the read-out
        if SCREENS[name]:
            await pilot.press(SCREENS[name])
        await pilot.pause()
        # every size, then back and forth between the extremes and across the edge
        for size in [*SIZES, *EDGES, (200, 60), (40, 12), (100, 30)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            check_size(app, size, name)
        if SCREENS[name]:
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("2")  # still alive and recording
        assert saved(path).answers == {
            "p01": {"trust-1": "maintain"},
            "p02": {"trust-1": "immediate"},
        }
    assert app.return_code in (None, 0)


@pytest.mark.parametrize("size", SIZES)
async def test_the_meeting_starts_at_any_size(tmp_path, size, write_session, running):
    path = write_session(tmp_path)
    async with running(path, size=size) as (app, pilot):
        await pilot.pause()
        check_size(app, size, "meeting")
        await pilot.press("h")
        await pilot.pause()
        check_size(app, size, "heatmap")
        await pilot.press("escape", "o")
        await pilot.pause()
        check_size(app, size, "read-out")


def test_textual_reads_no_color(monkeypatch, tmp_path):
    """Textual takes NO_COLOR when the app is built: the screen is drawn in greys only."""
    from textual.filter import Monochrome, NoColor

    from bcr_tui.tui.factory import make_app

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(sessions_dir=tmp_path)
    assert app.no_color
    assert any(isinstance(f, Monochrome | NoColor) for f in app._filters)
    monkeypatch.delenv("NO_COLOR")
    assert not make_app(sessions_dir=tmp_path).no_color


# --------------------------------------------------------------------------- real terminals

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def bcr_open(path) -> list[str]:
    return [sys.executable, "-m", "bcr_tui", "open", str(path)]


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
GREY_256 = {0, 7, 8, 15, 16, 231, *range(232, 256)}
GREY_BASIC = {30, 37, 90, 97, 40, 47, 100, 107}


def colours(screen: str) -> set[str]:
    """The colours (not greys) in SGR escape codes: 'fg 5;221', 'bg 2;0;95;135', 'fg 31' …"""
    found = set()
    for match in _SGR.finditer(screen):
        params = [int(p) if p.isdigit() else 0 for p in re.split("[;:]", match.group(1))]
        n = 0
        while n < len(params):
            p = params[n]
            if p in (38, 48, 58) and n + 1 < len(params):
                where = "fg" if p == 38 else "bg"
                if params[n + 1] == 5 and n + 2 < len(params):
                    if params[n + 2] not in GREY_256:
                        found.add(f"{where} 5;{params[n + 2]}")
                    n += 3
                    continue
                if params[n + 1] == 2 and n + 4 < len(params):
                    r, g, b = params[n + 2 : n + 5]
                    if not r == g == b:
                        found.add(f"{where} 2;{r};{g};{b}")
                    n += 5
                    continue
            elif (
                30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107
            ) and p not in GREY_BASIC:
                found.add(f"basic {p}")
            n += 1
    return found


@needs_tmux
def test_no_color_means_greys_only_on_a_real_terminal(tmp_path, write_session):
    """With NO_COLOR set, Textual draws in greys (bold and reverse stay): no colour escape code
    reaches the terminal. Without it, the same screen has colours (the control)."""
    path = write_session(tmp_path)
    seen = {}
    for no_color in (True, False):
        env = {"TERM": "xterm-256color", **({"NO_COLOR": "1"} if no_color else {})}
        term = Tmux(bcr_open(path), tmp_path, env)
        try:
            term.wait_for(lambda t=term: "Turn: Ana Ruiz" in t.screen(), "the meeting screen")
            term.keys("1")
            term.wait_for(lambda t=term: "— saved" in t.screen(), "the saved rating")
            seen[no_color] = term.screen(escapes=True)
            term.keys("u")
            term.wait_for(lambda t=term: "Undone" in t.screen(), "the undo")
            term.keys("C-q")
            term.wait_for(lambda: not (tmp_path / ".test.toml.lock").exists(), "bcr to quit")
        finally:
            term.close()
    assert "\x1b[" in seen[True]  # bold/reverse and greys are still drawn
    assert colours(seen[True]) == set(), sorted(colours(seen[True]))[:10]
    assert colours(seen[False]), "the control run showed no colour at all"


@needs_tmux
@pytest.mark.parametrize("term_name", ["xterm", "linux"])
def test_plain_terminals_reach_the_meeting_and_record(tmp_path, term_name, write_session):
    path = write_session(tmp_path)
    term = Tmux(bcr_open(path), tmp_path, {"TERM": term_name})
    try:
        term.wait_for(lambda: "Turn: Ana Ruiz" in term.screen(), f"the meeting on {term_name}")
        term.keys("1")
        term.wait_for(lambda: "Turn: Ben O'Neil" in term.screen(), "Ben's turn")
        assert saved(path).answers == {"p01": {"trust-1": "maintain"}}
        screen = term.screen()
        assert "Ana Ruiz: Currently exists / Maintain" in screen
        term.keys("C-q")
        term.wait_for(lambda: not (tmp_path / ".test.toml.lock").exists(), "bcr to quit")
    finally:
        term.close()
    assert os.path.exists(path)
