"""Names and texts with square brackets are text, never Textual markup, on every screen.

`Kim [/]` once crashed the app (MarkupError), `[draft]` vanished and `[@click=app.quit]x[/]`
became an action. A session whose names, title, community, notes, action steps and embedded
instrument are all such texts is driven through the meeting, the heatmap, the read-out, the help,
the dialogs, a notification, the home list, the comparison and the audience view; each shows the
texts exactly as written.
"""

from __future__ import annotations

import copy
from pathlib import Path

from readback import screen_text

from bcr_tui.instrument.load import find_instrument, load_instrument, parse_instrument
from bcr_tui.session.records import Action
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore, load_session
from bcr_tui.tui.factory import make_app

NAMES = ["Kim [/]", "[draft] Ana", "[@click=app.quit]x[/]"]
TITLE = "[draft] Fall [/]"
COMMUNITY = "[b]Ojai[/b"
ITEM = "[draft] Open talk [/]"
DOMAIN = "Trust [/]"
QUESTION = "[@click=app.quit]Why[/]?"
OPTION = "[bold]Gov[/]"


def hostile_session(folder: Path, name: str = "hostile.toml") -> Path:
    """A rated session in which every text a person or a file gives holds markup."""
    raw = copy.deepcopy(dict(load_instrument(find_instrument("pai")).raw))
    raw["domains"][0]["title"] = DOMAIN
    raw["domains"][0]["items"][0]["text"] = ITEM
    raw["reflection"][0]["questions"][0] = QUESTION
    raw["profile"][0]["options"][0]["label"] = OPTION
    instrument = parse_instrument(raw, "hostile")
    session = new_session(instrument, TITLE, [(n, "[i]Org") for n in NAMES], community=COMMUNITY)
    for item in instrument.rating_items[:3]:
        for person in session.participants:
            session.record(person.id, item.id, item.scale.points[0].key)
    session.set_note(instrument.rating_items[0].id, "[red]note[/]")
    session.actions.append(Action(step="[/] call them", owner="Kim [/]", due="[draft]"))
    SessionStore.create(folder / name, session).close()
    return folder / name


async def test_markup_in_names_and_files_is_shown_as_written_on_every_screen(tmp_path, running):
    path = hostile_session(tmp_path)
    async with running(path, size=(160, 50)) as (app, pilot):
        text = screen_text(app)
        assert ITEM in text and NAMES[0] in text  # the meeting: item, roster
        await pilot.press("h")
        text = screen_text(app)
        assert app.screen.__class__.__name__ == "HeatmapScreen"
        assert all(n in text for n in NAMES) and DOMAIN in text and TITLE in text
        await pilot.press("escape", "o")
        await pilot.pause()
        text = screen_text(app)
        assert TITLE in text and "[/] call them" in text and "owner: Kim [/]" in text
        assert "[red]note[/]" in text
        await pilot.press("end")
        await pilot.pause()
        assert QUESTION in screen_text(app) or QUESTION in _statics(app)
        await pilot.press("a")  # a dialog, then a notification naming what was added
        await pilot.press(*"[b]x[/]", "tab", "tab", "tab", "enter")
        await pilot.pause()
        assert "[b]x[/]" in screen_text(app)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape", "p")
        await pilot.pause()
        text = screen_text(app)
        assert f"About you: {NAMES[0]}" in text and OPTION in text
        await pilot.press("escape")
        assert app.is_running
    assert [a.step for a in load_session(path).actions] == ["[/] call them", "[b]x[/]"]


def _statics(app) -> str:
    from readback import statics_text

    return statics_text(app)


async def test_markup_in_the_home_list_the_comparison_and_the_audience_view(tmp_path):
    from bcr_tui.tui.screens.compare import CompareScreen

    path = hostile_session(tmp_path)
    later = hostile_session(tmp_path, "later.toml")
    (tmp_path / "[b]bad[x].toml").write_text("not toml [/]", "utf-8")
    app = make_app(sessions_dir=tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await app.workers.wait_for_complete()  # the home list is read in a worker
        await pilot.pause()
        text = screen_text(app)
        assert TITLE in text and COMMUNITY in text and "[b]bad[x].toml" in text
        app.open_session(tmp_path / "[b]bad[x].toml")  # refused: the notification names it
        await pilot.pause()
        assert "[b]bad[x].toml" in screen_text(app)
        app.push_screen(CompareScreen(load_session(path), load_session(later)))
        await pilot.pause()
        text = screen_text(app)
        assert ITEM in text and TITLE in text
    app = make_app(view=path)
    async with app.run_test(size=(160, 40)) as pilot:
        text = screen_text(app)
        assert TITLE in text and NAMES[0] in text and ITEM in text
        await pilot.press("h")
        assert DOMAIN in screen_text(app) and app.is_running
