"""The phones' web server: an aiohttp app, run in its own process (`child`).

`PhoneServer` is the phones of one meeting put together: what the pages share (`site.Site`), the
request guards (`guards`), and the route handlers grouped by page (`join`, `question`, `about`,
`events`). This module holds what joins them: the route table, and listening and closing (the
stop switch). It never holds the session: it shows the laptop's snapshot and sends each vote to the
laptop, which saves it.
"""

from __future__ import annotations

from aiohttp import web

from bcr_tui.web.phones.about import AboutPages
from bcr_tui.web.phones.events import EventStream
from bcr_tui.web.phones.guards import MAX_BODY, Guards
from bcr_tui.web.phones.join import JoinPages
from bcr_tui.web.phones.question import QuestionPages


class PhoneServer(Guards, JoinPages, QuestionPages, AboutPages, EventStream):
    """The phones of one meeting: seats, pages, and the server they reach."""

    async def listen(self, host: str, port: int) -> None:
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
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self.host, self.port = host, port
        self._runner = runner
        self.running = True

    async def close(self) -> None:
        """Stop taking answers: the server closes (votes already acknowledged are on disk)."""
        self.running = False
        self._wake()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()


__all__ = ["PhoneServer", "MAX_BODY"]
