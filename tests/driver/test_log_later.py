"""`bcr open` reads a session's change log after the meeting's first frame (`log_later`): the
log read later is the log read at once, nothing saved or undone in between loses any of it, and a
damaged log still stops bcr with one sentence before anything is written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bcr_tui.driver import Meeting
from bcr_tui.errors import SaveError
from bcr_tui.storage.render import render
from bcr_tui.storage.store import SessionStore, load_session

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_the_log_read_later_is_the_log_read_at_once(demo_file):
    on_file = load_session(demo_file).log
    store = SessionStore.open(demo_file, log_later=True)
    try:
        assert store.session.log == []  # not read yet: the first frame does not need it
        store.read_log()
        assert store.session.log == on_file and len(on_file) > 100
        store.read_log()  # a second call changes nothing
        assert store.session.log == on_file
    finally:
        store.close()


def test_a_rating_before_the_log_is_read_is_saved_after_the_whole_log(demo_file):
    written = demo_file.read_text("utf-8")
    on_file = load_session(demo_file).log
    store = SessionStore.open(demo_file, log_later=True)
    try:
        person = store.session.participants[0].id
        item = store.session.items[0].id
        store.session.record(person, item, "future")
        store.save()  # reads the log first
        saved = load_session(demo_file)
        assert saved.log[:-1] == on_file
        assert (saved.log[-1].who, saved.log[-1].item, saved.log[-1].new) == (
            person,
            item,
            "future",
        )
        assert demo_file.read_text("utf-8") == render(store.session)
        assert demo_file.read_text("utf-8").startswith(written[: written.index("[ratings.")])
    finally:
        store.close()


def test_undo_right_after_opening_undoes_the_last_change_on_file(demo_file):
    last = load_session(demo_file).log[-1]
    store = SessionStore.open(demo_file, log_later=True)
    try:
        outcome = Meeting(store).undo()
        assert outcome.saved and outcome.entry == last
        assert load_session(demo_file).answer(last.who, last.item) == last.old
    finally:
        store.close()


def test_a_hand_edited_log_is_read_by_the_full_parse(demo_file):
    text = demo_file.read_text("utf-8")
    cut = text.rindex('op = "')
    demo_file.write_text(text[:cut] + 'op   =   "' + text[cut + len('op = "') :], "utf-8")
    expected = load_session(demo_file).log
    store = SessionStore.open(demo_file, log_later=True)
    try:
        store.read_log()
        assert store.session.log == expected
    finally:
        store.close()


def _damage_the_log(path: Path) -> str:
    text = path.read_text("utf-8")
    cut = text.rindex('op = "')
    damaged = text[:cut] + 'op = "explode"\n' + text[text.index("\n", cut) + 1 :]
    path.write_text(damaged, "utf-8")
    return damaged


def test_a_damaged_log_is_never_saved_over(demo_file):
    damaged = _damage_the_log(demo_file)
    store = SessionStore.open(demo_file, log_later=True)  # the head is fine: it opens
    try:
        with pytest.raises(SaveError, match="unknown operation 'explode'"):
            store.save()
        assert "Cannot undo" in Meeting(store).undo().message
        assert demo_file.read_text("utf-8") == damaged
    finally:
        store.close()


def test_bcr_open_of_a_damaged_log_ends_with_one_sentence(demo_file):
    """The real `bcr open` in a pseudo-terminal: the meeting shows, the log is read after the
    first frame, and bcr ends with the sentence and exit code 2 that opening a damaged file
    gives; the file is as it was."""
    sys.path.insert(0, str(BENCHMARKS))
    from ptyapp import PtyApp

    damaged = _damage_the_log(demo_file)
    app = PtyApp(
        [sys.executable, "-m", "bcr_tui", "open", str(demo_file)],
        cols=100,
        rows=30,
        cwd=str(demo_file.parent),
    )
    try:
        status = app.wait(30)
    finally:
        app.close()
    assert status == 2
    assert b"log[" in app.output and b"unknown operation 'explode'" in app.output
    assert b"Traceback" not in app.output
    assert demo_file.read_text("utf-8") == damaged
