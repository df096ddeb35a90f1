"""Regressions from a first real meeting (issue 16): a written answer's box has the keyboard
whenever its item is current, and a redo gives the turn back to where it was before the undo."""

from __future__ import annotations

from pilot_helpers import opened, running, saved, widget_text, write_session

CPAT = "community-partner-assessment-tool"
TWELVE = "123451234512"  # the twelve 1–5 items of CPAT, then the open question "success"


def _box_has_keys(app) -> bool:
    focused = app.screen.focused
    return focused is not None and focused.id == "answer-text"


async def test_typing_on_the_first_arrival_at_an_open_question_is_the_answer(tmp_path):
    path = write_session(tmp_path, CPAT, order="participant-major")
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press(*TWELVE)
        assert saved(path).cursor.item == "success" and _box_has_keys(app)
        await pilot.press(*"hou1a n", "enter")  # o, u, h, a, n, 1 are commands elsewhere
        on_disk = saved(path)
        assert on_disk.answers["p01"]["success"] == "hou1a n"
        assert len(on_disk.answers["p01"]) == 13  # nothing undone
        assert not any(p.absent for p in on_disk.participants) and on_disk.notes == {}
        assert (on_disk.cursor.item, on_disk.cursor.who) == ("diverse-leaders", "p02")
        assert app.screen.__class__.__name__ == "MeetingScreen"


async def test_the_box_has_the_keys_after_reopening_moving_undo_redo_and_dialogs(tmp_path):
    path = write_session(tmp_path, CPAT, mode="group", people=None)
    with opened(path) as store:
        store.session.cursor.item = "success"
        store.save()
    async with running(path, size=(100, 30)) as (app, pilot):
        assert _box_has_keys(app)  # after reopening
        await pilot.press("escape", "left")  # Esc leaves it; ← goes to item 12
        assert not _box_has_keys(app)
        await pilot.press("right")
        assert _box_has_keys(app)  # back with →
        await pilot.press(*"42", "enter")  # a digit is text
        assert saved(path).answers == {"group": {"success": "42"}}
        await pilot.press("ctrl+z")
        assert saved(path).answers == {} and _box_has_keys(app)  # after undo
        await pilot.press("ctrl+y")
        assert saved(path).answers == {"group": {"success": "42"}}
        await pilot.press("escape", "left", "right")
        for key in ("n", "question_mark"):  # after a dialog and a screen close
            await pilot.press("escape", key)
            assert not _box_has_keys(app)
            await pilot.press("escape")
            assert app.screen.__class__.__name__ == "MeetingScreen" and _box_has_keys(app)
        await pilot.press(*"ahu", "enter")
        assert saved(path).answers == {"group": {"success": "ahu"}}


async def test_redo_gives_the_turn_back_to_where_it_was_before_the_undo(tmp_path):
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1", "2", "u", "ctrl+y")
        assert (saved(path).cursor.item, saved(path).cursor.who) == ("trust-1", "p03")
        assert "Turn: Chen Li" in widget_text(app, "#turn")
        await pilot.press("3")
        assert saved(path).answers == {"p01": {"trust-1": "maintain"},
                                       "p02": {"trust-1": "immediate"},
                                       "p03": {"trust-1": "future"}}


async def test_a_redo_after_reopening_moves_the_turn_on(tmp_path):
    path = write_session(tmp_path)
    async with running(path) as (app, pilot):
        await pilot.press("1", "2", "u")
    async with running(path) as (app, pilot):
        await pilot.press("ctrl+y", "3")
        assert saved(path).answers["p02"] == {"trust-1": "immediate"}
        assert saved(path).answers["p03"] == {"trust-1": "future"}
