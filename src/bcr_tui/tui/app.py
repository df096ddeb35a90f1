"""The bcr Textual app: themes, which screen opens first, and the palette's outputs (its entries
and their provider are in `palette.py`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.command import Provider
from textual.screen import Screen

from bcr_tui.errors import BcrError
from bcr_tui.storage.store import SessionStore
from bcr_tui.tui import palette_outputs
from bcr_tui.tui.themes import DEFAULT_THEME, THEMES

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.driver import Driver

    from bcr_tui.tui.keysfirst import KeysFirst


def _palette() -> type[Provider]:
    """The palette's one provider (`App.COMMANDS`), imported when the palette first opens."""
    from bcr_tui.tui.palette import BcrCommands

    return BcrCommands


class BcrApp(App[int]):
    """Run a partnership assessment in the room. Build it with `make_app`."""

    CSS_PATH = "app.tcss"
    TITLE = "bcr"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {_palette}  # bcr's entries and Textual's own (`tui/palette.py`)
    BINDINGS = [Binding("ctrl+q", "quit", "quit", show=False, id="app-quit", priority=True)]

    def __init__(
        self,
        store: SessionStore | None,
        sessions_dir: Path,
        view: Path | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__()
        self.notice = notice
        self.store = store
        self.sessions_dir = sessions_dir
        self.view = view
        self._stores: list[SessionStore] = [store] if store else []
        #: While phones are on: told of each key and each frame (`tui/keysfirst.py`).
        self.keys_first: KeysFirst | None = None
        for theme in THEMES:
            self.register_theme(theme)
        # The projector theme is in place before the stylesheet is first parsed (setting
        # `self.theme` here would parse and apply it all a second time: ~20 ms of start-up).
        self.set_reactive(BcrApp.theme, DEFAULT_THEME)
        self.stylesheet.set_variables(self.get_css_variables())
        dark = self.current_theme.dark
        self.set_class(dark, "-dark-mode", update=False)
        self.set_class(not dark, "-light-mode", update=False)

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal, telling `keys_first` of each key as it is read."""
        from bcr_tui.tui.keysfirst import with_keys_first

        return with_keys_first(super().get_driver_class())

    async def on_event(self, event: events.Event) -> None:
        """A key from the terminal holds the phones' votes back until it is drawn."""
        if self.keys_first is not None and isinstance(event, events.Key):
            self.keys_first.arrived()
        await super().on_event(event)

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        # Textual's one place where a frame is handed to the terminal (private: Textual is
        # pinned exactly; tests/web/phones/test_keys_first.py fails if this stops being called).
        super()._display(screen, renderable)
        if self.keys_first is not None and renderable is not None:
            self.keys_first.drawn()

    def on_mount(self) -> None:
        """Open the session, or the home screen."""
        if self.notice is not None:
            from bcr_tui.tui.screens.notice import NoticeScreen

            self.push_screen(NoticeScreen(self.notice))
        elif self.view is not None:
            from bcr_tui.storage.store import load_session
            from bcr_tui.tui.screens.view import ViewScreen

            self.push_screen(ViewScreen(self.view, load_session(self.view)))
        elif self.store is not None:
            self.push_screen(self.meeting_screen(self.store))
        else:
            from bcr_tui.tui.screens.home import HomeScreen

            self.push_screen(HomeScreen(self.sessions_dir))

    def on_ready(self) -> None:
        """Move what start-up built out of the garbage collector's way (a full collection over
        it would be a pause in the meeting) and let it collect again (`gcpause`); for the
        start-up benchmark, quit after one frame."""
        from bcr_tui import gcpause

        gcpause.resume()
        if os.environ.get("BCR_EXIT_AFTER_FIRST_FRAME"):
            self.call_after_refresh(self.exit)

    def meeting_screen(self, store: SessionStore) -> Screen:
        """The meeting screen for an open session."""
        from bcr_tui.driver import Meeting
        from bcr_tui.tui.screens.meeting import MeetingScreen

        return MeetingScreen(Meeting(store))

    def open_session(self, path: Path) -> None:
        """Open a session file (from the home screen); a problem is shown, never raised."""
        try:
            store = SessionStore.open(path)
        except BcrError as exc:
            self.notify(str(exc), title="Cannot open", severity="error", timeout=10, markup=False)
            return
        self._stores.append(store)
        self.push_screen(self.meeting_screen(store))

    def adopt(self, store: SessionStore) -> None:
        """Open a store created by a screen (new session, demo) in the meeting."""
        self._stores.append(store)
        self.push_screen(self.meeting_screen(store))

    def on_unmount(self) -> None:
        """Release the locks of every session this app opened (all are saved already)."""
        for store in self._stores:
            store.close()

    def get_key_display(self, binding: Binding) -> str:
        """Show the digits as the current scale's range, e.g. `1-3`."""
        if binding.id == "rate-0":
            meeting = getattr(self.screen, "meeting", None)
            item = meeting.item if meeting is not None else None
            if item is not None and item.scale is not None:
                return f"1-{len(item.scale.points)}"
        return super().get_key_display(binding)

    # -- the palette's outputs (`tui/palette.py`): app actions, so the read-out offers them too
    def action_export_session(self) -> None:
        """Export the session on screen to a spreadsheet beside it."""
        self._on_session(palette_outputs.export_session)

    def action_write_report(self) -> None:
        """Write the HTML report of the session on screen beside it."""
        self._on_session(palette_outputs.write_report)

    def action_compare_earlier(self) -> None:
        """Compare the session on screen with an earlier one in its folder."""
        self._on_session(palette_outputs.compare_earlier)

    def _on_session(self, output: Callable[[Screen, SessionStore], None]) -> None:
        from bcr_tui.tui.palette import meeting_of

        meeting = meeting_of(self.screen)
        if meeting is not None:
            output(self.screen, meeting.store)
