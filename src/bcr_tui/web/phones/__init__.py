"""Phones in the room: participants rate on their own phones over the room's own network.

The facilitator's `bcr open` is the only writer; a phone's vote is an operation on the same
session through the same meeting driver (`meeting.Meeting.vote`) and the same durable save as a
key press. The parts: `lan` (which address to serve on), `seats` (join code, seat cookies, rate
limit, per-item form tokens), `votes` (votes that arrive together saved together in a worker
thread, each phone answered after the fsync), `pages` (the server-rendered HTML), `server` (the
aiohttp app in Textual's own event loop: `PhoneRoom`, its routes, start and stop), built from
`room` (what the handlers share), `guards` (what every request passes first) and the handlers by
page (`join`, `question`, `about`, `events`), `qr` (the join QR in half blocks). No Textual here.

`offered` is the one rule for where phones are offered (`--phones`, the key `j`, the palette).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bcr_tui.session.state import Session


def offered(session: Session) -> bool:
    """Phones are for sessions where people answer for themselves (round-robin, blind or not);
    group and tally sessions answer at the keyboard."""
    return session.mode == "round-robin"
