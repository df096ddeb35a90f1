"""What the phones share with the meeting: seats, the vote batcher, and the version pages follow.

`Room` is the base of `server.PhoneRoom`: the state every route handler reads (the meeting, the
seats, the wrong-code limit, the saver and batcher, the gate that lets a burst of phones in a few at
a time), the addresses phones write, and the version a page follows. The version changes with the
question, its reveal and the roster, never a vote: a phone only ever receives its own answers, so no
page and no event depends on anyone else's answer. The page helpers (a page with its
Content-Security-Policy, the phone's seat from its cookie) live here because every page group uses
them. Split from `server.py` so that each module stays small.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable

from aiohttp import web

from bcr_tui.driver import Meeting
from bcr_tui.web.phones import pages
from bcr_tui.web.phones.seats import Seats, WrongCodes
from bcr_tui.web.phones.votes import Saver, Vote, VoteBatcher

SEAT_COOKIE = "bcr_seat"
WATCH_S = 0.2
GATE = 4


class Room:
    """The phones of one meeting: seats, votes, and what their pages follow."""

    def __init__(
        self, meeting: Meeting, host: str, port: int, on_change: Callable[[], None] | None = None
    ) -> None:
        self.meeting = meeting
        self.host = host
        self.port = port
        self.on_change = on_change
        self.seats = Seats()
        self.wrong = WrongCodes()
        self.saver = Saver(meeting)
        meeting.save_hook = self.saver.save_now  # key presses and votes: one writer
        self.batcher = VoteBatcher(meeting, self.saver, self._after_votes)
        self.auto_reveal = False
        self.running = False
        self.version = 1
        self._public: tuple = ()
        self._tick = asyncio.Event()
        self._listeners = 0
        #: Requests doing work at once: a burst of phones is let in a few at a time, so the
        #: facilitator's key presses (on the same event loop) never wait behind all of them.
        self._gate = asyncio.Semaphore(GATE)
        self._runner: web.AppRunner | None = None
        self._watch: asyncio.Task[None] | None = None

    # -- addresses -------------------------------------------------------------------------
    @property
    def address(self) -> str:
        """`host:port` as phones write it (IPv6 in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """`http://ADDR:PORT/`."""
        return f"http://{self.address}/"

    @property
    def join_url(self) -> str:
        """`http://ADDR:PORT/j/CODE`: what the QR code opens."""
        return f"{self.base_url}j/{self.seats.code}"

    def release(self, pid: str) -> bool:
        """Free a seat (lost phone): that phone's page goes back to the join form."""
        released = self.seats.release(pid)
        self._wake()
        return released

    # -- what the pages follow ---------------------------------------------------------------
    def _public_state(self) -> tuple:
        session = self.meeting.session
        item = session.cursor.item
        return (item, item in session.revealed, tuple(p.id for p in session.present))

    async def _watch_state(self) -> None:
        """Bump the version when the question, its reveal or the roster changes (key presses
        change them without telling the server; checking a tuple 5 times a second is free)."""
        while True:
            await asyncio.sleep(WATCH_S)
            state = self._public_state()
            if state != self._public:
                self._public = state
                self.version += 1
                self._wake()

    def _wake(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()

    def _after_votes(self, votes: list[Vote]) -> None:
        session = self.meeting.session
        item = self.meeting.item.id
        if (
            self.auto_reveal
            and session.blind
            and item not in session.revealed
            and any(v.item == item for v in votes)
            and session.present
            and all(session.answer(p.id, item) is not None for p in session.present)
        ):
            self.meeting.reveal()
        if self.on_change is not None:
            self.on_change()

    def _version_for(self, request: web.Request) -> str:
        """What a page shows depends on the question, its reveal, the roster and whether this
        phone has a seat: the version says the same (a released phone's page reloads)."""
        return f"{self.version}-{'in' if self._seated(request) else 'out'}"

    def _page(self, request: web.Request, title: str, body: str, status: int = 200) -> web.Response:
        nonce = secrets.token_urlsafe(12)
        response = web.Response(
            text=pages.page(title, body, nonce=nonce, version=self._version_for(request)),
            content_type="text/html",
            status=status,
        )
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
        return response

    def _seated(self, request: web.Request) -> tuple[str, str] | None:
        cookie = request.cookies.get(SEAT_COOKIE)
        pid = self.seats.who(cookie)
        return (pid, cookie) if pid and cookie else None


def see_other() -> web.Response:
    """After a post: go to the page that says what happened (a reload does not post again)."""
    return web.Response(status=303, headers={"Location": "/"})
