"""The phones' web server: an aiohttp app run in the facilitator's own event loop.

`PhoneRoom` is the phones of one meeting put together: the shared state (`room.Room`), the request
guards (`guards`), and the route handlers grouped by page (`join`, `question`, `about`, `events`).
This module holds what joins them: the route table, and starting and stopping the server (the stop
switch). The meeting screen imports `PhoneRoom` from here.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bcr_tui.instrument.model import ABSTAIN
from bcr_tui.web.phones.about import AboutPages
from bcr_tui.web.phones.events import EventStream
from bcr_tui.web.phones.guards import MAX_BODY, Guards
from bcr_tui.web.phones.join import JoinPages
from bcr_tui.web.phones.question import QuestionPages


class PhoneRoom(Guards, JoinPages, QuestionPages, AboutPages, EventStream):
    """The phones of one meeting: seats, votes, and the server they reach."""

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


__all__ = ["PhoneRoom", "ABSTAIN", "MAX_BODY"]
