"""Disk faults while a meeting runs: the real app (Pilot) and the Meeting driver must never claim a
rating is saved when it is not, must keep every answer in memory, and must save them all once the
disk lets them. Also: files changed or deleted by another program, stale and live locks.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from readback import saved, widget_text

from bcr_tui.driver import Meeting
from bcr_tui.errors import SessionLockedError
from bcr_tui.storage.store import STALE_UNREADABLE_LOCK_S, SessionStore

TIMEOUT = 20.0


def leftovers(folder: Path) -> list[str]:
    """Temporary files a save left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def raising(err: int, text: str):
    def fail(*_args, **_kwargs):
        raise OSError(err, text)

    return fail


def assert_not_saved_shown(app, phrase: str) -> None:
    status = widget_text(app, "#save-status")
    assert "NOT SAVED" in status
    assert "all saved" not in status
    warning = app.screen.query_one("#save-warning")
    assert warning.display, "the NOT SAVED warning is hidden"
    assert phrase in str(warning.render())
    flash = widget_text(app, "#flash")
    assert "— saved" not in flash and "NOT SAVED" in flash


# --------------------------------------------------------------------------- the disk refuses


@pytest.mark.parametrize(
    ("err", "phrase"),
    [
        (errno.EROFS, "read-only"),  # a read-only folder (root ignores chmod, so: simulated)
        (errno.EACCES, "read-only or not yours"),
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk is full"),
        (errno.EIO, "could not be saved"),
    ],
)
async def test_a_refused_save_is_shown_kept_and_retried(
    tmp_path, monkeypatch, err, phrase, write_session, running
):
    import bcr_tui.storage.store as store_module

    path = write_session(tmp_path)
    before = path.read_bytes()
    async with running(path, size=(100, 30)) as (app, pilot):
        monkeypatch.setattr(store_module, "prepare_durably", raising(err, os.strerror(err)))
        await pilot.press("1", "2")
        await pilot.pause()
        assert path.read_bytes() == before  # the file on disk is untouched …
        assert_not_saved_shown(app, phrase)  # … and the screen says so
        meeting = app.screen.meeting
        assert meeting.unsaved
        assert meeting.session.answers == {
            "p01": {"trust-1": "maintain"},
            "p02": {"trust-1": "immediate"},
        }
        app.screen._retry_save()  # the 5-second timer: still refused, still shown
        await pilot.pause()
        assert_not_saved_shown(app, phrase)
        monkeypatch.undo()  # the disk is back
        app.screen._retry_save()
        await pilot.pause()
        on_disk = saved(path)
        assert on_disk.answers == {"p01": {"trust-1": "maintain"}, "p02": {"trust-1": "immediate"}}
        assert [e.op for e in on_disk.log] == ["set", "set"]
        assert "✓ all saved" in widget_text(app, "#save-status")
        assert not app.screen.query_one("#save-warning").display
    assert leftovers(tmp_path) == []


async def test_disk_full_in_the_middle_of_a_write_leaves_the_old_file_whole(
    tmp_path, monkeypatch, write_session, running
):
    """The real write_durably, failing at its fsync: no temp file left, old file intact."""
    import bcr_tui.tomlio as tomlio

    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1")
        before = path.read_bytes()
        real_fsync = os.fsync

        def fsync(fd):
            if os.path.isfile(f"/proc/self/fd/{fd}") or not os.path.exists("/proc"):
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_fsync(fd)

        monkeypatch.setattr(tomlio.os, "fsync", fsync)
        await pilot.press("2", "3")
        await pilot.pause()
        assert path.read_bytes() == before
        assert leftovers(tmp_path) == []
        assert_not_saved_shown(app, "the disk is full")
        monkeypatch.undo()
        await pilot.press("1")  # the next change saves everything held in memory
        await pilot.pause()
        assert saved(path).answers == {
            "p01": {"trust-1": "maintain", "trust-2": "maintain"},
            "p02": {"trust-1": "immediate"},
            "p03": {"trust-1": "future"},
        }
        assert "✓ all saved" in widget_text(app, "#save-status")
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0,
    reason="root writes to read-only folders anyway (simulated above)",
)
def test_a_really_read_only_folder(tmp_path, write_session, opened):
    path = write_session(tmp_path)
    with opened(path) as store:
        meeting = Meeting(store)
        tmp_path.chmod(0o500)
        try:
            outcome = meeting.rate(1)
            assert not outcome.saved and meeting.unsaved
            assert "read-only" in (meeting.save_error or "")
        finally:
            tmp_path.chmod(0o700)
        assert meeting.retry().saved
        assert saved(path).answers == {"p01": {"trust-1": "maintain"}}


# --------------------------------------------------------------------------- other programs


async def test_a_deleted_session_file_is_written_again_with_everything(
    tmp_path, write_session, running
):
    """Another program deletes the file mid-meeting. Nothing can be overwritten, so the next
    save writes the whole state back (answers, log, cursor), 0600."""
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1")
        assert saved(path).answers == {"p01": {"trust-1": "maintain"}}
        path.unlink()
        await pilot.press("2", "3")
        await pilot.pause()
        on_disk = saved(path)
        assert on_disk.answers == {
            "p01": {"trust-1": "maintain"},
            "p02": {"trust-1": "immediate"},
            "p03": {"trust-1": "future"},
        }
        assert [e.op for e in on_disk.log] == ["set", "set", "set"]
        assert (on_disk.cursor.item, on_disk.cursor.who) == ("trust-2", "p01")
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert not app.screen.meeting.unsaved
    assert leftovers(tmp_path) == []


async def test_a_file_edited_by_another_program_is_never_overwritten_silently(
    tmp_path, write_session, running
):
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1")
        edited = path.read_text("utf-8").replace(
            'title = "Test session"', 'title = "Renamed by someone else"'
        )
        time.sleep(0.01)
        path.write_text(edited, "utf-8")
        await pilot.press("2")
        await pilot.pause()
        assert path.read_text("utf-8") == edited  # their edit is still there
        assert_not_saved_shown(app, "changed by another program")
        await pilot.press("3")  # later keys are refused too, and kept
        app.screen._retry_save()
        await pilot.pause()
        assert path.read_text("utf-8") == edited
        meeting = app.screen.meeting
        assert meeting.session.answer("p03", "trust-1") == "future"
        assert "Press ctrl+s" in str(app.screen.query_one("#save-warning").render())
        await pilot.press("ctrl+s")  # the facilitator decides: bcr's answers win
        assert not meeting.unsaved
        on_disk = saved(path)
        assert on_disk.title == "Test session"
        assert on_disk.answers == {
            "p01": {"trust-1": "maintain"},
            "p02": {"trust-1": "immediate"},
            "p03": {"trust-1": "future"},
        }
        await pilot.press("1")  # and from here on ordinary saves work again
        assert saved(path).answer("p01", "trust-2") == "maintain"


def test_meeting_driver_outside_edit_then_save_anyway(tmp_path, write_session, opened):
    path = write_session(tmp_path)
    with opened(path) as store:
        meeting = Meeting(store)
        assert meeting.rate(1).saved
        path.write_text(path.read_text("utf-8") + "\n# a comment from another editor\n", "utf-8")
        outcome = meeting.rate(2)
        assert not outcome.saved and outcome.changed and meeting.unsaved
        assert "another program" in (meeting.save_error or "")
        assert not meeting.retry().saved
        assert "# a comment from another editor" in path.read_text("utf-8")
        assert meeting.save_anyway().saved
        assert saved(path).answers == {
            "p01": {"trust-1": "maintain"},
            "p02": {"trust-1": "immediate"},
        }


# --------------------------------------------------------------------------- locks


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _write_lock(path: Path, pid: int | str, host: str | None = None) -> Path:
    lock = path.with_name(f".{path.name}.lock")
    lock.write_text(
        f'pid = {pid}\nhost = "{host or socket.gethostname()}"\nuser = "someone"\n'
        f'since = "2026-11-23 18:00"\n',
        "utf-8",
    )
    return lock


def test_a_stale_lock_after_a_crash_is_taken_over(tmp_path, write_session, opened):
    path = write_session(tmp_path)
    lock = _write_lock(path, _dead_pid())
    with opened(path):
        assert f"pid = {os.getpid()}" in lock.read_text("utf-8")
        assert oct(lock.stat().st_mode & 0o777) == "0o600"
    assert not lock.exists()


def test_an_unreadable_lock_is_taken_over_only_once_old(tmp_path, write_session, opened):
    path = write_session(tmp_path)
    lock = path.with_name(f".{path.name}.lock")
    lock.write_text("garbage\n", "utf-8")
    with pytest.raises(SessionLockedError, match="starting up"):
        SessionStore.open(path)
    old = time.time() - STALE_UNREADABLE_LOCK_S - 5
    os.utime(lock, (old, old))
    with opened(path):
        assert f"pid = {os.getpid()}" in lock.read_text("utf-8")


def test_a_lock_from_another_host_is_respected(tmp_path, write_session):
    """bcr cannot tell whether a process on another machine is alive: it must not take over."""
    path = write_session(tmp_path)
    _write_lock(path, _dead_pid(), host="some-other-laptop")
    with pytest.raises(SessionLockedError, match="some-other-laptop"):
        SessionStore.open(path)


def test_the_real_app_takes_over_a_stale_lock(tmp_path, write_session):
    from ptyapp import PtyApp

    path = write_session(tmp_path)
    lock = _write_lock(path, _dead_pid())
    app = PtyApp(
        [sys.executable, "-m", "bcr_tui", "open", str(path)], cols=100, rows=30, cwd=str(tmp_path)
    )
    try:
        app.read_until(b"Turn:", TIMEOUT)
        assert f"pid = {app.pid}" in lock.read_text("utf-8")
        start = len(app.output)
        app.send(b"1")
        app.read_until("— saved".encode(), TIMEOUT, start)
        app.send(b"\x11")  # ctrl+q
        assert app.wait(TIMEOUT) == 0
    finally:
        app.close()
    assert not lock.exists()
    assert saved(path).answers == {"p01": {"trust-1": "maintain"}}


def test_a_second_bcr_open_is_refused_naming_the_holder(tmp_path, run_bcr, write_session):
    from ptyapp import PtyApp

    path = write_session(tmp_path)
    first = PtyApp(
        [sys.executable, "-m", "bcr_tui", "open", str(path)], cols=100, rows=30, cwd=str(tmp_path)
    )
    try:
        first.read_until(b"Turn:", TIMEOUT)
        before = path.read_bytes()
        second = run_bcr("open", path, cwd=tmp_path)
        assert second.returncode == 2
        lines = second.stderr.splitlines()
        assert len(lines) == 1, second.stderr
        assert "Traceback" not in second.stderr and second.stdout == ""
        line = lines[0]
        assert str(path) in line and "is open in another bcr" in line
        assert f"process {first.pid}" in line and socket.gethostname() in line
        assert path.read_bytes() == before
        # The first one is unharmed: it still records and saves.
        start = len(first.output)
        first.send(b"2")
        first.read_until("— saved".encode(), TIMEOUT, start)
        assert saved(path).answers == {"p01": {"trust-1": "immediate"}}
    finally:
        first.close()
