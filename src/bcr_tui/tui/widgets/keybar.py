"""The key bar at the foot of every screen: the screen's keys and what they do, in one line.

It shows the same bindings Textual's `Footer` would (those with `show=True`, greyed when
`check_action` says they do not apply now, clickable), but as one widget that repaints its text.
Textual's `Footer` mounts a widget per key and re-mounts them all whenever the bindings change;
on the meeting screen that was about a tenth of a second of start-up, every time bcr opens.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

KEY = Style(bold=True, reverse=True)
"""A key reads as a key on any theme and projector: reversed, bold (never colour alone)."""
UNAVAILABLE = Style(dim=True)


class KeyBar(Widget):
    """One line of `key description` pairs for the keys the screen offers now."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        link-style: none;
        link-color: $footer-foreground;
        link-background: $footer-background;
        link-style-hover: bold;
    }
    """

    def on_mount(self) -> None:
        """Follow the screen's bindings (they change with what applies)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop following the screen's bindings."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def render(self) -> Text:
        """Each shown binding once, as ` key ` then its description; clicking runs it.

        When the line is too long for the window it tightens, then leaves out the keys just
        before the last: the first (rating) and the last (`?` help, which lists them all) stay.
        """
        entries = []
        seen: set[str] = set()
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            click = Style(meta={"@click": self._namespaced(node, binding.action)})
            dim = Style() if enabled else UNAVAILABLE
            entries.append(
                (
                    self.app.get_key_display(binding),
                    binding.description,
                    KEY + dim + click,
                    dim + click,
                )
            )
        width = self.size.width
        kept = list(entries)
        gap = next((g for g in ("  ", " ") if _width(entries, g) <= width), " ")
        while len(kept) > 2 and _width(kept, gap) > width:
            del kept[-2]
        out = Text(no_wrap=True, overflow="crop")
        for key, description, key_style, style in kept:
            out.append(f" {key} ", key_style)
            out.append(f" {description}{gap}", style)
        return out

    def _namespaced(self, node: object, action: str) -> str:
        """The action as run from this widget: `undo` bound on the screen is `screen.undo`."""
        if "." in action.partition("(")[0]:
            return action
        where = "app" if node is self.app else "screen" if node is self.screen else "focused"
        return f"{where}.{action}"


def _width(entries: list[tuple[str, str, Style, Style]], gap: str) -> int:
    return sum(
        cell_len(key) + cell_len(description) + 3 + len(gap) for key, description, *_ in entries
    )
