"""The audience view (`bcr view`): what the room sees on the projector, read-only.

It follows the session file that a facilitator's `bcr open` is writing: it checks the file's
size and modification time a few times a second and re-reads it when they change. Atomic saves
mean it always reads a whole file, old or new. It takes no lock and never writes. Blind items
show only how many have answered until they are revealed; the facilitator can hide names and
results from this view. Its layout and title line are the meeting screen's
(`widgets/layout.py`).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding

from bcr_tui.analysis.grids import domain_answers
from bcr_tui.errors import BcrError
from bcr_tui.session.state import Session
from bcr_tui.storage.store import Fingerprint, load_session
from bcr_tui.tui.screens.base import BcrScreen
from bcr_tui.tui.widgets.heatmap import HeatmapView
from bcr_tui.tui.widgets.joinpanel import JoinPanel
from bcr_tui.tui.widgets.layout import TitleLine, compose_room
from bcr_tui.tui.widgets.line import Line
from bcr_tui.tui.widgets.roster import RosterStrip
from bcr_tui.tui.widgets.stage import ItemStage
from bcr_tui.tui.widgets.summary import ItemSummary

POLL_SECONDS = 0.2


class ViewScreen(BcrScreen):
    """Follow a session file and show the current item to the room."""

    BINDINGS = [
        Binding(
            "h",
            "heatmap",
            "heatmap",
            id="view-heatmap",
            tooltip="Full-screen heatmap (if the facilitator shows results).",
        )
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self, path: Path, session: Session) -> None:
        super().__init__()
        self.path = path
        self.session = session
        self.seen = Fingerprint.of(path)
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_too_small()
        yield from compose_room(
            Line("audience view · read-only", id="view-badge"),
            JoinPanel(follow=self.path, id="join-panel"),
        )

    def on_mount(self) -> None:
        """First render, then follow the file."""
        self.refresh_view()
        self.set_interval(POLL_SECONDS, self.follow)

    def follow(self) -> None:
        """Re-read the file if it changed since we last looked."""
        now = Fingerprint.of(self.path)
        if now == self.seen:
            return
        self.seen = now
        try:
            self.session = load_session(self.path)
        except BcrError as exc:
            self.problem = f"Waiting for the session file: {exc.message}"
        else:
            self.problem = None
        self.refresh_view()

    def refresh_view(self) -> None:
        """Render the current item as the room may see it."""
        session = self.session
        names = session.audience.get("names", True)
        results = session.audience.get("results", True)
        item = session.instrument.item(session.cursor.item) or session.items[0]
        self.query_one("#title", TitleLine).show_session(session)
        self.query_one(ItemStage).show(session, item, None, enabled=True)
        turn = session.cursor.who
        person = session.participant(turn) if turn else None
        if session.mode == "group":
            message = Text("Everyone: ", style="bold") + Text("the whole group answers together.")
        elif session.mode == "tally":
            message = Text("Everyone: ", style="bold") + Text("raise your hand for your answer.")
        elif person is not None:
            message = Text("▶ Turn: ", style="bold") + Text(
                person.name if names else "the next person", style="bold"
            )
        else:
            message = Text("Everyone has answered this item.", style="bold")
        turn = self.query_one("#turn", Line)
        turn.show(message)
        turn.set_class(person is not None or session.mode != "round-robin", "-active")
        roster = self.query_one(RosterStrip)
        roster.display = names and session.mode == "round-robin"
        if roster.display:
            roster.show_roster(session, item.id)
        summary = self.query_one(ItemSummary)
        if results:
            summary.show_item(session, item)
        else:
            summary.show(Text(""))
        live = self.query_one("#live-heatmap", HeatmapView)
        live.set_class(not results, "-hidden")  # a class: on a short screen the CSS hides it too
        live.show(domain_answers(session) if results else None)
        self.query_one("#flash", Line).show(Text(self.problem or ""))
        shown = self.app.screen  # the heatmap, if open, shows what the facilitator now hides
        if (
            shown is not self
            and hasattr(shown, "names")
            and not (results and (names or not shown.names))
        ):
            self.app.pop_screen()

    def action_heatmap(self) -> None:
        """The full-screen heatmap, when results are shown."""
        if not self.session.audience.get("results", True):
            self.notify("The facilitator has hidden the results for now.")
            return
        from bcr_tui.tui.screens.heatmap import HeatmapScreen

        self.app.push_screen(
            HeatmapScreen(self.session, names=self.session.audience.get("names", True))
        )
