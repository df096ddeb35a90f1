"""The audience view follows a session file that another process writes; nothing leaks early."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from readback import screen_text, widget_text

from bcr_tui.tui.factory import make_app
from bcr_tui.tui.widgets.heatmap import HeatmapView


def another_bcr(path, code: str) -> None:
    """Change the session the way a facilitator's bcr does, from another process."""
    script = textwrap.dedent(f"""
        from bcr_tui.driver import Meeting
        from bcr_tui.storage.store import SessionStore
        m = Meeting(SessionStore.open({str(path)!r}))
        {code}
        m.store.close()
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


async def until(pilot, condition, what: str) -> None:
    for _ in range(100):  # up to ~10 s; returns as soon as the view has caught up
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"the view never showed {what}")


async def test_view_follows_the_file_and_hides_blind_answers(tmp_path, write_session):
    path = write_session(tmp_path, blind=True)
    before = path.read_bytes()
    app = make_app(view=path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert "Turn: Ana Ruiz" in widget_text(app, "#turn")
        another_bcr(path, "m.rate(1); m.rate(2)")
        await until(pilot, lambda: "Turn: Chen Li" in widget_text(app, "#turn"), "Chen's turn")
        summary = widget_text(app, "#summary")
        assert "2 answered" in summary and "Maintain: 1" not in summary
        another_bcr(path, "m.rate(3)")  # round complete, still not revealed
        await until(pilot, lambda: "Everyone has answered" in widget_text(app, "#turn"), "the end")
        assert "Maintain: 1" not in widget_text(app, "#summary")
        live = app.screen.query_one("#live-heatmap", HeatmapView).grid
        assert all(c.text in ("–", "0") for _, cells in live.rows for c in cells)
        another_bcr(path, "m.reveal()")
        await until(pilot, lambda: "1 Maintain: 1" in widget_text(app, "#summary"), "the reveal")
        live = app.screen.query_one("#live-heatmap", HeatmapView).grid
        assert live.rows[0][1][-1].text == "3"
    assert not (tmp_path / ".test.toml.lock").exists()  # the view took no lock …
    assert path.read_bytes() != before  # … and the other process's saves are all there


async def test_facilitator_can_hide_names_and_results(tmp_path, write_session):
    path = write_session(tmp_path)
    app = make_app(view=path)
    async with app.run_test(size=(100, 30)) as pilot:
        another_bcr(path, "m.rate(1); m.toggle_audience('names'); m.toggle_audience('results')")
        await until(pilot, lambda: "the next person" in widget_text(app, "#turn"), "hidden names")
        assert not app.screen.query_one("#roster").display
        assert "Ben" not in widget_text(app, "#turn")
        assert not app.screen.query_one("#live-heatmap").display
        assert widget_text(app, "#summary") == ""


async def test_view_survives_a_damaged_file_and_recovers(tmp_path, write_session):
    path = write_session(tmp_path)
    good = path.read_text("utf-8")
    app = make_app(view=path)
    async with app.run_test(size=(100, 30)) as pilot:
        path.write_text("format = 'bcr-session/1'\n[[[", "utf-8")
        await until(
            pilot,
            lambda: "Waiting for the session file" in widget_text(app, "#flash"),
            "the problem",
        )
        assert "Turn: Ana Ruiz" in widget_text(app, "#turn")  # still the last good state
        path.write_text(good.replace('title = "Test session"', 'title = "Renamed"'), "utf-8")
        await until(pilot, lambda: "Renamed" in widget_text(app, "#title"), "the recovered file")
        assert widget_text(app, "#flash") == ""


async def test_the_view_shows_the_meetings_title_line_and_stage_row_for_row(
    tmp_path, write_session, running
):
    """One layout for both (widgets/layout.py): the projector shows what the facilitator sees,
    down to a short screen's compact stage (the view once kept the tall one's padding at 80 x 24,
    and ran its title into its badge)."""
    path = write_session(tmp_path)
    shown = []
    async with running(path, size=(80, 24)) as (app, pilot):
        await pilot.pause()
        shown.append((widget_text(app, "#title"), screen_text(app).splitlines()))
    app = make_app(view=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown.append((widget_text(app, "#title"), screen_text(app).splitlines()))
    (meeting_title, meeting), (view_title, view) = shown
    assert meeting_title == view_title == "PAI · Test session · Ventura County"
    assert meeting[0].startswith(" PAI · Test session") and "✓ all saved" in meeting[0]
    assert view[0].startswith(" PAI · Test session")
    assert view[0].rstrip().endswith("  audience view · read-only")  # a gap before the badge
    turn = next(n for n, line in enumerate(meeting) if "Turn: Ana Ruiz" in line)
    assert "Turn: Ana Ruiz" in view[turn]
    assert view[1:turn] == meeting[1:turn]  # the stage, row for row
