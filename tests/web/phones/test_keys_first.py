"""The facilitator's keys before the phones: while a key is handled, the phones' side waits.

`PhoneRoom.hold` (the core) is driven directly against the real server process and a phone over
HTTP; `KeysFirst` (the app's side) through Pilot key presses against the real app.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from pathlib import Path

import pytest
from phonekit import free_port, on_disk, phones, room_on, until_running, write_session

from bcr_tui.storage.store import SessionStore
from bcr_tui.tui.factory import make_app
from bcr_tui.tui.widgets.joinpanel import PhoneOptions
from bcr_tui.web.phones import room as room_module

IMMEDIATE = "Needs immediate attention"


@pytest.fixture
def session_path(tmp_path):
    return write_session(tmp_path, people=3)


async def test_a_vote_waits_while_a_key_is_handled_then_is_saved(session_path, monkeypatch):
    monkeypatch.setattr(room_module, "HOLD_S", 30.0)  # only `resume` ends this hold
    async with room_on(session_path) as room, phones(room, 1) as (phone,):
        item = room.meeting.item.id
        assert await phone.join("Person 02") == 200
        room.hold()
        assert room.holding and not gc.isenabled()
        try:
            tap = asyncio.create_task(phone.vote(IMMEDIATE))
            await asyncio.sleep(0.3)
            assert not tap.done()  # no "Saved" while the key is handled
            assert room.meeting.session.answer("p02", item) is None
            assert on_disk(session_path).answer("p02", item) is None
        finally:
            room.resume()
        assert gc.isenabled() and not room.holding
        assert await asyncio.wait_for(tap, 10) == 200
        assert "Saved" in phone.page
        assert on_disk(session_path).answer("p02", item) == "immediate"


async def test_the_server_hears_of_saved_votes_after_the_keys_frame(session_path, monkeypatch):
    """A key's save carries the votes waiting beside it; the snapshot and the phones' "done"
    (a millisecond or more for 200 people) wait for the key's frame, snapshot first."""
    monkeypatch.setattr(room_module, "HOLD_S", 30.0)
    async with room_on(session_path) as room:
        item = room.meeting.item.id
        sent = []
        room._send = lambda op, **fields: sent.append(op)
        room._heard({"op": "vote", "n": 1, "who": "p02", "item": item, "value": "future"})
        room.hold()  # the facilitator's key arrives
        assert room.meeting.rate(1).saved  # its save writes the phone's vote too
        assert on_disk(session_path).answer("p02", item) == "future"
        await asyncio.sleep(0.1)
        assert "state" not in sent and "done" not in sent
        room.resume()  # the key's frame is drawn
        await asyncio.sleep(0.05)
        assert "done" in sent and sent.index("state") < sent.index("done")


async def test_a_hold_ends_by_itself(session_path):
    async with room_on(session_path) as room, phones(room, 1) as (phone,):
        assert await phone.join("Person 03") == 200
        room.hold()  # and no frame ever says the key is drawn
        assert await asyncio.wait_for(phone.vote(IMMEDIATE), 10) == 200
        assert not room.holding and gc.isenabled()
        assert on_disk(session_path).answer("p03", room.meeting.item.id) == "immediate"


async def test_keys_in_quick_succession_leave_the_phones_a_turn(session_path):
    async with room_on(session_path) as room:
        room.hold()
        room.resume()
        room.hold()  # within FAIR_S of the last hold's end: the phones' messages are read
        assert not room.holding and gc.isenabled()
        await asyncio.sleep(room_module.FAIR_S * 2)
        room.hold()
        assert room.holding
        await room.shutdown()  # a hold ends with the room
        assert not room.holding and gc.isenabled()


async def test_a_key_in_the_app_holds_the_phones_until_its_frame(tmp_path, monkeypatch):
    monkeypatch.setattr(room_module, "HOLD_S", 30.0)  # only the key's frame ends the hold
    path = write_session(tmp_path, people=3)
    store = SessionStore.open(path)
    switch = sys.getswitchinterval()
    try:
        app = make_app(store, tmp_path)
        app.phones = PhoneOptions("127.0.0.1", free_port())  # `bcr open --phones`
        async with app.run_test(size=(100, 30)) as pilot:
            panel = await app.screen.join_panel()
            await until_running(panel, pilot)
            room = panel.room
            assert room is not None and room.running and app.keys_first is not None
            holds = []
            hold = room.hold
            monkeypatch.setattr(room, "hold", lambda: (holds.append(1), hold()))
            item = room.meeting.item.id
            await pilot.press("2")
            await pilot.pause()
            assert holds, "the key did not hold the phones back"
            assert not room.holding and gc.isenabled()  # its frame ended the hold, not HOLD_S
            assert on_disk(path).answer("p01", item) == "immediate"
        assert app.keys_first is None and sys.getswitchinterval() == switch
    finally:
        store.close()


def test_the_terminal_driver_tells_of_each_key_as_it_is_read():
    """In a real terminal the hold starts in the driver's input thread, before the event loop
    reaches the key: `with_keys_first` flags the room, and passes every message on."""
    from textual.driver import Driver
    from textual.events import Key, Resize
    from textual.geometry import Size

    from bcr_tui.tui.app import BcrApp
    from bcr_tui.tui.keysfirst import KeysFirst, with_keys_first

    class Room:
        key_coming = False

        def hold(self) -> None: ...

        def resume(self) -> None: ...

    class Terminal(Driver):
        def __init__(self, app) -> None:  # noqa: ANN001
            self._app, self.passed = app, []

        def process_message(self, message) -> None:  # noqa: ANN001
            self.passed.append(message)

        write = start_application_mode = disable_input = stop_application_mode = print

    app = BcrApp(None, Path("."))
    assert issubclass(app.driver_class, Driver) and "KeysFirst" in app.driver_class.__name__
    driver = with_keys_first(Terminal)(app)
    size = Size(80, 24)
    driver.process_message(Resize(size, size))
    driver.process_message(Key("1", "1"))  # phones off: nothing to tell
    room = Room()
    app.keys_first = KeysFirst(room)
    driver.process_message(Resize(size, size))
    assert not room.key_coming
    driver.process_message(Key("2", "2"))
    assert room.key_coming
    app.keys_first.close()
    assert [type(m).__name__ for m in driver.passed] == ["Resize", "Key", "Resize", "Key"]
