"""The event stream a page listens to: the version of what this phone's page shows.

`GET /events` is Server-Sent Events: it sends the version (the question, its reveal, the roster
and whether this phone has a seat) when it changes, and a comment every `KEEPALIVE_S` so that
proxies and phones keep the connection. It never sends anyone's answer. At most `MAX_LISTENERS`
pages listen at once. Kept apart because it is the one long-lived response.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from bcr_tui.web.phones.guards import plain
from bcr_tui.web.phones.site import Site

MAX_LISTENERS = 1000
KEEPALIVE_S = 15.0


class EventStream(Site):
    """`GET /events`."""

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events: the version of what this phone's page shows, when it changes."""
        if self._listeners >= MAX_LISTENERS:
            return plain("Too many pages are listening.", 503)
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
