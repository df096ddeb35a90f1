"""Phones in the room: participants rate on their own phones over the room's own network.

Two processes. The laptop's (`bcr open`) is the only writer: `room.PhoneRoom` starts the phones'
server as a process of its own (`child`: why there), sends it a `snapshot` of the meeting, and
applies each vote it relays through the meeting driver (`Meeting.vote`), saved by the same durable
`votes.Saver` as a key press (votes that arrive together in one save, or in a key press's own); the
server is told "done" only after the fsync. The server's process holds the web: `server` (the
aiohttp routes, listening and closing: the stop switch), built from `site` (what the pages share,
and the `Laptop` it asks), `guards` (what every request passes first) and the handlers by page
(`join`, `question`, `about`, `events`), with `seats` (join code, seat cookies, rate limit,
per-item form tokens) and `pages` (the server-rendered HTML). `channel` is the line between the
two, `address` how both write where phones reach the meeting; `lan` (which address to serve on),
`qr` (the join QR in half blocks) and `announce` (the join address for `bcr view`) are the
laptop's. No Textual here.

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
