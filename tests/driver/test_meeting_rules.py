"""Meeting rules from a first real meeting (issue 16), without the UI: progress after a late
arrival, the roster as typed, renaming and removing participants, action steps."""

from __future__ import annotations

from bcr_tui.driver import Meeting
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore, load_session


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


def test_a_roster_mixing_commas_and_organizations_is_one_person_per_comma(tmp_path, run_bcr):
    from bcr_tui.session.roster import parse_roster, read_roster

    three = [("Ana Ruiz", "FRC"), ("Ben Carter", None), ("Chen Li", None)]
    assert parse_roster("Ana Ruiz | FRC, Ben Carter, Chen Li") == three
    roster = tmp_path / "people.txt"
    roster.write_text("# the room\nAna Ruiz | FRC, Ben Carter\n\nChen Li\n", "utf-8")
    assert read_roster(roster) == three
    result = run_bcr(
        "new",
        "pai",
        "--title",
        "T",
        "--participants",
        "Ana Ruiz | FRC, Ben Carter, Chen Li",
        "--no-open",
        "--sessions-dir",
        tmp_path / "s",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    on_disk = load_session(result.stdout.strip())
    assert [(p.name, p.organization) for p in on_disk.participants] == three


def test_a_name_is_corrected_and_a_participant_removed_through_the_log(tmp_path, pai):
    m = _meeting(tmp_path, pai)
    m.rate(1)  # Person 1 has an answer: not removable
    assert m.rename_participant("p02", "Ben Carter | FRC").saved
    assert not m.remove_participant("p01").changed
    assert m.remove_participant("p03").saved
    on_disk = load_session(m.store.path)
    assert [(p.id, p.name, p.organization) for p in on_disk.participants] == [
        ("p01", "Person 1", None),
        ("p02", "Ben Carter", "FRC"),
    ]
    assert [e.op for e in on_disk.log][-2:] == ["rename", "remove"]
    assert m.store.path.read_text("utf-8").count('format = "bcr-session/2"') == 1
    m.undo()
    m.undo()
    assert [p.name for p in load_session(m.store.path).participants] == [
        "Person 1",
        "Person 2",
        "Person 3",
    ]
    m.redo()
    assert load_session(m.store.path).participant("p02").name == "Ben Carter"
    late = m.session.add_participant("Late")
    assert late.id == "p04"  # never a removed person's id (p03 may come back with undo)
    m.store.close()


def test_a_file_without_the_new_log_kinds_stays_format_1(tmp_path, pai):
    m = _meeting(tmp_path, pai)
    m.rate(1)
    m.add_participant("Late")
    assert 'format = "bcr-session/1"' in m.store.path.read_text("utf-8")
    m.store.close()


def test_action_steps_are_added_edited_deleted_and_undone(tmp_path, pai):
    from bcr_tui.session.records import Action

    m = _meeting(tmp_path, pai)
    m.add_action(Action("Hold a workshop", owner="Dana"))
    m.change_action(0, Action("Hold two workshops", owner="Dana"))
    m.add_action(Action("Share data"))
    m.change_action(1, None)
    assert [a.step for a in load_session(m.store.path).actions] == ["Hold two workshops"]
    assert m.undo().message == "Undone: the action step “Share data”"
    m.undo()
    m.undo()
    assert [a.step for a in load_session(m.store.path).actions] == ["Hold a workshop"]
    m.redo()
    assert [(a.step, a.owner) for a in load_session(m.store.path).actions] == [
        ("Hold two workshops", "Dana")
    ]
    m.store.close()
