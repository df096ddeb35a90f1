"""The home screen: recent sessions with their progress; start a new one; open the demo."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from bcr_tui.errors import BcrError
from bcr_tui.plaintext import label
from bcr_tui.storage.store import Listing, list_sessions
from bcr_tui.tui.screens.base import BcrScreen
from bcr_tui.tui.widgets.keybar import KeyBar


class HomeScreen(BcrScreen):
    """Pick a session to resume, start a new one, or open the demo."""

    BINDINGS = [
        Binding("n", "new", "new session", id="home-new", tooltip="Start a new session."),
        Binding("d", "demo", "demo", id="home-demo", tooltip="Open a ready, fully rated demo."),
        Binding("f5", "reload", "refresh", id="home-reload", tooltip="Re-read the folder."),
        Binding("ctrl+q", "app.quit", "quit", id="home-quit"),
    ]

    def __init__(self, sessions_dir: Path) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.rows: list[Listing] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_too_small()
        yield Static(
            Text.assemble(("bcr", "bold"), "  ·  partnership assessments, live in the room"),
            id="home-title",
        )
        yield Static(id="home-folder")
        yield OptionList(id="sessions")
        yield Static(
            "Enter opens the highlighted session · n starts a new one · d opens a demo",
            id="home-help",
        )
        yield KeyBar()

    def on_screen_resume(self) -> None:
        """List the sessions when the screen first shows and when coming back from a meeting
        (once: a reload on mount as well read the folder twice at start-up)."""
        super().on_screen_resume()
        self.action_reload()

    class Listed(Message):
        """The sessions folder, as the reading worker found it."""

        def __init__(self, rows: list[Listing]) -> None:
            super().__init__()
            self.rows = rows

    def action_reload(self) -> None:
        """Re-read the sessions folder, in a worker: the screen stays live while it reads."""
        self.query_one("#home-folder", Static).update(
            Text(f"Sessions in {label(str(self.sessions_dir.resolve()))}  (reading …)")
        )
        self._read_folder(self.sessions_dir)

    @work(thread=True, exclusive=True, exit_on_error=False, group="home-list")
    def _read_folder(self, folder: Path) -> None:
        """Each session file's head (`list_sessions`), never its change log, off the UI thread."""
        rows = list_sessions(folder) if folder.is_dir() else []
        if not get_current_worker().is_cancelled:  # a newer reload supersedes this one
            self.post_message(self.Listed(rows))

    @on(Listed)
    def _show(self, message: Listed) -> None:
        self.rows = message.rows
        self.query_one("#home-folder", Static).update(
            Text(f"Sessions in {label(str(self.sessions_dir.resolve()))}  ({len(self.rows)})")
        )
        options = self.query_one("#sessions", OptionList)
        options.clear_options()
        if not self.rows:
            options.add_option(
                Option(
                    Text("No sessions yet. Press n for a new session or d for the demo."),
                    disabled=True,
                )
            )
        for n, row in enumerate(self.rows):
            options.add_option(Option(_row_text(row), id=str(n), disabled=bool(row.problem)))
        # Enter opens the highlighted session: the first one that can be opened, from the start.
        openable = [n for n, row in enumerate(self.rows) if not row.problem]
        if openable:
            options.highlighted = openable[0]
        options.focus()

    @on(OptionList.OptionSelected, "#sessions")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.open_session(self.rows[int(event.option.id)].path)  # type: ignore[attr-defined]

    def action_new(self) -> None:
        """Start a new session."""
        from bcr_tui.tui.screens.new_session import NewSessionScreen

        self.app.push_screen(NewSessionScreen(self.sessions_dir))

    def action_demo(self) -> None:
        """Write and open the demo session."""
        from bcr_tui.session.demo import demo_session
        from bcr_tui.storage.store import SessionStore, new_path

        session = demo_session()
        try:
            store = SessionStore.create(
                new_path(self.sessions_dir, session.title, session.created), session
            )
        except BcrError as exc:
            self.notify(
                str(exc), title="Cannot write the demo", severity="error", timeout=10, markup=False
            )
            return
        self.app.adopt(store)  # type: ignore[attr-defined]


def _row_text(row: Listing) -> Text:
    if row.problem:
        return Text.assemble(("✗ ", "bold"), row.file, f"  cannot be read: {row.problem}")
    date = f"{row.created:%Y-%m-%d}" if row.created else ""
    done = (
        "✓ complete"
        if row.expected and row.answered >= row.expected
        else (f"{row.answered}/{row.expected} answers")
    )
    return Text.assemble(
        (row.title, "bold"),
        f"  ·  {row.community or '—'}  ·  {row.instrument}  ·  {date}  ·  {done}",
    )
