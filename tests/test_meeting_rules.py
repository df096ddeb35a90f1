"""Meeting rules from a first real meeting (issue 16), without the UI: progress after a late
arrival, the roster as typed, renaming and removing participants, action steps."""

from __future__ import annotations

from bcr_tui.meeting import Meeting
from bcr_tui.session import new_session
from bcr_tui.store import SessionStore, load_session


def _meeting(tmp_path, instrument, people=3, **options) -> Meeting:
    names = [(f"Person {k}", None) for k in range(1, people + 1)]
    session = new_session(instrument, "Rules", names, **options)
    return Meeting(SessionStore.create(tmp_path / "m.toml", session))


def test_progress_is_complete_when_everyone_present_is_done_after_a_late_arrival(tmp_path, pai):
    m = _meeting(tmp_path, pai)
    for _ in range(3 * 10):  # ten items, everyone
        m.rate(1)
    m.add_participant("Late Comer")
    while m.rater is not None:
        m.rate(2)
    on_disk = load_session(m.store.path)
    assert on_disk.answered_count() == on_disk.expected() == 3 * 31 + 21
    m.store.close()


def test_a_late_arrival_in_participant_major_is_asked_every_item(tmp_path, pai):
    m = _meeting(tmp_path, pai, order="participant-major")
    for _ in range(31):
        m.rate(1)
    m.add_participant("Late Comer")
    assert m.session.expected() == 4 * 31
    m.store.close()
