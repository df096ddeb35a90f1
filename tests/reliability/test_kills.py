"""Kill -9 the real app (on a pseudo-terminal) while it records ratings; nothing acknowledged on
screen may be missing from the file, the file must load and its log must agree with it, and the
next start must take the stale lock over and resume at the turn the file records.

The harness is `benchmarks/kill.py` (run it with `--runs 500` for the long version).
"""

from __future__ import annotations

import sys
import textwrap

import pytest

if sys.platform == "win32":  # pragma: no cover - pty and SIGKILL are POSIX
    pytest.skip("needs a POSIX pseudo-terminal", allow_module_level=True)

import kill  # benchmarks/kill.py, via conftest.py


def test_two_dozen_kills_lose_nothing_acknowledged(tmp_path):
    report = kill.run_harness(
        24, seed=2026, participants=3, items_limit=6, duration=0.5, folder=tmp_path
    )
    print(report.table())
    assert report.kills == 24
    assert report.corrupt == 0
    assert report.lost == 0
    assert report.inconsistent == 0
    assert report.divergent == 0
    assert report.resume_mismatches == 0
    assert report.start_failures == 0
    assert report.crashes == 0
    assert report.unexplained_acks == 0
    assert report.ok, report.table()
    # The runs really exercised something: keys were acknowledged, and sessions were finished
    # and replaced (6 items × 3 people), and killed processes left locks the next start took over.
    assert report.digit_acks >= 24
    assert report.files >= 2
    assert report.stale_locks >= 20


def test_the_harness_notices_a_save_that_never_reaches_the_disk(tmp_path):
    """Plant the fault the harness exists to find: the app acknowledges ratings but its saves
    are thrown away. The harness must report them as lost."""
    plant = tmp_path / "plant"
    plant.mkdir()
    (plant / "sitecustomize.py").write_text(
        textwrap.dedent("""
        import bcr_tui.storage.store as store
        store.commit_durably = lambda tmp, path: None
    """)
    )
    work = tmp_path / "work"
    report = kill.run_harness(
        2, seed=1, participants=2, duration=0.5, folder=work, app_env={"PYTHONPATH": str(plant)}
    )
    assert report.lost > 0, report.table()
    assert not report.ok


def test_acknowledgements_are_read_from_real_screen_bytes():
    raw = (
        b"\x1b[29;1H\x1b[48;5;16m     \x1b[0m\x1b[38;5;36;48;5;16m\xe2\x9c\x93 Ana Ruiz: "
        b"Currently exists / Maintain\x1b[0m\x1b[1;38;5;36;48;5;16m \xe2\x80\x94 saved\x1b[0m"
        b"\x1b[1;66H\x1b[38;5;36;48;5;16m1/93 answers   \x1b[0m\x1b[1;38;5;36;48;5;16m"
        b"\xe2\x9c\x93 all saved\x1b[0m\x1b[29;1H\xe2\x9c\x93 Ana Ruiz: Currently exists / "
        b"Maintain \xe2\x80\x94 saved"
    )
    assert kill.acknowledgements(raw) == ["Ana Ruiz: Currently exists / Maintain"]


def test_acknowledgements_match_keys_in_order_and_never_ahead(pai):
    from bcr_tui.session.state import new_session

    session = new_session(pai, "T", kill.people(2))
    replay = kill.Replay(session)
    for key in "11u12":
        replay.press(key)
    messages = [s.message for s in replay.steps]
    assert messages[0].startswith("Ana Ruiz: ") and messages[2].startswith("Undone: ")
    assert messages[1] == messages[3]  # Ben rated, undone, rated again: the same flash twice
    matched, unexplained = kill.match_acks(replay.steps, [messages[0], messages[4]])
    assert (matched, unexplained) == ([1, 5], [])
    # A repeated message is matched to its earliest possible key: a lower bound on progress.
    assert kill.match_acks(replay.steps, [messages[3]]) == ([2], [])
    matched, unexplained = kill.match_acks(replay.steps, ["Nobody: Maintain"])
    assert unexplained == ["Nobody: Maintain"]


def test_replaying_a_log_finds_an_inconsistency(pai):

    from bcr_tui.session.state import new_session

    session = new_session(pai, "T", kill.people(2))
    session.record("p01", "trust-1", "maintain")
    session.record("p02", "trust-1", "future")
    session.undo()
    assert kill.replay_log(session) == ({"p01": {"trust-1": "maintain"}}, [])
    session.log[0] = session.log[0]._replace(new="immediate")
    _, problems = kill.replay_log(session)
    assert problems


def test_the_harness_notices_a_wrong_resume(tmp_path, pai):
    """The resume check compares the first frame with the file: told the file says it is Ben's
    turn on item 1 while the app (rightly) shows Ana's, it must report a mismatch."""
    path = kill.create_session(tmp_path, 1, 0, pai, 2)
    session = kill.load_session(path)
    session.cursor.who = "p02"
    report = kill.Report()
    app = kill._start(path)
    try:
        assert kill._check_resume(1, app, session, report)
    finally:
        app.close()
    assert report.resume_mismatches == 1, report.failures
    assert "'Ana Ruiz', item 1 of 31" in report.failures[0]
