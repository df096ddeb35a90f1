"""Pilot: real key presses against the real app; assertions on the saved file and the screen."""

from __future__ import annotations

import errno

import pytest
from readback import saved, widget_text
from textual.widgets import Static


async def test_round_robin_item_major_records_and_passes_the_turn(tmp_path, write_session, running):
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1", "2", "3")
        on_disk = saved(path)
        assert on_disk.answers == {
            "p01": {"trust-1": "maintain"},
            "p02": {"trust-1": "immediate"},
            "p03": {"trust-1": "future"},
        }
        assert (on_disk.cursor.item, on_disk.cursor.who) == ("trust-2", "p01")
        assert "Turn: Ana Ruiz" in widget_text(app, "#turn")
        assert "Chen Li: Needs work in the future — saved" in widget_text(app, "#flash")
        assert "✓ all saved" in widget_text(app, "#save-status")


async def test_participant_major_one_person_does_every_item(tmp_path, write_session, running):
    path = write_session(tmp_path, "leadership-self-assessment", order="participant-major")
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press(*"12345123")  # 8 roles for Ana
        await pilot.press("5")
        on_disk = saved(path)
        assert list(on_disk.answers["p01"].values()) == list("12345123")
        assert on_disk.answers["p02"] == {"visionary": "5"}
        assert (on_disk.cursor.item, on_disk.cursor.who) == ("trust-builder", "p02")


async def test_group_mode_records_one_answer_per_item(tmp_path, write_session, running):
    path = write_session(tmp_path, mode="group", people=None)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("2", "0")
        on_disk = saved(path)
        assert on_disk.answers == {"group": {"trust-1": "immediate", "trust-2": "abstain"}}
        assert on_disk.cursor.item == "trust-3"
        assert "whole group" in widget_text(
            app, "#turn"
        ).lower() or "The whole group" in widget_text(app, "#roster")


async def test_tally_mode_counts_hands(tmp_path, write_session, running):
    path = write_session(tmp_path, mode="tally", people=None)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1")  # opens the tally dialog on the first answer
        await pilot.press("7", "tab", "2", "tab", "1", "tab", "enter")
        await pilot.pause()
        on_disk = saved(path)
        assert on_disk.tally == {"trust-1": {"maintain": 7, "immediate": 2, "future": 1}}
        assert on_disk.cursor.item == "trust-2"


async def test_undo_and_redo_survive_a_reopen(tmp_path, write_session, running):
    path = write_session(tmp_path)
    async with running(path) as (app, pilot):
        await pilot.press("1", "2", "u")
        on_disk = saved(path)
        assert on_disk.answers == {"p01": {"trust-1": "maintain"}}
        assert (on_disk.cursor.item, on_disk.cursor.who) == ("trust-1", "p02")
    async with running(path) as (app, pilot):  # a new app on the reopened file
        assert "Turn: Ben O'Neil" in widget_text(app, "#turn")
        await pilot.press("ctrl+y")
        assert saved(path).answers["p02"] == {"trust-1": "immediate"}
        await pilot.press("ctrl+z", "ctrl+z")
        assert saved(path).answers == {}


async def test_key_bar_lists_the_keys_that_apply_and_clicking_one_runs_it(
    tmp_path, write_session, running
):
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1")
        bar = widget_text(app, "KeyBar")
        assert " 1-3  rate " in bar and " u  undo " in bar and " a  absent " in bar
        assert "reveal" not in bar  # not a blind session: the key does nothing here
        await pilot.click("KeyBar", offset=(bar.index(" u  undo") + 1, 0))
        assert saved(path).answers == {}
        assert "Turn: Ana Ruiz" in widget_text(app, "#turn")


async def test_absent_people_are_skipped(tmp_path, write_session, running):
    path = write_session(tmp_path)
    async with running(path) as (app, pilot):
        await pilot.press("a")  # Ana leaves
        assert "Turn: Ben O'Neil" in widget_text(app, "#turn")
        await pilot.press("1", "1")  # Ben, Chen: the item is complete
        on_disk = saved(path)
        assert on_disk.participant("p01").absent
        assert (on_disk.cursor.item, on_disk.cursor.who) == ("trust-2", "p02")
        assert "✗ Ana Ruiz" in widget_text(app, "#roster")
        await pilot.press("up", "a")  # back to Ana: she is back in the room
        assert not saved(path).participant("p01").absent


async def test_blind_round_hides_until_reveal(tmp_path, write_session, running):
    path = write_session(tmp_path, blind=True)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1", "2")
        summary = widget_text(app, "#summary")
        assert "hidden" in summary and "Maintain: 1" not in summary
        await pilot.press("3")  # the round is complete: it waits for r
        assert saved(path).cursor.item == "trust-1"
        assert "press r to reveal" in widget_text(app, "#turn")
        assert "Maintain: 1" not in widget_text(app, "#summary")
        await pilot.press("r")
        summary = widget_text(app, "#summary")
        assert "1 Maintain: 1" in summary
        assert "2 Immediate: 1" in summary
        assert saved(path).revealed == {"trust-1"}
        await pilot.press("right")
        assert saved(path).cursor.item == "trust-2"


async def test_a_failed_save_warns_and_never_claims_saved(
    tmp_path, monkeypatch, write_session, running
):
    path = write_session(tmp_path)
    import bcr_tui.storage.store as store_module

    def full_disk(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    async with running(path, size=(100, 30)) as (app, pilot):
        monkeypatch.setattr(store_module, "prepare_durably", full_disk)
        await pilot.press("1")
        assert saved(path).answers == {}  # nothing reached the disk …
        assert "NOT SAVED" in widget_text(app, "#save-status")  # … and the screen says so
        assert "saved" not in widget_text(app, "#flash").replace("NOT SAVED", "")
        warning = app.screen.query_one("#save-warning", Static)
        assert warning.display and "the disk is full" in str(warning.render())
        monkeypatch.undo()
        await pilot.press("2")  # the next change saves everything held in memory
        assert saved(path).answers == {
            "p01": {"trust-1": "maintain"},
            "p02": {"trust-1": "immediate"},
        }
        assert "✓ all saved" in widget_text(app, "#save-status")
        assert not warning.display


async def test_note_on_the_current_item(tmp_path, write_session, running):
    path = write_session(tmp_path)
    async with running(path) as (app, pilot):
        await pilot.press("n")
        await pilot.press(*"Budget talk", "enter")
        assert saved(path).notes == {"trust-1": "Budget talk"}


async def test_text_question_takes_words(tmp_path, write_session, opened, running):
    path = write_session(tmp_path, "community-partner-assessment-tool", mode="group", people=None)
    with opened(path) as store:
        store.session.cursor.item = "success"
        store.save()
    async with running(path, size=(100, 30)) as (app, pilot):
        bar = widget_text(app, "KeyBar")
        assert " Enter  record " in bar and " Esc  leave the box " in bar
        await pilot.press(*"Kids feel safe", "enter")
        assert saved(path).answers == {"group": {"success": "Kids feel safe"}}
        await pilot.press("escape")  # the keys are the meeting's again
        assert app.focused is None and " u  undo " in widget_text(app, "KeyBar")
        await pilot.press("u")
        assert saved(path).answers == {}


async def test_help_lists_every_key(tmp_path, write_session, running):
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("question_mark")
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        for phrase in ("Undo the last change", "Blind round", "absent", "Quit"):
            assert phrase in text


@pytest.mark.parametrize("size", [(40, 12), (60, 20)])
async def test_too_small_window_shows_a_message(tmp_path, size, write_session, running):
    path = write_session(tmp_path)
    async with running(path, size=size) as (app, pilot):
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        assert "enlarge the window" in widget_text(app, "#too-small")
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not app.screen.has_class("-too-small")
        await pilot.resize_terminal(*size)  # and small again
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        assert "enlarge the window" in widget_text(app, "#too-small")


async def test_a_window_made_too_small_shows_the_message(tmp_path, write_session, running):
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        assert not app.screen.query("#too-small")  # mounted only when needed
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        assert "enlarge the window" in widget_text(app, "#too-small")
        await pilot.press("1")  # keys do nothing while the message shows
        assert saved(path).answers == {}


async def test_late_arrival_takes_turns(tmp_path, write_session, running):
    path = write_session(tmp_path)
    async with running(path) as (app, pilot):
        app.screen.add_participant("Dana Fox | Foundation")
        await pilot.press("1", "1", "1", "1")
        on_disk = saved(path)
        assert on_disk.participants[-1].name == "Dana Fox"
        assert on_disk.answers["p04"] == {"trust-1": "maintain"}
        assert on_disk.cursor.item == "trust-2"


async def test_a_large_room_shows_the_turn_and_who_is_next(tmp_path, write_session, running):
    people = [(f"Person {n:02d}", None) for n in range(1, 41)]
    path = write_session(tmp_path, people=people)
    async with running(path, size=(80, 24)) as (app, pilot):
        await pilot.press("1", "1", "down", "a")  # two rate; Person 04 leaves
        roster = widget_text(app, "#roster")
        assert roster.startswith("2 of 39 answered · 1 absent")
        assert "▶ Person 05" in roster and "next:" in roster and "· Person 06" in roster
        assert "+32 more" in roster  # 39 present - 2 answered - the turn - 4 named
        assert "✗ Person 04" in roster and "Person 01" not in roster


async def test_the_roster_never_splits_a_name_between_lines(tmp_path, write_session, running):
    people = [(f"Ana Person {n:02d}", None) for n in range(1, 41)]
    path = write_session(tmp_path, people=people)
    async with running(path, size=(80, 24)) as (app, pilot):
        strip = app.screen.query_one("#roster")
        shown = [strip.render_line(y).text for y in range(strip.size.height)]
        for n in range(1, 6):  # the turn and the next four, each whole on one line
            assert sum(f"Ana Person {n:02d}" in line for line in shown) == 1, shown


async def test_a_key_repaints_every_line_it_changes(tmp_path, write_session, running):
    """Keys repaint only the lines that changed; what is on screen after each key is exactly
    what a full repaint of every widget shows (no line left stale: progress, roster, heatmap)."""
    path = write_session(tmp_path, people=[(f"Person {n}", None) for n in range(1, 11)])

    def screen() -> list[list]:
        return [list(strip) for strip in app.screen._compositor.render_strips()]

    async with running(path, size=(100, 30)) as (app, pilot):
        for key in "1230u2" + "1" * 8 + "a":
            await pilot.press(key)
            await pilot.pause()
            shown = screen()
            for widget in app.screen.walk_children():
                widget.refresh()
            await pilot.pause()
            assert screen() == shown, f"after {key!r}"
        assert "12/280 answers" in widget_text(app, "#turn")  # one absent: 31 fewer, 1 given


async def test_the_cards_mark_the_answer_on_record_for_whoever_has_the_turn(
    tmp_path, write_session, running
):
    from bcr_tui.tui.widgets.scale import PointCard

    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        cards = list(app.screen.query(PointCard))
        await pilot.press("2", "up")  # Ana answers 2; back to Ana

        def chosen() -> list[str]:
            return [c.digit for c in app.screen.query(PointCard) if c.has_class("-chosen")]

        assert chosen() == ["2"]
        assert "◉ Needs immediate attention" in str(app.screen.query(PointCard)[1].render())
        assert list(app.screen.query(PointCard)) == cards  # the same cards, marked: no new layout
        await pilot.press("down")  # Ben: nothing on record
        assert chosen() == []
        assert "◉" not in "".join(str(c.render()) for c in app.screen.query(PointCard))
