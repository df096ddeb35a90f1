"""The one writer shared by key presses and phone votes: an older text never replaces a newer."""

from __future__ import annotations

import asyncio
import threading

from phonekit import meeting_on, on_disk, write_session

from bcr_tui.web.phones.votes import Saver


async def test_a_batch_written_after_a_newer_key_press_is_skipped(tmp_path):
    path = write_session(tmp_path, people=3)
    with meeting_on(path) as meeting:
        saver = Saver(meeting)
        meeting.save_hook = saver.save_now
        item = meeting.item.id
        gate = threading.Event()
        real_write = saver._write

        def held_write(text, made):
            gate.wait(5)
            real_write(text, made)

        saver._write = held_write
        meeting.vote("p02", item, "future")
        batch = asyncio.create_task(saver.save_soon())
        await asyncio.sleep(0.05)  # the batch's text is made; its write waits in the thread
        assert meeting.rate(1).saved  # Person 01's key press: written at once, with p02's vote
        gate.set()
        await batch
        saved = on_disk(path)
        assert saved.answer("p01", item) == "maintain"
        assert saved.answer("p02", item) == "future"


async def test_a_failed_batch_write_is_not_acknowledged(tmp_path, monkeypatch):
    from bcr_tui.web.phones.votes import Vote, VoteBatcher

    path = write_session(tmp_path, people=3)
    with meeting_on(path) as meeting:
        batcher = VoteBatcher(meeting, Saver(meeting))

        def full_disk(text):  # the text cannot be written beside the file
            from bcr_tui.errors import SaveError

            raise SaveError("could not be saved: the disk is full", path)

        monkeypatch.setattr(meeting.store, "prepare", full_disk)
        result = await batcher.submit(Vote("p01", meeting.item.id, "maintain"))
        assert not result.saved and "could not save" in result.problem
        assert meeting.unsaved and not batcher.durable("p01")
        assert on_disk(path).answer("p01", meeting.item.id) is None


def test_a_phone_vote_passes_the_turn_on_and_keeps_the_question_open(tmp_path):
    path = write_session(tmp_path, people=4, blind=False)
    with meeting_on(path) as meeting:
        item = meeting.item.id
        meeting.vote("p03", item, "future")  # not their turn: the turn stays with Person 01
        assert meeting.session.cursor.who == "p01"
        meeting.vote("p01", item, "maintain")  # the turn passes over Person 03, who answered
        assert meeting.session.cursor.who == "p02"
        meeting.vote("p02", item, "maintain")
        assert meeting.session.cursor.who == "p04"
        meeting.vote("p04", item, "abstain")
        assert meeting.session.cursor.who is None and meeting.item.id == item  # not moved on
        meeting.vote("p04", item, "future")  # still changeable
        assert meeting.session.answer("p04", item) == "future"
        assert meeting.rate(1).message.startswith("Everyone present has answered")


async def test_a_vote_waiting_when_a_key_press_fails_to_save_is_answered(tmp_path, monkeypatch):
    """A key press's save that fails (a full disk) held the vote waiting beside it: the batcher
    tries its own save and tells the phone it was not saved, rather than waiting for ever."""
    from bcr_tui.errors import SaveError
    from bcr_tui.web.phones.votes import Vote, VoteBatcher

    path = write_session(tmp_path, people=3)
    with meeting_on(path) as meeting:
        saver = Saver(meeting)
        meeting.save_hook = saver.save_now
        batcher = VoteBatcher(meeting, saver)
        vote = asyncio.create_task(batcher.submit(Vote("p02", meeting.item.id, "future")))
        await asyncio.sleep(0)  # applied, waiting for a save

        def full_disk(text):
            raise SaveError("could not be saved: the disk is full", path)

        monkeypatch.setattr(meeting.store, "prepare", full_disk)
        assert not meeting.rate(1).saved  # the key press's save renders the vote, then fails
        result = await asyncio.wait_for(vote, 2)
        assert not result.saved and "could not save" in result.problem
