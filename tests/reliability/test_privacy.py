"""Privacy: what bcr writes is readable by its owner only (0600, whatever the umask), and blind
ratings never reach any screen before they are revealed."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest
from readback import saved, screen_text, widget_text

from bcr_tui.cli import main as bcr_main
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

ITEM_TEXT = "Time spent to develop understanding"
COUNT = re.compile(r"\b(Maintain|Immediate|Future)\b: ?\d")
PERCENT = re.compile(r"\d+ ?%")


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def cells(text: str) -> str:
    """The screen without the legends ("0% = every answer at the lowest point …")."""
    return "\n".join(line for line in text.splitlines() if " = " not in line)


# --------------------------------------------------------------------------- file modes


def test_session_files_and_locks_are_private_whatever_the_umask(tmp_path, pai):
    session = new_session(pai, "Private", [("Ana", None), ("Ben", None)])
    path = tmp_path / "s.toml"
    with umask(0):
        store = SessionStore.create(path, session)
        try:
            assert mode(path) == "0o600"
            assert mode(path.with_name(".s.toml.lock")) == "0o600"
            store.session.record("p01", "trust-1", "maintain")
            store.save()  # a save replaces the file: the new one is private too
            assert mode(path) == "0o600"
        finally:
            store.close()


def test_bcr_demo_writes_a_private_file(tmp_path, run_bcr):
    with umask(0):
        result = run_bcr("demo", "--no-open", "--sessions-dir", tmp_path / "s", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files = list((tmp_path / "s").iterdir())
    assert [f.suffix for f in files] == [".toml"]
    assert mode(files[0]) == "0o600"


@pytest.mark.parametrize(
    "args",
    [
        ("export", "{s}", "--format", "csv", "--out", "{o}/answers.csv"),
        ("export", "{s}", "--format", "json", "--out", "{o}/answers.json"),
        ("export", "{s}", "--format", "xlsx", "--out", "{o}/answers.xlsx"),
        ("export", "{s}", "--format", "parquet", "--out", "{o}/answers.parquet"),
        ("report", "{s}", "--out", "{o}/report.html"),
        ("report", "{s}", "--out", "{o}/report.md"),
        ("mou", "{s}", "--out", "{o}/mou.md"),
        ("rollup", "{d}", "--out", "{o}/rollup.csv"),
    ],
    ids=lambda a: "-".join(a[:1] + a[-1:]).replace("{o}/", ""),
)
def test_exports_reports_and_drafts_are_private(tmp_path, args, capsys, write_demo):
    folder = tmp_path / "sessions"
    folder.mkdir()
    session = write_demo(folder)
    out = tmp_path / "out"
    out.mkdir()
    argv = [a.format(s=session, o=out, d=folder) for a in args]
    with umask(0):
        assert bcr_main(argv) == 0, capsys.readouterr().err
    written = sorted(out.iterdir())
    assert written, "nothing was written"
    for path in written:
        assert mode(path) == "0o600", path.name
        assert not path.name.endswith(".tmp")


def test_the_crash_log_is_private(tmp_path, monkeypatch, capsys):
    import tempfile

    from bcr_tui import commands

    def boom(_args):
        raise RuntimeError("something broke while showing Ana Ruiz's answers")

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(commands, "list_", boom)
    with umask(0):
        assert bcr_main(["list", "--sessions-dir", str(tmp_path)]) == 1
    log = tmp_path / "bcr-crash.log"
    assert "Traceback" not in capsys.readouterr().err
    assert "Ana Ruiz" in log.read_text("utf-8")
    assert mode(log) == "0o600"


# --------------------------------------------------------------------------- blind rounds


async def test_blind_ratings_reach_no_screen_before_the_reveal(tmp_path, write_session, running):
    """Three people rate the first item "Maintain" in a blind round. Until `r`, no screen shows a
    count, a share or a finding for it: not the live summary, not the heatmaps, not the read-out,
    not the audience view. After `r` they all do (the control)."""
    from bcr_tui.tui.factory import make_app

    path = write_session(tmp_path, blind=True)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1", "1", "1")
        await pilot.pause()
        assert saved(path).answers == {p: {"trust-1": "maintain"} for p in ("p01", "p02", "p03")}
        meeting = screen_text(app)
        assert not COUNT.search(meeting), meeting
        assert not PERCENT.search(cells(meeting)), meeting
        assert "hidden until you press r" in widget_text(app, "#summary")
        await pilot.press("h")
        await pilot.pause()
        heatmap = screen_text(app)
        assert "not yet revealed are left out" in heatmap
        assert not PERCENT.search(cells(heatmap)) and not COUNT.search(heatmap), heatmap
        assert re.search(r"Trust\s+–\s+–\s+–\s+0\b", heatmap), heatmap
        await pilot.press("escape", "o")
        await pilot.pause()
        readout = screen_text(app)
        assert ITEM_TEXT not in readout and not COUNT.search(readout), readout
        await pilot.press("escape")

        audience = make_app(view=path, sessions_dir=tmp_path)
        async with audience.run_test(size=(100, 30)) as view:
            await view.pause()
            shown = screen_text(audience)
            assert "audience view" in shown
            assert not COUNT.search(shown) and not PERCENT.search(cells(shown)), shown

        await pilot.press("r")  # the control: once revealed, everything shows
        await pilot.pause()
        assert "Maintain: 3" in widget_text(app, "#summary")
        assert "100%" in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert ITEM_TEXT in screen_text(app)


async def test_the_confirmation_line_does_not_reveal_a_blind_answer(
    tmp_path, write_session, running
):
    path = write_session(tmp_path, blind=True)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("1")
        await pilot.pause()
        flash = widget_text(app, "#flash")
        assert "saved" in flash  # it does confirm the save …
        for label in (
            "Currently exists / Maintain",
            "Needs immediate attention",
            "Needs work in the future",
            "Maintain",
        ):
            assert label not in flash  # … but must not say what Ana answered
