"""Key `j` in the real app (Pilot): phones on, a phone votes, the roster shows who, j stops."""

from __future__ import annotations

import pytest
from phonekit import free_port, on_disk, phones, until_running, write_session
from readback import screen_text

from bcr_tui.storage.store import SessionStore
from bcr_tui.tui.factory import make_app
from bcr_tui.tui.widgets.joinpanel import JoinPanel, PhoneOptions


async def test_key_j_starts_phones_a_vote_shows_and_j_stops(tmp_path):
    path = write_session(tmp_path, people=3)
    store = SessionStore.open(path)
    try:
        app = make_app(store, tmp_path)
        app.phones = None  # not `bcr open --phones`: nothing starts until j
        async with app.run_test(size=(100, 30)) as pilot:
            panel = await app.screen.join_panel()  # mounted just after the first frame
            assert panel.room is None and not panel.display
            app.phones = PhoneOptions("127.0.0.1", free_port())  # as --host 127.0.0.1 --port P
            await pilot.press("j")
            await until_running(panel, pilot)
            room = panel.room
            assert room is not None and room.running and panel.display
            shot = screen_text(app)
            assert f"code: {room.seats.code}" in shot and room.base_url in shot
            assert (tmp_path / ".phones.toml.phones").read_text().strip() == room.join_url
            async with phones(room, 1) as (phone,):
                await phone.join("Person 02")
                assert await phone.vote("Needs immediate attention") == 200
                for _ in range(20):  # the meeting repaints for votes every REPAINT_S
                    await pilot.pause(0.05)
                    if "✓ Person 02" in screen_text(app):
                        break
                assert "✓ Person 02" in screen_text(app)
                assert on_disk(path).answer("p02", room.meeting.item.id) == "immediate"
                await pilot.press("1")  # the facilitator keys Person 01's answer meanwhile
                assert on_disk(path).answer("p01", room.meeting.item.id) == "maintain"
                await pilot.press("j")  # the stop switch
                await pilot.pause(0.1)
                assert not room.running and not panel.display
                assert not (tmp_path / ".phones.toml.phones").exists()
                with pytest.raises(OSError):
                    await phone.get("/")
    finally:
        store.close()


async def test_group_mode_says_why_not(tmp_path):
    path = write_session(tmp_path, people=0, blind=False, mode="group")
    store = SessionStore.open(path)
    try:
        app = make_app(store, tmp_path)
        app.phones = None
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j")
            await pilot.pause()
            assert app.screen.query_one(JoinPanel).room is None
            assert any("answer for themselves" in str(n.message) for n in app._notifications)
    finally:
        store.close()


async def test_several_networks_the_facilitator_picks(tmp_path, monkeypatch):
    from bcr_tui.tui.screens.dialogs import PickScreen
    from bcr_tui.web.phones import lan

    # Only the loopback address is ever listened on: the other is offered, never chosen.
    monkeypatch.setattr(lan, "local_addresses", lambda: ["127.0.0.1", "10.9.9.9"])
    path = write_session(tmp_path, people=3)
    store = SessionStore.open(path)
    try:
        app = make_app(store, tmp_path)
        app.phones = PhoneOptions(None, free_port())
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, PickScreen)  # `bcr open --phones` asks first
            text = screen_text(app)
            assert "127.0.0.1  (router or Wi-Fi)" in text and "10.9.9.9" in text
            await pilot.press("enter")
            panel = app.screen.query_one(JoinPanel)
            await until_running(panel, pilot)
            assert panel.room.host == "127.0.0.1" and panel.running
            await panel.stop()
    finally:
        store.close()


async def test_votes_saved_after_a_render_are_shown(tmp_path):
    """The meeting skips a phones' repaint that a render since the votes were saved has made
    needless (a key press's), but never one the last votes still need."""
    path = write_session(tmp_path, people=3)
    store = SessionStore.open(path)
    try:
        app = make_app(store, tmp_path)
        app.phones = PhoneOptions("127.0.0.1", free_port())
        async with app.run_test(size=(100, 30)) as pilot:
            panel = await app.screen.join_panel()
            await until_running(panel, pilot)
            meeting, item = panel.room.meeting, panel.room.meeting.item.id
            panel._votes_saved()  # a batch saved: a repaint is due
            app.screen.refresh_view()  # a key press renders the screen meanwhile
            meeting.vote("p02", item, "future")  # then another phone's vote is applied …
            panel._votes_saved()  # … and saved
            for _ in range(20):
                await pilot.pause(0.05)
                if "1 answered" in screen_text(app):
                    break
            assert "1 answered" in screen_text(app)  # the last vote is on screen
            await panel.stop()
    finally:
        store.close()
