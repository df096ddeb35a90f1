"""Pilot: export, report and compare from the command palette, on real files."""

from __future__ import annotations

import threading
import zipfile
from datetime import timedelta

from textual.widgets import OptionList, Static

from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.session.state import new_session
from bcr_tui.storage import fastread
from bcr_tui.storage.store import SessionStore, load_session


async def palette(pilot, words: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*words)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


async def test_export_and_report_from_the_palette(tmp_path, write_session, running):
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1", "2", "3")
        await palette(pilot, "Export this session")
        await app.workers.wait_for_complete()
        await palette(pilot, "Write the report")
        await app.workers.wait_for_complete()
    xlsx = tmp_path / "test.xlsx"
    with zipfile.ZipFile(xlsx) as book:
        names = book.namelist()
        assert "xl/worksheets/sheet1.xml" in names and "xl/worksheets/sheet2.xml" in names
    report = (tmp_path / "test-report.html").read_text("utf-8")
    assert "Systems, Structure, and Accountability" in report and "<svg" in report
    assert xlsx.stat().st_mode & 0o777 == 0o600


async def test_compare_with_an_earlier_session_from_the_palette(
    tmp_path, write_session, opened, app_for
):
    earlier_path = write_session(tmp_path)
    with opened(earlier_path) as store:  # last year: Trust-1 split down the middle
        s = store.session
        s.created -= timedelta(days=365)
        s.record("p01", "trust-1", "maintain")
        s.record("p02", "trust-1", "immediate")
        store.save()
    later = load_session(earlier_path)
    later.id, later.title = "later", "This year"
    later.created += timedelta(days=365)
    later.answers = {"p01": {"trust-1": "maintain"}, "p02": {"trust-1": "maintain"}}
    store = SessionStore.create(tmp_path / "later.toml", later)
    try:
        app = app_for(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await palette(pilot, "Compare with an earlier")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("enter")  # the only earlier session
            await pilot.pause()
            text = " ".join(str(w.render()) for w in app.screen.query(Static))
            assert "Test session" in text and "This year" in text
            assert "50%" in text and "100%" in text and "+50 points ↑" in text
    finally:
        store.close()


async def test_the_compare_picker_reads_only_heads_in_a_worker(
    tmp_path, monkeypatch, write_session, running
):
    """Twelve earlier sessions (and one of another instrument) beside this one: the picker offers
    the twelve, read off the UI thread, without decoding a change log."""
    pai = load_instrument(find_instrument("pai"))
    for n in range(12):
        earlier = new_session(pai, f"Earlier {n:02d}", [("Ana", None), ("Ben", None)])
        earlier.created -= timedelta(days=30 * (n + 1))
        earlier.record("p01", "trust-1", "maintain")
        SessionStore.create(tmp_path / f"earlier-{n:02d}.toml", earlier).close()
    other = new_session(
        load_instrument(find_instrument("levels-of-engagement")), "Other", None, mode="group"
    )
    SessionStore.create(tmp_path / "other.toml", other).close()
    path = write_session(tmp_path)
    on_main_thread = []

    def head(path):
        on_main_thread.append(threading.current_thread() is threading.main_thread())
        return real_head(path)

    def no_log(*args):
        raise AssertionError("the picker decoded a change log")

    real_head = fastread.read_session_head
    async with running(path, size=(100, 30)) as (app, pilot):
        monkeypatch.setattr(fastread, "read_session_head", head)
        monkeypatch.setattr(fastread, "read_log", no_log)
        await palette(pilot, "Compare with an earlier")
        await app.workers.wait_for_complete()
        await pilot.pause()
        pick = app.screen.query_one("#pick", OptionList)
        labels = [str(pick.get_option_at_index(i).prompt) for i in range(pick.option_count)]
    assert labels and all(label.startswith("Earlier") for label in labels)
    assert len(labels) == 12 and labels[0].startswith("Earlier 00")  # newest first
    assert on_main_thread and not any(on_main_thread)
