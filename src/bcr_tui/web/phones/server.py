"""The phones' web server: an aiohttp app run in the facilitator's own event loop.

`PhoneRoom` holds what the phones share with the meeting (seats, the vote batcher, the version
the pages follow) and starts and stops the server (the stop switch). Every request passes
`_guard`: the Host must be the join address (a page reached under another name is refused,
against DNS rebinding), a post must come from that origin (Chrome sends `Origin: null` when a page
says `Referrer-Policy: no-referrer`, so the pages say `same-origin`), and a body is at most
4 KiB. A phone only ever receives its own answers: no page, and no event, depends on anyone
else's answer (the version changes with the question, its reveal and the roster, never a vote).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bcr_tui.driver import Meeting, describe
from bcr_tui.errors import BcrError
from bcr_tui.instrument.model import ABSTAIN
from bcr_tui.plaintext import printable
from bcr_tui.session.values import check_value
from bcr_tui.web.phones import pages
from bcr_tui.web.phones.forms import answer_from
from bcr_tui.web.phones.seats import Seats, WrongCodes
from bcr_tui.web.phones.votes import Saver, Vote, VoteBatcher

MAX_BODY = 4096
MAX_LISTENERS = 1000
SEAT_COOKIE = "bcr_seat"
WATCH_S = 0.2
KEEPALIVE_S = 15.0
GATE = 4
ABOUT = "\0about"  # what an About-You form's token is bound to (no item id has a NUL)


class PhoneRoom:
    """The phones of one meeting: seats, votes, and the server they reach."""

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

    # -- the stop switch -------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on host:port (raises OSError if the port is taken or the address is not ours)."""
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._guard])
        app.add_routes(
            [
                web.get("/", self._index),
                web.post("/join", self._join),
                web.get("/j/{code}", self._join_link),
                web.get("/J/{code}", self._join_link),
                web.post("/seat", self._seat),
                web.post("/vote", self._vote),
                web.get("/events", self._events),
                web.get("/about", self._about),
                web.post("/about", self._about_post),
            ]
        )
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.running = True
        self._public = self._public_state()
        self._watch = asyncio.create_task(self._watch_state())

    async def stop(self) -> None:
        """Stop taking answers: the server closes (votes already acknowledged are on disk)."""
        self.running = False
        self._wake()
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

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

    # -- requests ----------------------------------------------------------------------------
    @web.middleware
    async def _guard(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        if request.host != self.address:
            return _plain("This address is not the meeting's.", 421)
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin is not None and origin != self.base_url.rstrip("/"):
                return _plain("This form did not come from the meeting's page.", 403)
            if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
                return _plain("This form did not come from the meeting's page.", 403)
            if request.content_length is None or request.content_length > MAX_BODY:
                return _plain("Too much was sent.", 413)
        try:
            if request.path == "/events":  # long-lived, and it does no work while it waits
                response = await handler(request)
            else:
                async with self._gate:
                    response = await handler(request)
        except web.HTTPRequestEntityTooLarge:
            return _plain("Too much was sent.", 413)
        if not response.prepared:
            response.headers.update(
                {
                    "Referrer-Policy": "same-origin",
                    "X-Content-Type-Options": "nosniff",
                    "X-Frame-Options": "DENY",
                    "Cache-Control": "no-store",
                }
            )
        return response

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

    async def _index(self, request: web.Request) -> web.Response:
        seat = self._seated(request)
        if seat is None:
            return self._page(request, "Join", pages.join_body())
        return self._item_page(request, *seat)

    def _item_page(
        self,
        request: web.Request,
        pid: str,
        cookie: str,
        problem: str | None = None,
        status: int = 200,
    ) -> web.Response:
        meeting = self.meeting
        session = meeting.session
        person = session.participant(pid)
        item = meeting.item
        mine = session.answer(pid, item.id)
        saved = describe(item, mine) if mine is not None and self.batcher.durable(pid) else None
        if saved == "abstains":
            saved = "Abstain"
        is_open = (
            person is not None
            and not person.absent
            and not (session.blind and item.id in session.revealed)
        )
        position = f"question {session.items.index(item) + 1} of {len(session.items)}"
        body = pages.item_body(
            name=person.name if person else "",
            item=item,
            position=position,
            token=self.seats.token(cookie, item.id),
            mine=mine,
            saved_label=saved,
            open_=is_open,
            problem=problem,
            about=bool(session.instrument.profile),
        )
        return self._page(request, "Your answer", body, status)

    async def _join(self, request: web.Request) -> web.Response:
        form = await request.post()
        return self._names(request, str(form.get("code", "")))

    async def _join_link(self, request: web.Request) -> web.Response:
        return self._names(request, request.match_info["code"])

    def _names(
        self, request: web.Request, code: str, problem: str | None = None, status: int = 200
    ) -> web.Response:
        client = request.remote or "?"
        if self.wrong.blocked(client):
            return self._page(
                request,
                "Wait a minute",
                pages.join_body("Too many wrong codes: wait a minute, then try again."),
                429,
            )
        if not self.seats.code_matches(code):
            self.wrong.wrong(client)
            return self._page(
                request,
                "Join",
                pages.join_body("That is not the join code. Check the projector and try again."),
                403,
            )
        if self._seated(request) is not None and problem is None:
            return _see_other()
        taken = self.seats.taken()
        people = [(p.id, p.name) for p in self.meeting.session.present if p.id not in taken]
        body = pages.names_body(self.seats.code, people, problem)
        return self._page(request, "Who are you?", body, status)

    async def _seat(self, request: web.Request) -> web.Response:
        form = await request.post()
        code, pid = str(form.get("code", "")), str(form.get("who", ""))
        person = self.meeting.session.participant(pid)
        if person is None or person.absent:
            return self._names(request, code, "That name is not on the list.", 409)
        if self.wrong.blocked(request.remote or "?") or not self.seats.code_matches(code):
            return self._names(request, code)
        mine = self._seated(request)
        if mine is not None and mine[0] != pid:
            self.seats.release(mine[0])  # this phone changes name: its old seat is free
        elif mine is not None:
            return _see_other()
        cookie = self.seats.claim(pid)
        if cookie is None:
            return self._names(
                request,
                code,
                f"{person.name} already has a phone. Ask the "
                "facilitator to release it if that is not you.",
                409,
            )
        response = _see_other()
        response.set_cookie(SEAT_COOKIE, cookie, httponly=True, samesite="Strict", path="/")
        return response

    async def _vote(self, request: web.Request) -> web.Response:
        seat = self._seated(request)
        if seat is None:
            return self._page(
                request,
                "Join",
                pages.join_body(
                    "This phone has no seat (the facilitator may have released it): join again."
                ),
                403,
            )
        pid, cookie = seat
        form = await request.post()
        item_id, token = str(form.get("item", "")), str(form.get("t", ""))
        if not self.seats.token_ok(cookie, item_id, token):
            return self._item_page(
                request,
                pid,
                cookie,
                "That answer came from an old or "
                "foreign page and was not recorded. Here is the current "
                "question.",
                403,
            )
        item = self.meeting.item
        if item_id != item.id:
            return self._item_page(
                request,
                pid,
                cookie,
                "The facilitator has moved on: that "
                "answer was not recorded. Here is the current question.",
                409,
            )
        value = answer_from(item.kind, form)
        if value is None or not check_value(item, value):
            return self._item_page(
                request, pid, cookie, "Choose an answer (or write one) first.", 400
            )
        self._gate.release()  # waiting for the disk is not work: let other requests in
        try:
            result = await self.batcher.submit(Vote(pid, item_id, value))
        finally:
            await self._gate.acquire()
        if not result.saved:
            return self._item_page(request, pid, cookie, f"Not saved: {result.problem}.", 409)
        return _see_other()

    async def _about(
        self, request: web.Request, problem: str | None = None, status: int = 200
    ) -> web.Response:
        """The About-You questions, with this person's own answers."""
        seat = self._seated(request)
        person = self.meeting.session.participant(seat[0]) if seat else None
        if seat is None or person is None:
            return self._page(request, "Join", pages.join_body(), 403)
        body = pages.about_body(
            self.meeting.session.instrument.profile,
            person.profile,
            self.seats.token(seat[1], ABOUT),
            problem=problem,
            saved=request.query.get("saved") == "1" and problem is None,
        )
        return self._page(request, "About you", body, status)

    async def _about_post(self, request: web.Request) -> web.Response:
        seat = self._seated(request)
        person = self.meeting.session.participant(seat[0]) if seat else None
        if seat is None or person is None:
            return self._page(request, "Join", pages.join_body(), 403)
        form = await request.post()
        if not self.seats.token_ok(seat[1], ABOUT, str(form.get("t", ""))):
            return await self._about(
                request, "That form came from an old or foreign page and was not saved.", 403
            )
        answers: dict[str, Any] = {}
        for q in self.meeting.session.instrument.profile:
            value = answer_from(q.kind, form, q.id)
            answers[q.id] = value if value and check_value(q, value) else None
            if q.other:
                other = printable(str(form.get(f"{q.id}-other", ""))).strip()[:300]
                answers[f"{q.id}-other"] = other or None
        try:
            outcome = self.meeting.set_profile(person, answers)
        except BcrError as exc:
            return await self._about(request, exc.message, 400)
        if not outcome.saved:
            return await self._about(
                request, "Not saved: the laptop could not save it; try again.", 409
            )
        if self.on_change is not None:
            self.on_change()
        return web.Response(status=303, headers={"Location": "/about?saved=1"})

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events: the version of what this phone's page shows, when it changes."""
        if self._listeners >= MAX_LISTENERS:
            return _plain("Too many pages are listening.", 503)
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            }
        )
        self._listeners += 1
        try:
            await response.prepare(request)
            await response.write(b"retry: 2000\n\n")  # back online: listen again within 2 s
            sent = None
            while self.running:
                now = self._version_for(request)
                if now != sent:
                    sent = now
                    await response.write(f"data: {now}\n\n".encode())
                tick = self._tick
                try:
                    await asyncio.wait_for(tick.wait(), KEEPALIVE_S)
                except TimeoutError:
                    await response.write(b": still here\n\n")
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._listeners -= 1
        with contextlib.suppress(ConnectionError, RuntimeError):
            await response.write_eof()
        return response


def _see_other() -> web.Response:
    """After a post: go to the page that says what happened (a reload does not post again)."""
    return web.Response(status=303, headers={"Location": "/"})


def _plain(text: str, status: int) -> web.Response:
    return web.Response(
        text=text + "\n",
        status=status,
        headers={
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


__all__ = ["PhoneRoom", "ABSTAIN", "MAX_BODY"]
