"""What the palette writes or opens beside the session: the XLSX export, the HTML report, and
the comparison with an earlier session of the same instrument.

The palette's entries run them as the app's actions (`app.export_session`, `app.write_report`,
`app.compare_earlier` in `palette.py`), on whichever screen is on a session: the meeting or the
read-out.

Writing runs in a worker thread (polars and the report take a moment to load) and works from the
saved file, which is always the state on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.screen import Screen
from textual.worker import get_current_worker

from bcr_tui.errors import BcrError
from bcr_tui.plaintext import label
from bcr_tui.session.state import Session
from bcr_tui.storage.store import SessionStore


def export_session(screen: Screen, store: SessionStore) -> None:
    """Export the saved session to `<name>.xlsx` beside it."""

    def write(out: Path) -> None:
        from bcr_tui.outputs.export import export_files

        export_files([store.path], "xlsx", out, anonymize=False)

    _write_beside(screen, store.path.with_suffix(".xlsx"), write)


def write_report(screen: Screen, store: SessionStore) -> None:
    """Write `<name>-report.html` beside the session file."""

    def write(out: Path) -> None:
        from bcr_tui.outputs.report import write_report as report
        from bcr_tui.storage.store import load_session

        report(load_session(store.path), out)

    _write_beside(screen, store.path.with_name(f"{store.path.stem}-report.html"), write)


def _write_beside(screen: Screen, out: Path, write: Callable[[Path], None]) -> None:
    def work() -> None:
        try:
            write(out)
        except BcrError as exc:
            screen.app.call_from_thread(
                screen.notify, str(exc), severity="error", timeout=10, markup=False
            )
        else:
            screen.app.call_from_thread(
                screen.notify, f"Written: {label(str(out))}", timeout=10, markup=False
            )

    screen.notify(f"Writing {label(out.name)} …", markup=False)
    screen.run_worker(work, thread=True, exclusive=False, group="writes")


def compare_earlier(screen: Screen, store: SessionStore) -> None:
    """Pick another session of the same instrument in this folder, then compare (older first).
    The folder is read in a worker, each file's head only: a comparison needs the answers."""
    session = store.session

    def work() -> None:
        others = same_instrument(store.path, session)
        if not get_current_worker().is_cancelled:
            screen.app.call_from_thread(_pick_earlier, screen, session, others)

    screen.run_worker(work, thread=True, exclusive=True, group="compare-pick", exit_on_error=False)


def same_instrument(here: Path, session: Session) -> dict[str, Session]:
    """The other sessions beside `here` comparable with `session`: the same instrument and the
    same items (by path; unreadable ones left out)."""
    from bcr_tui.storage.fastread import read_session_head

    others = {}
    for path in sorted(here.parent.glob("*.toml")):
        if path.resolve() == here.resolve():
            continue
        try:
            other, _ = read_session_head(path)
        except BcrError:
            continue
        if other.instrument.id == session.instrument.id and [i.id for i in other.items] == [
            i.id for i in session.items
        ]:
            others[str(path)] = other
    return others


def _pick_earlier(screen: Screen, session: Session, others: dict[str, Session]) -> None:
    from bcr_tui.tui.screens.compare import CompareScreen
    from bcr_tui.tui.screens.dialogs import PickScreen

    if not others:
        screen.notify("No earlier session of this instrument in this folder.", timeout=8)
        return
    newest_first = sorted(others.items(), key=lambda kv: kv[1].created, reverse=True)
    choices = [
        (f"{s.title} · {s.community or '—'} · {s.created:%Y-%m-%d}", path)
        for path, s in newest_first
    ]

    def chosen(value: str | None) -> None:
        if value:
            pair = sorted((others[value], session), key=lambda s: s.created)
            screen.app.push_screen(CompareScreen(*pair))

    screen.app.push_screen(PickScreen("Compare with which session?", choices), chosen)
