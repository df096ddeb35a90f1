"""The phones' join panel: the join line and its QR code, and the switch that starts and stops
the phone server (key `j`).

On the meeting screen it owns the `PhoneRoom` (which runs the phones' server as a process of its
own), announces the join URL beside the session file, and repaints the screen when a batch of
phone votes is saved. On the audience view it only follows that announcement. The QR is drawn black
on white whatever the theme, so a phone can read it off the projector.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from bcr_tui.driver import Outcome
from bcr_tui.errors import BcrError
from bcr_tui.web.phones import announce
from bcr_tui.web.phones.qr import half_blocks

QR_STYLE = Style(color="black", bgcolor="white")
DEFAULT_PORT = 8765
PORT_TRIES = 10
FOLLOW_S = 0.5
#: Votes repaint the meeting at most this often. A repaint of a 200-person meeting (the roster,
#: the summary, the live heatmap, then Textual's paint) holds the event loop 10-35 ms, and a key
#: pressed meanwhile waits: at 1/30 s a burst of 200 phones was mostly repaints. At 1/8 s the
#: facilitator's key p95 during the burst was 61-87 ms against 87-114 (three paired runs), the
#: phones' figures unchanged; who has answered still shows within an eighth of a second.
REPAINT_S = 1 / 8
NOT_FOR_MODE = (
    "Phones are for sessions where people answer for themselves (round-robin or "
    "blind); in {mode} mode the room answers together at the keyboard."
)


@dataclass(frozen=True)
class PhoneOptions:
    """How `bcr open --phones` asked for the server: address and port (None: find them)."""

    host: str | None = None
    port: int | None = None


def panel_text(url: str, footer: str = "") -> Text:
    """The join line, the QR code, and a footer line."""
    base, _, code = url.rpartition("/j/")
    text = Text.assemble(("Join: ", "bold"), f"{base}/\n", ("code: ", "bold"), (code, "bold"), "\n")
    for line in half_blocks(url):
        text.append(line, QR_STYLE)
        text.append("\n")
    if footer:
        text.append(footer)
    return text


class JoinPanel(Static):
    """Join line + QR; on the meeting screen also the phone server's switch."""

    DEFAULT_CSS = """
    JoinPanel { dock: right; width: 31; height: auto; padding: 0 1; display: none;
                background: $panel; }
    """

    def __init__(self, *, follow: Path | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.follow = follow
        self.room = None  # a PhoneRoom while the meeting has phones (on or stopped)
        self._shown_url: str | None = None
        self._repaint_due = False
        self._views = 0

    def on_mount(self) -> None:
        """Follow the announcement (audience view), or start at once (`bcr open --phones`)."""
        if self.follow is not None:
            self.set_interval(FOLLOW_S, self._follow)
            self._follow()
            return
        # A join address left by a bcr that was killed is a dead link on the projector.
        announce.withdraw(self.screen.meeting.store.path)  # type: ignore[attr-defined]
        if getattr(self.app, "phones", None) is not None:
            self.run_worker(self.start(), exclusive=True, group="phones")

    def on_unmount(self) -> None:
        """bcr is leaving the meeting: no more answers from phones, and the view must not show
        a dead link."""
        if self.follow is None and self.room is not None:
            keys_first, self.app.keys_first = self.app.keys_first, None  # type: ignore[attr-defined]
            if keys_first is not None:
                keys_first.close()
            announce.withdraw(self.room.meeting.store.path)
            self._stopping = asyncio.get_running_loop().create_task(self.room.shutdown())

    @property
    def running(self) -> bool:
        """True while phones can answer."""
        return self.room is not None and self.room.running

    async def toggle(self) -> None:
        """Key `j`: phones on, or off (the stop switch)."""
        if self.running:
            await self.stop()
        else:
            await self.start()

    async def start(self, host: str | None = None) -> None:
        """Start the phone server and show the join line and QR. With no address given (by
        `--host` or here), the laptop's private one; when it has several, the facilitator
        picks (its hotspot first in the list)."""
        from bcr_tui.web.phones import lan, offered

        meeting = self.screen.meeting  # type: ignore[attr-defined]
        if not offered(meeting.session):
            self.app.notify(
                NOT_FOR_MODE.format(mode=meeting.session.mode), severity="warning", markup=False
            )
            return
        options = getattr(self.app, "phones", None) or PhoneOptions()
        try:
            if self.room is None and host is None and options.host is None:
                found = lan.local_addresses()
                if len(found) > 1:
                    self._pick_network(found)
                    return
                host = lan.choose_host(None)[0]
            await self._start(meeting, host or options.host)
        except BcrError as exc:
            self.app.notify(
                exc.message.capitalize() + ".",
                title="Phones",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        announce.announce(meeting.store.path, self.room.join_url)
        self.show()
        self.app.notify(
            f"Phones on. {announce.join_line(self.room.join_url)}", title="Phones", markup=False
        )

    def _pick_network(self, found: list[str]) -> None:
        from bcr_tui.tui.screens.dialogs import PickScreen
        from bcr_tui.web.phones import lan

        options = [(Text(f"{a}  {lan.kind(a)}"), a) for a in found]
        self.app.push_screen(
            PickScreen("Which network are the phones on?", options),  # type: ignore[arg-type]
            lambda a: self.run_worker(self.start(a), group="phones") if a else None,
        )

    async def _start(self, meeting, host: str) -> None:  # noqa: ANN001 - a Meeting
        from bcr_tui.web.phones.room import PhoneRoom

        if self.room is None:
            options = getattr(self.app, "phones", None) or PhoneOptions()
            ports = (
                [options.port]
                if options.port
                else list(range(DEFAULT_PORT, DEFAULT_PORT + PORT_TRIES))
            )
            from bcr_tui.tui.keysfirst import KeysFirst

            self.room = PhoneRoom(meeting, on_change=self._votes_saved)
            self.app.keys_first = KeysFirst(self.room)  # type: ignore[attr-defined]
            await self.room.start(host, ports)
        else:
            await self.room.start()

    async def stop(self) -> None:
        """The stop switch: no phone can answer until `j` again (same code and seats)."""
        if self.room is None:
            return
        await self.room.stop()
        announce.withdraw(self.room.meeting.store.path)
        self.display = False
        self.app.notify(
            "Phones off: answers from phones are refused until j again.",
            title="Phones",
            markup=False,
        )

    def show(self) -> None:
        """Repaint: the join line, the QR, and how many are on phones."""
        if self.room is None or not self.room.running:
            self.display = False
            return
        session = self.room.meeting.session
        seated = len(self.room.seats.taken())
        footer = f"{seated} of {len(session.present)} on phones"
        if self.room.auto_reveal:
            footer += "\nreveals when all have answered"
        self.update(panel_text(self.room.join_url, footer))
        self.display = True

    def _votes_saved(self) -> None:
        """A batch of votes is on disk: repaint the meeting at most every REPAINT_S (a burst of
        phones is many small batches; repainting a 200-person meeting for each would queue
        the facilitator's keys behind the repaints)."""
        # The screen's renders so far: one after the last batch (a key press's) shows it.
        self._views = getattr(self.screen, "views", 0)
        if not self._repaint_due:
            self._repaint_due = True
            self.set_timer(REPAINT_S, self._repaint)

    def _repaint(self) -> None:
        from bcr_tui.tui.messages import SessionChanged

        self._repaint_due = False
        if self.room is not None and self.room.holding:  # a key is being handled: after it
            self._votes_saved()
            return
        if self.room is not None:
            # The votes were applied before they were saved: a render since the last batch was
            # saved (a key press's) has shown them all, and repainting 200 people again would
            # only hold up the next key.
            if getattr(self.screen, "views", 0) == self._views:
                self.screen.post_message(SessionChanged(Outcome("", not self.room.meeting.unsaved)))
            self.show()
            if self.room.ended is not None:
                announce.withdraw(self.room.meeting.store.path)
                self.app.notify(
                    f"Phones off: {self.room.ended}. Press j to start them again.",
                    title="Phones",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
                self.room.ended = None

    def _follow(self) -> None:
        assert self.follow is not None
        url = announce.read_join(self.follow)
        if url == self._shown_url:
            return
        self._shown_url = url
        if url is not None:
            self.update(panel_text(url))
        self.display = url is not None

    # -- the palette's phone commands ------------------------------------------------------
    async def command(self, what: str) -> None:
        """`toggle` (key j), `release` (pick a seat to free), `auto_reveal` (on/off)."""
        if what == "toggle":
            await self.toggle()
        elif what == "auto_reveal":
            self.toggle_auto_reveal()
        elif what == "release":
            from bcr_tui.tui.screens.dialogs import PickScreen

            choices = self.release_choices()
            if not choices:
                self.app.notify("No phone has a seat.", title="Phones", markup=False)
                return
            options = [(Text(name), pid) for pid, name in choices]
            self.app.push_screen(
                PickScreen("Release whose seat? (a lost or swapped phone)", options),  # type: ignore[arg-type]
                lambda pid: self.release(pid) if pid else None,
            )

    def release_choices(self) -> list[tuple[str, str]]:
        """Seated participants: (id, name)."""
        if self.room is None:
            return []
        session = self.room.meeting.session
        return [(p.id, p.name) for p in session.participants if p.id in self.room.seats.taken()]

    def release(self, pid: str) -> None:
        """Free a seat (lost phone)."""
        if self.room is not None and self.room.release(pid):
            person = self.room.meeting.session.participant(pid)
            self.app.notify(
                f"{person.name if person else pid}'s seat is free: they can join "
                "again from another phone.",
                title="Phones",
                markup=False,
            )
            self.show()

    def toggle_auto_reveal(self) -> None:
        """Reveal automatically when everyone present has answered (blind sessions)."""
        if self.room is None:
            self.app.notify("Turn phones on first (j).", title="Phones", markup=False)
            return
        self.room.auto_reveal = not self.room.auto_reveal
        state = "on" if self.room.auto_reveal else "off"
        self.app.notify(f"Automatic reveal {state}.", title="Phones", markup=False)
        self.show()
