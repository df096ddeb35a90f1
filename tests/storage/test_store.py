"""Session files on disk: round trips, stable rendering, durable saves, the lock, listing."""

from __future__ import annotations

import dataclasses
import errno
import os
import socket
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcr_tui import tomlio
from bcr_tui.errors import SaveError, SessionFileError, SessionLockedError
from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.session.records import GROUP, Action, Cursor
from bcr_tui.session.state import Session, new_session
from bcr_tui.storage import fastread, parse
from bcr_tui.storage.render import Renderer, render
from bcr_tui.storage.store import SessionStore, list_sessions, load_session, new_path

#: Every field of a Session (answers, tally, notes, actions, participants, log, cursor, revealed,
#: the instrument …): a field added later is covered too.
FIELDS = tuple(f.name for f in dataclasses.fields(Session))

ODD_PEOPLE = [
    ('Ana "Nana" O\'Neil', 'Family "Resource" Center'),
    ("Line\nbreak\tName", "Org with\nnewline"),
    ("🌵 Cactus 👩🏽‍🌾", "Café ☕ & Co"),
    ("مريم العربية", "جمعية الخير"),
    ("Back\\slash", None),
]


def _instrument(name):
    return load_instrument(find_instrument(name))


def cpat_everything():
    """Round-robin, blind: ratings, abstentions, text, profiles, notes, actions, absence, undo."""
    s = new_session(
        _instrument("cpat"),
        'Spring "check-in" \\ 2027',
        ODD_PEOPLE,
        community="Ventura County",
        blind=True,
    )
    s.record("p01", "diverse-leaders", "4")
    s.record("p02", "diverse-leaders", "2")
    s.abstain("p03", "diverse-leaders")
    s.record("p04", "diverse-leaders", "5")
    s.record("p05", "diverse-leaders", "1")
    s.reveal("diverse-leaders")
    s.record("p01", "success", 'More parents "at the table"\nand youth, too.\t✓')
    s.record("p02", "aligning-resources", "3")
    s.set_profile("p01", "identify", ["parent", "other"])
    s.set_profile("p01", "identify-other", "Grand\nparent")
    s.set_profile("p01", "tenure", "1-2-years")
    s.set_profile("p04", "sectors", ["health-care", "media"])
    s.set_note("diverse-leaders", 'Split between "many" and few.\nRevisit in May.')
    s.set_note("coming-together", "مرحبا 🌵")
    s.add_action(Action('Hold a "listening" session', "Interpreters\nchild care", "Ana", "2027-05"))
    s.add_action(Action("Share data"))
    s.set_absent("p03", True)
    s.record("p02", "define-success", "1")
    s.undo()
    s.undo()
    s.redo()
    s.add_participant("Late 'Arrival'", None)
    s.cursor = Cursor("define-success", "p02")
    return s


def coc_group():
    """Group mode with text answers, table rows and ratings."""
    s = new_session(_instrument("communities-of-care"), "Care team", community="Oxnard")
    s.record(GROUP, "step-1-why", "To keep everyone safe.")
    s.record(GROUP, "step-1-1", "yes")
    s.abstain(GROUP, "step-1-2")
    s.record(
        GROUP,
        "barriers",
        [{"barrier": "Time", "strategies": 'Shorter "meetings"'}, {"barrier": "Money"}, {}],
    )
    s.set_note("barriers", "Ask the PTA")
    s.add_action(Action("Assemble the care team", owner="Principal", due="2027-01-10"))
    s.cursor = Cursor("step-1-3", None)
    return s


def pai_tally():
    """Tally mode: counted hands per point."""
    s = new_session(_instrument("pai"), "Town hall", mode="tally")
    s.set_tally("trust-1", {"maintain": 12, "immediate": 3, "abstain": 1})
    s.set_tally("trust-2", {"future": 7})
    s.set_tally("trust-2", {"future": 8, "maintain": 1})
    s.undo()
    s.cursor = Cursor("trust-3", None)
    return s


BUILDERS = [cpat_everything, coc_group, pai_tally]


def assert_same(a, b):
    assert {
        "answers",
        "tally",
        "notes",
        "actions",
        "participants",
        "log",
        "cursor",
        "revealed",
    } <= set(FIELDS)
    for name in FIELDS:
        assert getattr(a, name) == getattr(b, name), name


def _save_new(folder: Path, session) -> Path:
    store = SessionStore.create(folder / "s.toml", session)
    store.close()
    return store.path


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_round_trip_keeps_everything(tmp_path, build):
    session = build()
    path = _save_new(tmp_path, session)
    loaded = load_session(path)
    assert_same(session, loaded)
    # And again: what was loaded saves to the same bytes.
    assert render(loaded) == path.read_text("utf-8")


def test_round_trip_details(tmp_path):
    session = cpat_everything()
    loaded = load_session(_save_new(tmp_path, session))
    names = [p.name for p in loaded.participants]
    assert names[1] == "Line break Name"  # names are kept on one line
    assert names[2] == "🌵 Cactus 👩🏽‍🌾"
    assert names[3] == "مريم العربية"
    assert loaded.participants[1].organization == "Org with newline"  # one line, like names
    assert loaded.participants[2].absent is True
    assert loaded.revealed == {"diverse-leaders"}
    assert loaded.answer("p03", "diverse-leaders") == "abstain"
    # absent, set, undo, undo, redo: the absence is back, the answer can still be redone.
    assert loaded.answer("p02", "define-success") is None
    assert [e.op for e in loaded.log[-4:]] == ["undo", "undo", "redo", "join"]
    done, undone = loaded.stacks()
    assert [(e.op, e.item) for e in undone] == [("set", "define-success")]
    assert loaded.redo().item == "define-success"  # the redo stack survived the reopen
    assert loaded.answer("p02", "define-success") == "1"


def test_saved_file_is_private(tmp_path):
    store = SessionStore.create(tmp_path / "s.toml", pai_tally())
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    store.session.set_tally("trust-3", {"maintain": 1})
    store.save()
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    store.close()


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_rendering_is_stable(build):
    session = build()
    first = render(session).encode("utf-8")
    assert render(session).encode("utf-8") == first
    renderer = Renderer()
    assert renderer.render(session).encode("utf-8") == first
    assert renderer.render(session).encode("utf-8") == first  # cached parts give the same bytes


def test_cached_renderer_matches_a_fresh_render_after_each_change(pai):
    s = new_session(pai, "T", [("A", None), ("B", None)])
    renderer = Renderer()
    for n, item in enumerate(s.items[:5]):
        s.record("p01", item.id, "maintain")
        assert renderer.render(s) == render(s)
        if n % 2:
            s.undo()
            assert renderer.render(s) == render(s)
        s.set_absent("p02", bool(n % 2))
        assert renderer.render(s) == render(s)


@pytest.mark.parametrize("cached", [1, 2, 3, 5])
def test_cached_renderer_notices_a_replaced_log(pai, cached):
    s = new_session(pai, "T", [("A", None)])
    for item in s.items[:cached]:
        s.record("p01", item.id, "maintain")
    renderer = Renderer()
    renderer.render(s)
    # A new log, of different entries (e.g. the demo's fixed clock), longer than the old one.
    fresh = new_session(pai, "T", [("A", None)])
    for item in s.items[:8]:
        fresh.record("p01", item.id, "future")
    s.log = list(fresh.log)
    assert renderer.render(s) == render(s)


def test_rendering_is_ordered(pai):
    s = new_session(pai, "T", [("Zed", None), ("Amy", None), ("Max", None)])
    last, first = s.items[-1].id, s.items[0].id
    s.record("p03", last, "future")
    s.record("p03", first, "maintain")
    s.record("p01", last, "immediate")
    s.record("p02", "trust-3", "maintain")
    text = render(s)
    # Participants in roster order, not by name; ratings tables in roster order.
    positions = [text.index(f'name = "{n}"') for n in ("Zed", "Amy", "Max")]
    assert positions == sorted(positions)
    tables = [text.index(f"[ratings.{p}]") for p in ("p01", "p02", "p03")]
    assert tables == sorted(tables)
    # Items in instrument order within a table.
    p03 = text[text.index("[ratings.p03]") :]
    assert p03.index(f"{first} = ") < p03.index(f"{last} = ")
    # The parts of the file in the documented order.
    parts = ["format = ", "[cursor]", "[[participants]]", "[ratings.", "[instrument]", "[[log]]"]
    at = [text.index(p) for p in parts]
    assert at == sorted(at)


def test_same_state_renders_the_same_bytes_whatever_the_order_of_changes(pai):
    def build(reverse: bool):
        s = new_session(pai, "T", [("A", None), ("B", None)], mode="round-robin")
        s.id, s.created = "fixed", datetime(2026, 1, 1, tzinfo=UTC)
        counts = [("maintain", 4), ("immediate", 2), ("future", 1), ("abstain", 1)]
        answers = [
            ("p01", "trust-1", "maintain"),
            ("p02", "trust-2", "future"),
            ("p01", "trust-3", "immediate"),
        ]
        notes = [("trust-1", "one"), ("trust", "domain")]
        if reverse:
            counts, answers, notes = counts[::-1], answers[::-1], notes[::-1]
        s.tally["trust-1"] = dict(counts)
        for who, item, value in answers:
            s.record(who, item, value)
        for target, text in notes:
            s.set_note(target, text)
        s.revealed = {"trust-2", "trust-1"} if reverse else {"trust-1", "trust-2"}
        s.log.clear()
        return s

    a, b = build(False), build(True)
    assert (a.tally, a.answers, a.notes) == (b.tally, b.answers, b.notes)
    assert render(a) == render(b)
    text = render(a)
    # Tally counts in the scale's display order.
    tally = text[text.index("[tally.trust-1]") :]
    assert tally.index("maintain = 4") < tally.index("immediate = 2") < tally.index("future = 1")


# --------------------------------------------------------------------------- durability


def test_failed_replace_keeps_the_previous_file(tmp_path, monkeypatch):
    store = SessionStore.create(tmp_path / "s.toml", pai_tally())
    before = store.path.read_bytes()
    store.session.set_tally("trust-5", {"future": 2})

    def boom(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as m:
        m.setattr(tomlio.os, "replace", boom)
        with pytest.raises(SaveError) as info:
            store.save()
    assert str(store.path) in str(info.value)
    assert "could not be saved" in str(info.value)
    assert store.path.read_bytes() == before
    assert "trust-5" not in load_session(store.path).tally
    assert _no_temp_files(tmp_path)
    # The change is still in memory: the next save writes it.
    store.save()
    assert load_session(store.path).tally["trust-5"] == {"future": 2}
    store.close()


def test_failed_fsync_keeps_the_previous_file(tmp_path, monkeypatch):
    store = SessionStore.create(tmp_path / "s.toml", pai_tally())
    before = store.path.read_bytes()
    store.session.set_tally("trust-5", {"future": 2})
    with monkeypatch.context() as m:
        m.setattr(tomlio.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "EIO")))
        with pytest.raises(SaveError):
            store.save()
    assert store.path.read_bytes() == before
    assert _no_temp_files(tmp_path)
    store.close()


class _FullDisk:
    """A file whose writes fail as on a full disk."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def fileno(self):
        return self.handle.fileno()

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self):
        self.handle.flush()


def test_full_disk_says_so(tmp_path, monkeypatch):
    store = SessionStore.create(tmp_path / "s.toml", pai_tally())
    before = store.path.read_bytes()
    store.session.set_tally("trust-5", {"future": 2})
    real_fdopen = os.fdopen
    with monkeypatch.context() as m:
        m.setattr(tomlio.os, "fdopen", lambda fd, *a, **k: _FullDisk(real_fdopen(fd, *a, **k)))
        with pytest.raises(SaveError) as info:
            store.save()
    assert str(info.value) == f"{store.path}: could not be saved: the disk is full"
    assert store.path.read_bytes() == before
    assert _no_temp_files(tmp_path)
    store.close()


def test_file_changed_by_another_program_is_not_overwritten(tmp_path):
    store = SessionStore.create(tmp_path / "s.toml", pai_tally())
    theirs = store.path.read_text("utf-8").replace('title = "Town hall"', 'title = "Edited"')
    store.path.write_text(theirs, "utf-8")
    assert store.changed_outside()
    store.session.set_tally("trust-5", {"future": 2})
    with pytest.raises(SaveError, match="changed by another program"):
        store.save()
    assert store.path.read_text("utf-8") == theirs
    store.save(force=True)
    loaded = load_session(store.path)
    assert loaded.title == "Town hall" and loaded.tally["trust-5"] == {"future": 2}
    assert not store.changed_outside()
    store.session.set_tally("shared-values-1", {"future": 1})
    store.save()  # our own last save is not "another program"
    store.close()


def test_create_never_overwrites(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("precious", "utf-8")
    with pytest.raises(SaveError, match="already exists"):
        SessionStore.create(path, pai_tally())
    assert path.read_text("utf-8") == "precious"
    assert not (tmp_path / ".s.toml.lock").exists()


# --------------------------------------------------------------------------- the lock


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def test_second_open_is_refused_naming_the_holder(tmp_path):
    store = SessionStore.create(tmp_path / "s.toml", pai_tally())
    assert _lock_path(store.path).exists()
    with pytest.raises(SessionLockedError) as info:
        SessionStore.open(store.path)
    message = str(info.value)
    assert f"process {os.getpid()}" in message
    assert socket.gethostname().replace('"', "") in message
    store.close()
    assert not _lock_path(store.path).exists()
    again = SessionStore.open(store.path)
    assert again.session.title == "Town hall"
    again.close()


def test_open_without_lock_leaves_no_lock(tmp_path):
    path = _save_new(tmp_path, pai_tally())
    store = SessionStore.open(path, lock=False)
    assert not _lock_path(path).exists()
    store.close()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _write_lock(path: Path, pid: int, host: str) -> None:
    _lock_path(path).write_text(
        f'pid = {pid}\nhost = "{host}"\nuser = "someone"\nsince = "2026-11-23 10:00"\n', "utf-8"
    )


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    path = _save_new(tmp_path, pai_tally())
    _write_lock(path, _dead_pid(), socket.gethostname().replace('"', ""))
    store = SessionStore.open(path)
    assert f"pid = {os.getpid()}\n" in _lock_path(path).read_text("utf-8")
    store.close()
    assert not _lock_path(path).exists()


def test_lock_held_on_another_host_is_respected(tmp_path):
    path = _save_new(tmp_path, pai_tally())
    _write_lock(path, _dead_pid(), "some-other-host.example")
    with pytest.raises(SessionLockedError, match="some-other-host.example"):
        SessionStore.open(path)
    assert "some-other-host.example" in _lock_path(path).read_text("utf-8")


def test_unreadable_lock_is_respected_while_fresh_and_taken_over_when_old(tmp_path):
    path = _save_new(tmp_path, pai_tally())
    _lock_path(path).write_text("garbage", "utf-8")
    with pytest.raises(SessionLockedError):
        SessionStore.open(path)
    old = datetime(2020, 1, 1).timestamp()
    os.utime(_lock_path(path), (old, old))
    store = SessionStore.open(path)
    store.close()


# --------------------------------------------------------------------------- bad files


def test_newer_format_is_refused(tmp_path):
    path = _save_new(tmp_path, pai_tally())
    text = path.read_text("utf-8").replace('format = "bcr-session/1"', 'format = "bcr-session/9"')
    path.write_text(text, "utf-8")
    with pytest.raises(SessionFileError) as info:
        SessionStore.open(path)
    assert "newer bcr" in str(info.value)
    assert str(info.value).startswith(f"{path}: ")
    assert path.read_text("utf-8") == text
    assert not _lock_path(path).exists()


FOREIGN = '[tool.poetry]\nname = "not-a-session"\nversion = "1.0"\n'
DAMAGED = 'format = "bcr-session/1"\ntitle = "Half a file\n[ratings.p01\n'


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (FOREIGN, "is not a bcr session file"),
        (DAMAGED, "is not valid TOML"),
        ('format = "bcr-session/1"\ntitle = "No instrument"\n', "damaged at instrument: missing"),
        ('format = "pyproject"\n', "is not a bcr session file (its format is 'pyproject')"),
    ],
    ids=["foreign", "broken-toml", "no-instrument", "other-format"],
)
def test_foreign_and_damaged_files_are_refused_and_never_modified(tmp_path, content, expected):
    path = tmp_path / "s.toml"
    path.write_text(content, "utf-8")
    before = path.read_bytes()
    with pytest.raises(SessionFileError) as info:
        SessionStore.open(path)
    assert expected in str(info.value)
    assert str(info.value).startswith(f"{path}: ")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


def test_damaged_answers_are_named_by_key(tmp_path):
    path = _save_new(tmp_path, cpat_everything())
    text = path.read_text("utf-8").replace('diverse-leaders = "4"', 'diverse-leaders = "9"')
    path.write_text(text, "utf-8")
    with pytest.raises(SessionFileError, match=r"ratings\.p01\.diverse-leaders"):
        load_session(path)


def test_invalid_multichoice_profile_in_a_file_is_a_session_error(tmp_path):
    path = _save_new(tmp_path, cpat_everything())
    text = path.read_text("utf-8")
    text = text.replace('identify = ["parent", "other"]', 'identify = [["parent"], { a = 1 }]')
    assert "identify = [[" in text
    path.write_text(text, "utf-8")
    with pytest.raises(SessionFileError, match=r"participants\[0\]\.profile\.identify"):
        load_session(path)


# --------------------------------------------------------------------------- folders


def test_list_sessions_reads_each_files_head_not_its_log(tmp_path, monkeypatch):
    """What the home screen and `bcr list` show comes from the answers: thirty sessions with
    long change logs are listed without decoding one log."""
    pai = load_instrument(find_instrument("pai"))
    for n in range(30):
        session = new_session(pai, f"Session {n:02d}", [("Ana", None), ("Ben", None)])
        for _ in range(n + 1):  # a log longer than the answers: changes of mind, undone
            for item in pai.rating_items:
                session.record("p01", item.id, "maintain")
            session.undo()
        SessionStore.create(tmp_path / f"s{n:02d}.toml", session).close()

    def no_log(*args, **kwargs):
        raise AssertionError("a change log was decoded to list a folder")

    monkeypatch.setattr(fastread, "read_log", no_log)
    rows = list_sessions(tmp_path)
    assert sorted(r.title for r in rows) == [f"Session {n:02d}" for n in range(30)]
    assert {(r.answered, r.expected, r.problem) for r in rows} == {(30, 62, None)}


def test_list_sessions_reports_problems_instead_of_raising(tmp_path):
    older = pai_tally()
    older.created = datetime(2025, 1, 1, tzinfo=UTC)
    SessionStore.create(tmp_path / "a-older.toml", older).close()
    newer = coc_group()
    newer.created = datetime(2026, 6, 1, tzinfo=UTC)
    SessionStore.create(tmp_path / "b-newer.toml", newer).close()
    (tmp_path / "c-damaged.toml").write_text(DAMAGED, "utf-8")
    (tmp_path / "d-foreign.toml").write_text(FOREIGN, "utf-8")
    (tmp_path / "notes.txt").write_text("not a toml file", "utf-8")
    rows = list_sessions(tmp_path)
    assert [r.path.name for r in rows] == [
        "b-newer.toml",
        "a-older.toml",
        "c-damaged.toml",
        "d-foreign.toml",
    ]
    good = {r.path.name: r for r in rows if r.problem is None}
    assert good["b-newer.toml"].title == "Care team"
    assert good["b-newer.toml"].community == "Oxnard"
    assert (good["a-older.toml"].answered, good["a-older.toml"].expected) == (2, 31)
    assert good["a-older.toml"].instrument == "PAI"
    bad = {r.path.name: r.problem for r in rows if r.problem}
    assert "is not valid TOML" in bad["c-damaged.toml"]
    assert "is not a bcr session file" in bad["d-foreign.toml"]


def test_new_path_never_reuses_a_name(tmp_path):
    when = datetime(2026, 11, 23, 18, 2, tzinfo=UTC)
    first = new_path(tmp_path, "Fall check-in!", when)
    assert first == tmp_path / "2026-11-23-fall-check-in.toml"
    first.write_text("x", "utf-8")
    second = new_path(tmp_path, "Fall check-in!", when)
    assert second == tmp_path / "2026-11-23-fall-check-in-2.toml"
    second.write_text("x", "utf-8")
    assert new_path(tmp_path, "fall  CHECK in", when).name == "2026-11-23-fall-check-in-3.toml"
    assert new_path(tmp_path, "¡¿!!", when).name == "2026-11-23-session.toml"
    assert len(new_path(tmp_path, "x" * 300, when).stem) == len("2026-11-23-") + 48


def test_create_makes_the_folder(tmp_path):
    folder = tmp_path / "deep" / "sessions"
    store = SessionStore.create(folder / "s.toml", pai_tally())
    store.close()
    assert load_session(folder / "s.toml").mode == "tally"


def test_sessionfile_parse_rejects_unknown_top_level_keys(tmp_path):
    path = _save_new(tmp_path, pai_tally())
    path.write_text("extra = 1\n" + path.read_text("utf-8"), "utf-8")
    with pytest.raises(SessionFileError, match="extra: unknown key"):
        load_session(path)
    with pytest.raises(SessionFileError):
        parse.parse([], path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["record", "abstain", "undo", "redo"]),
            st.integers(0, 2),  # who
            st.integers(0, 5),  # which item
            st.sampled_from(["maintain", "immediate", "future"]),
        ),
        max_size=40,
    )
)
def test_cached_renderer_matches_a_fresh_render_through_any_changes(pai, steps):
    """The renderer keeps each rater's table line by line (a phone burst changes one line in
    each of many tables): after any record, abstain, undo and redo, rendered ahead or not, it
    writes what a fresh one does."""
    s = new_session(pai, "T", [("A", None), ("B", None), ("C", None)])
    renderer = Renderer()
    for op, who, item, value in steps:
        pid, item_id = f"p0{who + 1}", s.items[item].id
        if op == "record":
            s.record(pid, item_id, value)
        elif op == "abstain":
            s.abstain(pid, item_id)
        elif op == "undo":
            s.undo()
        else:
            s.redo()
        if who == 0:  # phone votes are rendered ahead as they arrive (`warm`), then saved
            renderer.warm(s)
        elif who == 1:  # … the voters of the moment only
            renderer.warm(s, [pid, "p09"])  # (no such rater: nothing to render)
        assert renderer.render(s) == render(s)
        assert renderer.render_bytes(s) == render(s).encode("utf-8")
