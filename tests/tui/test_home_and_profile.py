"""Pilot: the home screen (list, new session, demo) and the About-You dialog."""

from __future__ import annotations

import threading

from readback import saved
from textual.widgets import OptionList

from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore, list_sessions
from bcr_tui.tui.factory import make_app
from bcr_tui.tui.screens import home


async def listed(app, pilot) -> None:
    """Wait until the home screen's worker has read the folder and the list shows it."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_home_lists_sessions_and_starts_a_new_one(tmp_path, write_session):
    folder = tmp_path / "sessions"
    folder.mkdir()
    write_session(folder)
    (folder / "broken.toml").write_text("not = [valid", "utf-8")
    app = make_app(sessions_dir=folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await listed(app, pilot)
        options = app.screen.query_one("#sessions", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Test session" in label and "0/93 answers" in label for label in labels)
        assert any("broken.toml" in label and "cannot be read" in label for label in labels)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#title").value = "Spring check-in"
        app.screen.query_one("#community").value = "Wake County"
        app.screen.query_one("#participants").text = "Ana | Schools\nBen\nChen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MeetingScreen"
        await pilot.press("2")
    rows = [r for r in list_sessions(folder) if r.title == "Spring check-in"]
    assert len(rows) == 1 and rows[0].community == "Wake County" and rows[0].answered == 1
    new = saved(rows[0].path)
    assert [p.name for p in new.participants] == ["Ana", "Ben", "Chen"]
    assert new.participants[0].organization == "Schools"
    assert new.answers == {"p01": {"trust-1": "immediate"}}


async def test_enter_opens_the_first_session_right_away(tmp_path, write_session):
    folder = tmp_path / "sessions"
    folder.mkdir()
    (folder / "broken.toml").write_text("not = [valid", "utf-8")
    path = write_session(folder)
    app = make_app(sessions_dir=folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await listed(app, pilot)
        await pilot.press("enter")  # no arrow key first: a session is highlighted already
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MeetingScreen"
        await pilot.press("1")
    assert saved(path).answers == {"p01": {"trust-1": "maintain"}}


async def test_home_reads_a_folder_of_many_sessions_off_the_ui_thread(tmp_path, monkeypatch):
    """Forty sessions with change logs: read in a worker (the screen stays live), every one
    listed with its own figures."""
    pai = load_instrument(find_instrument("pai"))
    folder = tmp_path / "sessions"
    folder.mkdir()
    for n in range(40):
        session = new_session(pai, f"Session {n:02d}", [("Ana", None), ("Ben", None)])
        for item in pai.rating_items[:n]:
            session.record("p01", item.id, "maintain")
        SessionStore.create(folder / f"s{n:02d}.toml", session).close()
    on_main_thread = []

    def spy(folder):
        on_main_thread.append(threading.current_thread() is threading.main_thread())
        return list_sessions(folder)

    monkeypatch.setattr(home, "list_sessions", spy)
    app = make_app(sessions_dir=folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await listed(app, pilot)
        options = app.screen.query_one("#sessions", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        folder_line = str(app.screen.query_one("#home-folder").render())
    assert on_main_thread == [False]
    assert "(40)" in folder_line and len(labels) == 40
    assert all(
        any(
            f"Session {n:02d}" in label and f" {min(n, 31)}/62 answers" in label for label in labels
        )
        for n in range(40)
    )


async def test_new_session_form_explains_a_problem(tmp_path):
    app = make_app(sessions_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#title").value = "No people"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#new-error").render())
        assert "round-robin needs participants" in error
    assert list(tmp_path.glob("*.toml")) == []


async def test_home_opens_the_demo(tmp_path):
    app = make_app(sessions_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MeetingScreen"
    (demo,) = list(tmp_path.glob("*.toml"))
    assert saved(demo).answered_count() == saved(demo).expected() == 496


async def test_about_you_answers_are_saved_per_participant(session_file, running):
    path = session_file
    async with running(path, size=(100, 40)) as (app, pilot):
        await pilot.press("p")  # Ana has the turn
        await pilot.pause()
        radio = app.screen.query_one("#q-sector")
        radio.focus()
        await pilot.press("down", "enter")  # the second option: community-based orgs
        app.screen.query_one("#q-sector-other").value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
    profile = saved(path).participant("p01").profile
    assert profile == {"sector": "community-based-organizations"}
    assert saved(path).participant("p02").profile == {}
