"""The meeting driver without a UI: whole meetings keyed through `Meeting`, checked on disk."""

from __future__ import annotations

import errno
import os

from bcr_tui import driver as meeting_module
from bcr_tui.driver import Meeting
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore, load_session


def _meeting(tmp_path, pai, n=10, **options) -> Meeting:
    people = [(f"Person {k}", None) for k in range(1, n + 1)] if n else None
    session = new_session(pai, "Whole meeting", people, **options)
    return Meeting(SessionStore.create(tmp_path / "m.toml", session))


def test_a_whole_round_robin_meeting_lands_on_disk(tmp_path, pai):
    m = _meeting(tmp_path, pai, n=10)
    presses = 0
    while m.rater is not None:
        outcome = m.rate(1 + presses % 3)
        presses += 1
        assert outcome.saved
    on_disk = load_session(m.store.path)
    assert presses == 310 == on_disk.answered_count() == on_disk.expected()
    assert on_disk.answers["p07"]["trust-1"] == ("maintain", "immediate", "future")[6 % 3]
    assert on_disk.cursor.item == pai.items[-1].id and on_disk.cursor.who is None
    assert len(on_disk.log) == 310
    m.store.close()


def test_participant_major_walks_each_person_through_every_item(tmp_path, pai):
    m = _meeting(tmp_path, pai, n=3, order="participant-major")
    for _ in range(31):
        m.rate(2)
    assert m.session.cursor.who == "p02" and m.session.cursor.item == "trust-1"
    assert set(load_session(m.store.path).answers["p01"].values()) == {"immediate"}
    m.store.close()


def test_a_failed_save_keeps_the_answer_in_memory_and_retries(tmp_path, pai, monkeypatch):
    m = _meeting(tmp_path, pai, n=2)

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("bcr_tui.storage.store.prepare_durably", full)
    outcome = m.rate(1)
    assert not outcome.saved and m.unsaved and "disk is full" in (m.save_error or "")
    assert load_session(m.store.path).answers == {}
    assert not m.retry().saved
    monkeypatch.undo()
    assert m.retry().saved and not m.unsaved
    assert load_session(m.store.path).answers == {"p01": {"trust-1": "maintain"}}
    m.store.close()


def test_a_file_changed_by_another_program_is_not_overwritten(tmp_path, pai):
    m = _meeting(tmp_path, pai, n=2)
    m.rate(1)
    other = m.store.path.read_text("utf-8").replace(
        'title = "Whole meeting"', 'title = "Edited elsewhere"'
    )
    m.store.path.write_text(other, "utf-8")
    os.utime(m.store.path, ns=(1, 1))
    outcome = m.rate(2)
    assert not outcome.saved and "changed by another program" in (m.save_error or "")
    assert load_session(m.store.path).title == "Edited elsewhere"
    assert m.save_anyway().saved
    assert load_session(m.store.path).answers["p02"] == {"trust-1": "immediate"}
    m.store.close()


def test_keys_that_do_nothing_say_so_and_change_nothing(tmp_path, pai):
    m = _meeting(tmp_path, pai, n=0, mode="group")
    before = m.store.path.read_bytes()
    assert not m.rate(7).changed  # the PAI has three answers
    assert not m.toggle_absent().changed  # no one has a turn in group mode
    assert not m.undo().changed
    assert m.store.path.read_bytes() == before
    assert meeting_module.describe(pai.items[0], "abstain") == "abstains"
    m.store.close()
