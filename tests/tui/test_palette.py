"""Pilot: what the command palette offers on each screen and in each mode, and what its entries
do (export, report and compare are in `test_palette_outputs.py`; correcting and removing a
participant, About-You for everyone and editing an action step in `test_meeting_regressions.py`).
"""

from __future__ import annotations

import re

import pytest
from readback import saved
from textual.command import CommandList

from bcr_tui.tui.factory import make_app

#: Textual's own commands, offered everywhere.
TEXTUAL = ["Keys", "Quit", "Screenshot", "Theme"]
#: The meeting's keys (README "Keys in the meeting") that every session offers.
KEYS = [
    "About",
    "About you",
    "Abstain",
    "Heatmap",
    "Help",
    "Next item",
    "Note",
    "Quit",
    "Read-out",
    "Redo",
    "Undo",
]
PHONES = ["Phones", "Phones: automatic reveal on/off", "Phones: release a seat"]
PALETTE_ONLY = [
    "About You: everyone, one after another",
    "Add a participant (late arrival)",
    "Add an action step",
    "Audience view: hide answer counts and heatmaps",
    "Audience view: hide names",
    "Compare with an earlier session",
    "Correct a participant's name",
    "Export this session to a spreadsheet (XLSX)",
    "Remove a participant (no answers yet)",
    "Write the report (HTML)",
]
#: On a session bcr's own "Quit  [ctrl+q]" stands for Textual's "Quit" (offered once).
MEETING = [t for t in TEXTUAL if t != "Quit"] + KEYS + PALETTE_ONLY


async def offered(app, pilot, typed: str = "", *, keys: bool = False) -> list[str]:
    """Open the palette with ctrl+p (and type `typed`): the title of every entry it offers,
    without its key (`Undo  [u / ctrl+z]` → `Undo`) unless `keys`, then close it."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    if typed:
        await pilot.press(*typed)
    await app.workers.wait_for_complete()
    await pilot.pause(0.3)  # the palette adds what its providers found in batches
    found = app.screen.query_one(CommandList)
    titles = [str(found.get_option_at_index(n).prompt) for n in range(found.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    titles = [title.split("\n")[0] for title in titles]
    return titles if keys else [_without_key(title) for title in titles]


def _without_key(title: str) -> str:
    return re.sub(r"\s+\[[^\]]*\]$", "", title).strip()


@pytest.mark.parametrize(
    ("mode", "blind", "extra"),
    [
        ("round-robin", False, ["Absent", *PHONES]),
        ("round-robin", True, ["Absent", "Reveal", *PHONES]),
        ("group", False, []),
        ("group", True, ["Reveal"]),
        ("tally", False, []),
    ],
)
async def test_the_palette_offers_in_each_mode(
    tmp_path, mode, blind, extra, write_session, running
):
    """Phones only where people answer for themselves (issue 19): round-robin, blind or not;
    in group and tally modes the room answers at the keyboard."""
    path = write_session(tmp_path, mode=mode, blind=blind)
    async with running(path, size=(100, 30)) as (app, pilot):
        assert sorted(await offered(app, pilot)) == sorted(MEETING + extra)
        if mode != "round-robin":  # nor found by typing
            assert not [t for t in await offered(app, pilot, "phones") if "Phones" in t]
        await pilot.press("h")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HeatmapScreen"
        assert sorted(await offered(app, pilot)) == TEXTUAL


async def test_the_palette_offers_action_steps_once_there_are_some(demo_file, running):
    async with running(demo_file, size=(100, 30)) as (app, pilot):
        expected = MEETING + ["Absent", *PHONES, "Delete an action step", "Edit an action step"]
        assert sorted(await offered(app, pilot)) == sorted(expected)


async def test_the_palette_shows_each_entrys_key(session_file, running):
    """The key is in brackets after the title: shown as text, not read as markup (`[i]` was
    once taken for italics and vanished)."""
    async with running(session_file, size=(100, 30)) as (app, pilot):
        titles = await offered(app, pilot, keys=True)
        assert {"About  [i]", "Undo  [u / ctrl+z]", "Heatmap  [h]", "Read-out  [o]"} <= set(titles)
        assert "Heatmap  [h]" in await offered(app, pilot, "heat", keys=True)
        # An entry only the palette reaches shows no key (ctrl+p is how you got here).
        assert "Phones: release a seat" in titles
        assert not [t for t in titles if "ctrl+p" in t]


async def test_the_read_out_offers_what_works_there(demo_file, running):
    """Once nothing (the meeting's list failed there, Textual's own went with it); typed, it
    found keys that did nothing and entries that ended bcr with a traceback."""
    async with running(demo_file, size=(100, 30)) as (app, pilot):
        await pilot.press("o")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ReadoutScreen"
        assert sorted(await offered(app, pilot)) == sorted(
            [
                *TEXTUAL,  # its "Quit" is bcr's, once
                "Export this session to a spreadsheet (XLSX)",
                "Write the report (HTML)",
                "Compare with an earlier session",
                "Add an action step",
                "Edit an action step",
                "Delete an action step",
            ]
        )
        assert await offered(app, pilot, "Audience") == []
        await pilot.press("ctrl+p", *"Write the report", "enter")
        await app.workers.wait_for_complete()
    assert (demo_file.parent / "demo-report.html").is_file()


async def test_the_home_screen_offers_textuals_own(tmp_path):
    app = make_app(None, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert sorted(await offered(app, pilot)) == sorted([*TEXTUAL, "Maximize"])


async def test_the_audience_view_is_hidden_and_shown_again_from_the_palette(session_file, running):
    async with running(session_file, size=(100, 30)) as (app, pilot):
        await pilot.press("ctrl+p", *"Audience view: hide names", "enter")
        await pilot.pause()
        assert saved(session_file).audience["names"] is False
        titles = await offered(app, pilot, "Audience view")
        assert "Audience view: show names" in titles and "Audience view: hide names" not in titles
        await pilot.press("ctrl+p", *"Audience view: show names", "enter")
        await pilot.pause()
        assert saved(session_file).audience["names"] is True


async def test_a_late_arrival_is_added_from_the_palette(session_file, running):
    async with running(session_file, size=(100, 30)) as (app, pilot):
        await pilot.press("ctrl+p", *"Add a participant", "enter")
        await pilot.pause()
        assert app.screen.focused.id == "prompt"
        await pilot.press(*"Dana Fox | Foundation", "enter")
        await pilot.pause()
        person = saved(session_file).participants[-1]
        assert (person.name, person.organization) == ("Dana Fox", "Foundation")


async def test_a_key_and_an_action_step_from_the_palette(tmp_path, write_demo, running):
    path = write_demo(tmp_path)
    steps = len(saved(path).actions)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("ctrl+p", *"Heatmap", "enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HeatmapScreen"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p", *"Delete an action step", "enter")
        await pilot.pause()
        await pilot.press("enter")  # the first step
        await pilot.pause()
        assert len(saved(path).actions) == steps - 1
