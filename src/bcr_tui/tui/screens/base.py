"""What every full screen of bcr shares: the "enlarge the window" message below the minimum size."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 64
MIN_HEIGHT = 18


class TooSmall(Static):
    """Shown instead of the screen when the terminal is too small to read."""


class BcrScreen(Screen):
    """A full screen that shows a clear message, not a broken layout, when the window is tiny."""

    def compose_too_small(self) -> ComposeResult:
        """Set the size classes and, if the window is too small already, yield the message
        (subclasses call this first in `compose`).

        The classes are set here, before any child is styled: set later (on the first resize),
        they would restyle every widget on the screen a second time. The message is mounted
        only when it is needed: most meetings never see it.
        """
        width, height = self.app.size
        small = _too_small(width, height)
        self.set_class(small, "-too-small", update=False)
        breakpoints = sorted(self.VERTICAL_BREAKPOINTS or [])
        fitting = [name for least, name in breakpoints if height >= least][-1:]
        for _, name in breakpoints:
            self.set_class(name in fitting, name, update=False)
        if small:
            yield _message()

    def on_resize(self, event: events.Resize) -> None:
        """Switch to the message below the minimum size, and back."""
        self.apply_size(event.size.width, event.size.height)

    def on_screen_resume(self) -> None:
        """Re-check the size when this screen comes back to the top."""
        self.apply_size(self.app.size.width, self.app.size.height)

    def apply_size(self, width: int, height: int) -> None:
        """Set the `-too-small` class from the terminal's size (mounting the message if new)."""
        small = _too_small(width, height)
        if small and not self.query("#too-small"):
            self.mount(_message())
        self.set_class(small, "-too-small")


def _too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


def _message() -> TooSmall:
    return TooSmall(
        f"Please enlarge the window.\n\nbcr needs at least {MIN_WIDTH} × {MIN_HEIGHT} "
        "characters. Nothing is lost: everything is saved.",
        id="too-small",
    )
