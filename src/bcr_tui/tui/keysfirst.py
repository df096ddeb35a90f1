"""The facilitator's keys before the phones' votes.

Phone votes and key presses share the meeting's one event loop. During a burst of 200 phones the
laptop reads, applies and renders votes for ~50 ms, and a key pressed meanwhile queued behind them
at every step (its event, its action, its frame), and behind the garbage collector's passes over
what those left: the facilitator's key p95 was 52-82 ms against 13-15 ms without phones. So each
key that arrives holds the phones' side back (`PhoneRoom.hold`: their messages, the vote saves,
the collector) until that key's frame has been handed to the terminal, or `HOLD_S`; a vote waits a
few milliseconds longer for its "Saved", and nothing else changes (votes are still applied in
order, and a fast typist cannot starve them: see `PhoneRoom.hold`).

The hold starts as the terminal's input thread reads the key (`with_keys_first`: the driver tells
`PhoneRoom.key_coming`, and the phones' reader stops at its next message), not when the event
loop gets round to the key's event two or three turns later: those turns, each with a slice of
votes to apply, were half of what a key waited (a median 8 ms, 13 ms at the 90th percentile).
`BcrApp` tells this as each frame is written; the meeting screen tells it when a key's action has
run, so the frame that ends the hold is one that shows the key.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Protocol

from textual.events import Key

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.message import Message

#: The interpreter's thread switch interval while phones are on (Python's default: 5 ms). The
#: frame Textual has drawn is written to the terminal by its output thread, which waited up to
#: the switch interval for the event loop's thread to let go (several times over, while votes
#: were being applied); at 1 ms the facilitator's key p95 during a 200-phone burst went from
#: 60-70 ms to 44-45 (two runs each).
SWITCH_S = 0.001


class Holds(Protocol):
    """What a key can hold back: `PhoneRoom`."""

    #: Set from the terminal's input thread when a key has been read.
    key_coming: bool

    def hold(self) -> None: ...

    def resume(self) -> None: ...


class KeysFirst:
    """Holds `room` from a key's arrival until the first frame after its action has run."""

    def __init__(self, room: Holds) -> None:
        self.room = room
        self._handled = False
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_S)

    def close(self) -> None:
        """The phones are gone with the meeting: the switch interval as it was."""
        sys.setswitchinterval(self._switch)

    def coming(self) -> None:
        """A key has been read from the terminal (called in the driver's input thread: only a
        flag, which the phones' reader and `arrived` act on in the event loop)."""
        self.room.key_coming = True

    def arrived(self) -> None:
        """A key has reached the app (not yet handled)."""
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


def with_keys_first(driver: type[Driver]) -> type[Driver]:
    """`driver`, telling the app's `KeysFirst` (while phones are on) of each key as it is read."""

    class KeysFirstDriver(driver):  # type: ignore[misc, valid-type]
        def process_message(self, message: Message) -> None:
            keys_first = getattr(self._app, "keys_first", None)
            if keys_first is not None and isinstance(message, Key):
                keys_first.coming()
            super().process_message(message)

    KeysFirstDriver.__name__ = KeysFirstDriver.__qualname__ = f"KeysFirst{driver.__name__}"
    return KeysFirstDriver
