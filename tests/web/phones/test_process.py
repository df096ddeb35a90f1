"""The phones' server as a process of its own: what the laptop trusts of it, and how it ends.

The server (`bcr_tui.web.phones.child`) holds no session: it sends votes and About-You answers to
the laptop (`room.PhoneRoom`), which checks them like any answer and saves them. These tests speak
to the real server process, or feed the laptop's side what a broken or hostile server could send.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from phonekit import on_disk, phones, room_on, write_session

from bcr_tui.web.phones.snapshot import Snapshot
from bcr_tui.web.phones.votes import Vote

MAINTAIN = "Currently exists / Maintain"


@pytest.fixture
def session_path(tmp_path):
    return write_session(tmp_path, people=4)


async def test_the_laptop_checks_what_the_server_sends(session_path):
    async with room_on(session_path) as room:
        before = session_path.read_bytes()
        item = room.meeting.item.id
        sent = []
        real = room._send
        room._send = lambda op, **fields: (sent.append((op, fields)), real(op, **fields))
        for forged in (
            {"op": "vote", "n": 1, "who": "p99", "item": item, "value": "maintain"},  # no one
            {"op": "vote", "n": 2, "who": "p01", "item": "nope", "value": "maintain"},  # old item
            {"op": "vote", "n": 3, "who": "p01", "item": item, "value": "=1+1"},  # no such point
            {"op": "vote", "n": 4, "who": ["p01"], "item": item, "value": "maintain"},
            {"op": "profile", "n": 5, "who": "p01", "answers": {"item-1": "x"}},  # not About-You
            {"op": "profile", "n": 6, "who": "p01", "answers": "sector"},
        ):
            room._heard(forged)
        await asyncio.sleep(0.05)  # the answers of one moment go together
        room._send = real
        answers = [a for op, fields in sent if op == "done" for a in fields["many"]]
        assert sorted(n for n, _, _ in answers) == [1, 2, 3, 4, 5, 6]
        assert not any(saved for _, saved, _ in answers)
        assert session_path.read_bytes() == before
        assert room.meeting.session.answer("p01", item) is None
        room._heard({"op": "seats", "taken": ["p01", "p99", 7]})  # only people on the roster
        assert room.seats.taken() == {"p01"}


async def test_a_vote_from_the_server_is_saved_before_it_is_done(session_path):
    async with room_on(session_path) as room:
        item = room.meeting.item.id
        done = asyncio.Event()
        sent = []

        def send(op, **fields):
            sent.append((op, fields, on_disk(session_path).answer("p02", item)))
            if op == "done":
                done.set()

        room._send = send
        room._heard({"op": "vote", "n": 9, "who": "p02", "item": item, "value": "future"})
        await asyncio.wait_for(done.wait(), 5)
        ops = [op for op, _, _ in sent]
        assert ops.index("state") < ops.index("done")  # the page shows the vote as saved
        op, fields, on_file = sent[ops.index("done")]
        assert fields == {"many": [[9, True, None]]} and on_file == "future"


async def test_key_presses_carry_the_votes_that_arrive_between_them(session_path, monkeypatch):
    """While the facilitator is keying, their saves write the phones' votes too: no extra
    write of the batcher's own between two keys."""
    async with room_on(session_path) as room:
        meeting, item = room.meeting, room.meeting.item.id
        writes = []
        real = meeting.store.prepare
        monkeypatch.setattr(meeting.store, "prepare", lambda t: (writes.append(1), real(t))[1])
        assert meeting.rate(1).saved  # Person 01, by key
        vote = asyncio.create_task(room.batcher.submit(Vote("p03", item, "future")))
        await asyncio.sleep(0)
        assert meeting.rate(1).saved  # Person 02, by key: this save holds Person 03's vote
        result = await asyncio.wait_for(vote, 5)
        assert result.saved and len(writes) == 2
        assert on_disk(session_path).answer("p03", item) == "future"


async def test_a_server_that_dies_stops_phones_and_the_meeting_goes_on(session_path):
    async with room_on(session_path) as room:
        changed = []
        room.on_change = lambda: changed.append(1)
        room._proc.kill()
        await asyncio.wait_for(asyncio.shield(room._reading), 5)
        assert not room.running and room.ended == "the phone server stopped" and changed
        assert room.meeting.rate(1).saved  # keys are saved as before
        await room.start("127.0.0.1", [room.port])  # j again: a new server
        assert room.running
        async with phones(room, 1) as (phone,):
            assert await phone.join("Person 02") == 200
            assert await phone.vote(MAINTAIN) == 200


async def test_the_server_stops_when_the_laptop_goes(session_path):
    """The end of its input is what the server sees when the laptop's process ends, however it
    ends (and when it is not a terminal's session leader, no hangup signal comes): it stops."""
    async with room_on(session_path) as room:
        proc, port = room._proc, room.port
        proc.stdin.close()
        await asyncio.wait_for(proc.wait(), 10)
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_a_snapshot_from_a_broken_laptop_is_read_as_empty():
    view = Snapshot.of(
        {"op": "state", "item": 3, "people": [["p01"], "x", ["p02", "Ana", 1, "no"]], "pending": 5}
    )
    assert view.item == "" and list(view.people) == ["p02"] and view.people["p02"].profile == {}
    assert view.durable("p02") and view.answer("p02") is None


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_server_ends_when_bcr_is_killed(tmp_path):
    """kill -9 of `bcr open --phones`: its phone server stops listening within seconds, so no
    phone is told anything by a server whose laptop is gone."""
    import phonesim  # benchmarks/phonesim.py, via conftest.py
    from phonekit import free_port

    path = write_session(tmp_path, people=3)
    port = free_port()
    app = phonesim.start_open(path, port)
    try:
        phonesim.wait_join_url(app, path)
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # the server answers
        child = subprocess.run(
            ["pgrep", "-f", f"bcr_tui.web.phones.child {os.path.realpath(path)}"],
            capture_output=True,
            text=True,
        ).stdout.split()
        assert child, "no phone server process"
        os.kill(app.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the phone server still listens after bcr was killed")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and all(os.path.exists(f"/proc/{pid}") for pid in child):
            time.sleep(0.05)
        assert not any(os.path.exists(f"/proc/{pid}/cmdline") and _alive(pid) for pid in child)
    finally:
        app.close()


def _alive(pid: str) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def test_hostile_text_stays_on_its_line_between_the_processes():
    """An open answer or a name can hold line breaks, JSON and control characters: each message
    is still one line, read back as it was sent, and a line that is not a message is skipped."""
    from bcr_tui.web.phones.channel import decode, encode

    hostile = 'x\n{"op":"vote","n":1,"who":"p01"}\r\u2028\x1b[2J\x00"\\'
    line = encode("state", answers={"p01": hostile}, people=[["p01", hostile, False, {}]])
    assert line.count(b"\n") == 1 and line.endswith(b"\n")
    assert decode(line) == {
        "op": "state",
        "answers": {"p01": hostile},
        "people": [["p01", hostile, False, {}]],
    }
    for junk in (b"", b"[]", b'{"op": 3}', b"\xff\xfe", b'{"n": 1}', b"not json"):
        assert decode(junk) is None
