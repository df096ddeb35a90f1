"""The request guards: every request to the phones' server passes `Guards._guard` first.

The Host must be the join address (a page reached under another name is refused, against DNS
rebinding); a post must come from that origin (Chrome sends `Origin: null` when a page says
`Referrer-Policy: no-referrer`, so the pages say `same-origin`); a body is at most 4 KiB. (The
server is a process of its own, so a burst of phones never holds up the facilitator's keys: no
gate is needed here.) Every response not yet sent gets the headers that
keep it out of frames, caches and content sniffing. Kept apart from the route handlers so that the
whole of what a request must pass before any handler runs is read in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from bcr_tui.web.phones.site import Site

MAX_BODY = 4096


class Guards(Site):
    """The middleware every request passes (Host, Origin, body size)."""

    @web.middleware
    async def _guard(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        if request.host != self.address:
            return plain("This address is not the meeting's.", 421)
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin is not None and origin != self.base_url.rstrip("/"):
                return plain("This form did not come from the meeting's page.", 403)
            if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
                return plain("This form did not come from the meeting's page.", 403)
            if request.content_length is None or request.content_length > MAX_BODY:
                return plain("Too much was sent.", 413)
        try:
            response = await handler(request)
        except web.HTTPRequestEntityTooLarge:
            return plain("Too much was sent.", 413)
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


def plain(text: str, status: int) -> web.Response:
    return web.Response(
        text=text + "\n",
        status=status,
        headers={
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
