"""The facilitator's keys before the phones' votes.

Phone votes and key presses share the meeting's one event loop. During a burst of 200 phones the
laptop reads, applies and renders votes for ~50 ms, and a key pressed meanwhile queued behind them
at every step (its event, its action, its frame), and behind the garbage collector's passes over
what those left: the facilitator's key p95 was 52-82 ms against 13-15 ms without phones. So each
key that arrives holds the phones' side back (`PhoneRoom.hold`: their messages, the vote saves,
the collector) until that key's frame has been handed to the terminal, or `HOLD_S`; a vote waits a
few milliseconds longer for its "Saved", and nothing else changes (votes are still applied in
order, and a fast typist cannot starve them: see `PhoneRoom.hold`).

`BcrApp` tells this as each key arrives and as each frame is written; the meeting screen tells it
when a key's action has run, so the frame that ends the hold is one that shows the key.
"""

from __future__ import annotations

import sys
from typing import Protocol

#: The interpreter's thread switch interval while phones are on (Python's default: 5 ms). The
#: frame Textual has drawn is written to the terminal by its output thread, which waited up to
#: the switch interval for the event loop's thread to let go (several times over, while votes
#: were being applied); at 1 ms the facilitator's key p95 during a 200-phone burst went from
#: 60-70 ms to 44-45 (two runs each).
SWITCH_S = 0.001


class Holds(Protocol):
    """What a key can hold back: `PhoneRoom`."""

    def hold(self) -> None: ...

    def resume(self) -> None: ...


class KeysFirst:
    """Holds `room` from a key's arrival until the first frame after its action has run."""

    def __init__(self, room: Holds) -> None:
        self.room = room
        self._handled = False
        sys.setswitchinterval(SWITCH_S)

    def arrived(self) -> None:
        """A key has arrived from the terminal (not yet handled)."""
        self._handled = False
        self.room.hold()

    def handled(self) -> None:
        """The key's action has run: its frame is the next one written."""
        self._handled = True

    def drawn(self) -> None:
        """A frame has been written to the terminal."""
        if self._handled:
            self._handled = False
            self.room.resume()
