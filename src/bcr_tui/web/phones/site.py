"""What the phone server's pages share: the meeting's snapshot, seats, the laptop, the version.

`Site` is the base of `server.PhoneServer` (in the server's own process, `child`): the state every
route handler reads (the instrument, the latest `snapshot.Snapshot` from the laptop, the seats,
the wrong-code limit), the addresses phones write, and the version a page follows. The version
changes with the question, its reveal and the roster, never a vote: a phone only ever receives its
own answers, so no page and no event depends on anyone else's answer. Votes and About-You answers
go to the laptop (`Laptop.ask`), which alone applies and saves them. The page helpers (a page with
its Content-Security-Policy, the phone's seat from its cookie) live here because every page group
uses them.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bcr_tui.instrument.model import Instrument, Item
from bcr_tui.web.phones import pages
from bcr_tui.web.phones.address import Address
from bcr_tui.web.phones.channel import encode
from bcr_tui.web.phones.seats import Seats, WrongCodes
from bcr_tui.web.phones.snapshot import Snapshot

SEAT_COOKIE = "bcr_seat"
GONE = "the laptop is not answering; ask the facilitator"


class Laptop:
    """The laptop as the server sees it: requests it answers (by number), and news it is sent."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self._write = write
        self._n = 0
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.gone = False

    async def ask(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send a request and wait for its `done` (a dict with `saved` and `problem`)."""
        if self.gone:
            return {"saved": False, "problem": GONE}
        self._n += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[self._n] = future
        self.tell(op, n=self._n, **fields)
        return await future

    def tell(self, op: str, **fields: Any) -> None:
        """Send news that needs no answer."""
        try:
            self._write(encode(op, **fields))
        except (OSError, ValueError):
            self.lost()

    def answered(self, message: dict[str, Any]) -> None:
        """A `done` from the laptop: `many` answers, each `[n, saved, problem]`."""
        many = message.get("many")
        for answer in many if isinstance(many, list) else []:
            if not isinstance(answer, list) or len(answer) != 3 or type(answer[0]) is not int:
                continue
            n, saved, problem = answer
            future = self._waiting.pop(n, None)
            if future is not None and not future.done():
                problem = problem if isinstance(problem, str) else None
                future.set_result({"saved": saved is True, "problem": problem})

    def lost(self) -> None:
        """The laptop is gone: every request waiting is answered "not saved"."""
        self.gone = True
        waiting, self._waiting = self._waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_result({"saved": False, "problem": GONE})


class Site(Address):
    """The phones' pages: what they show, who has a seat, and what they follow."""

    def __init__(self, instrument: Instrument, laptop: Laptop) -> None:
        self.instrument = instrument
        self.laptop = laptop
        self.view = Snapshot()
        self.host = ""
        self.port = 0
        self.seats = Seats()
        self.wrong = WrongCodes()
        self.running = False
        self.version = 1
        self._tick = asyncio.Event()
        self._listeners = 0
        self._runner: web.AppRunner | None = None

    # -- what the laptop says ----------------------------------------------------------------
    def apply(self, view: Snapshot) -> None:
        """A new snapshot: pages follow a new version if the question, its reveal or the
        roster changed."""
        before, self.view = self.view.public, view
        if view.public != before:
            self.version += 1
            self._wake()

    def release(self, pid: str) -> None:
        """Free a seat (lost phone): that phone's page goes back to the join form."""
        if self.seats.release(pid):
            self._wake()
        self.seats_changed()

    def seats_changed(self) -> None:
        self.laptop.tell("seats", taken=sorted(self.seats.taken()))

    # -- what the pages follow ---------------------------------------------------------------
    @property
    def item(self) -> Item | None:
        """The current question (None before the laptop's first snapshot)."""
        return self.instrument.item(self.view.item) if self.view.item else None

    def _wake(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()

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


def see_other(where: str = "/") -> web.Response:
    """After a post: go to the page that says what happened (a reload does not post again)."""
    return web.Response(status=303, headers={"Location": where})
