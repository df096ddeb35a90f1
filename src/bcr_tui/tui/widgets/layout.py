"""The one layout of the two screens the room sees: the meeting screen and the audience view
(`bcr view`, also behind `bcr serve --view`).

Both show the same title line (instrument · session · community, with one part at its right
edge: the save status in the meeting, the "audience view" badge on the projector), the item on
stage with the live heatmap under it, then whose turn it is, the roster, the item's summary and
the flash line. They were built twice (the view with `Static`s); built here once, they read the
same and a change to the layout reaches both.

Every line under the stage and the title are `Line`s (widgets/line.py): an update repaints only
the cells that changed, without a new layout, which the meeting's keystroke speed relies on.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget

from bcr_tui.session.state import Session
from bcr_tui.tui.widgets.heatmap import HeatmapView
from bcr_tui.tui.widgets.keybar import KeyBar
from bcr_tui.tui.widgets.line import Line
from bcr_tui.tui.widgets.roster import RosterStrip
from bcr_tui.tui.widgets.stage import ItemStage
from bcr_tui.tui.widgets.summary import ItemSummary


class TitleLine(Line):
    """The session's title line: `PAI · Spring check-in · Ventura County`."""

    _shown: tuple[int, str, str | None] | None = None

    def show_session(self, session: Session) -> None:
        """Show `session`'s title (no-op if it is the one shown: this runs on every key)."""
        key = (id(session.instrument), session.title, session.community)
        if key != self._shown:
            self._shown = key
            self.show(title_text(session))


def title_text(session: Session) -> Text:
    """The instrument's short title (bold), the session's title and its community."""
    instrument = session.instrument
    community = session.community
    return Text.assemble(
        (instrument.short_title or instrument.title, "bold"),
        " · ",
        session.title,
        f" · {community}" if community else "",
    )


def compose_room(
    right: Widget, join: Widget | None, under_title: Iterable[Widget] = ()
) -> ComposeResult:
    """The layout, top to bottom: the title bar (`#title`, then `right`), `under_title`, the
    `join` panel (the phones' `JoinPanel`; None: the meeting mounts it after the first frame,
    after the last of `under_title`), the stage (`ItemStage`, `#live-heatmap`), `#turn`,
    `#roster`, `#summary`, `#flash` and the key bar. Call it from a screen's `compose`."""
    with Horizontal(id="topbar"):
        yield TitleLine(id="title")
        yield right
    yield from under_title
    if join is not None:
        yield join
    with VerticalScroll(id="stage"):
        yield ItemStage()
        yield HeatmapView(id="live-heatmap", label_width=24)
    yield Line(id="turn")
    yield RosterStrip(id="roster")
    yield ItemSummary(id="summary")
    yield Line(id="flash")
    yield KeyBar()
