"""Who is who on the phones: the join code, seats, per-item form tokens, the wrong-code limit.

A seat is a roster name claimed by one phone: the phone holds a random seat cookie (HttpOnly,
SameSite=Strict) and the laptop a table from cookie to participant, in memory only (a phone that
loses its seat, or a `bcr open` started again, claims the name again). The facilitator can release
a seat (a lost or swapped phone). A vote carries a token bound to its seat and to the question on
the page, so a post from another page, another seat or a closed question is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque

#: Join-code characters: no look-alikes (0/O/D, 1/I/L, 2/Z, 5/S, 8/B, U/V).
ALPHABET = "ACEFHJKMNPRTWXY34679"
CODE_LENGTH = 6
#: Wrong join codes allowed per phone (address) in WINDOW_S.
WRONG_PER_CLIENT = 5
WINDOW_S = 60.0


def new_code() -> str:
    """A fresh join code, e.g. `K7HNP3`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


class Seats:
    """Seat cookies to participant ids, one phone per name."""

    def __init__(self) -> None:
        self.code = new_code()
        self._secret = secrets.token_bytes(32)
        self._by_cookie: dict[str, str] = {}
        self._by_person: dict[str, str] = {}

    def code_matches(self, code: str) -> bool:
        """True if `code` is the join code (any case, spaces ignored), compared in constant time."""
        given = "".join(str(code).split()).upper()[:32]
        return hmac.compare_digest(given.encode(), self.code.encode())

    def claim(self, pid: str) -> str | None:
        """Give `pid`'s seat to a new phone: its cookie, or None when another phone has it."""
        if pid in self._by_person:
            return None
        cookie = secrets.token_urlsafe(24)
        self._by_cookie[cookie] = pid
        self._by_person[pid] = cookie
        return cookie

    def release(self, pid: str) -> bool:
        """Free `pid`'s seat (their phone's cookie stops working); True if it was taken."""
        cookie = self._by_person.pop(pid, None)
        if cookie is None:
            return False
        self._by_cookie.pop(cookie, None)
        return True

    def who(self, cookie: str | None) -> str | None:
        """The participant this seat cookie belongs to, or None."""
        return self._by_cookie.get(cookie) if cookie else None

    def taken(self) -> set[str]:
        """Participant ids with a phone."""
        return set(self._by_person)

    def token(self, cookie: str, item_id: str) -> str:
        """The form token for this seat and question (refused on any other)."""
        mac = hmac.new(self._secret, f"{cookie}\0{item_id}".encode(), hashlib.sha256)
        return mac.hexdigest()[:32]

    def token_ok(self, cookie: str, item_id: str, token: str) -> bool:
        """True if `token` was made for this seat and question."""
        return hmac.compare_digest(self.token(cookie, item_id).encode(), str(token).encode())


class WrongCodes:
    """Counts wrong join codes: a phone (address) gets a few a minute. (No limit for everyone
    together: one phone sending wrong codes would then keep the whole room out; and 20**6 codes
    at 5 a minute an address is no shortcut.)"""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._by_client: dict[str, deque[float]] = {}

    def blocked(self, client: str) -> bool:
        """True while this client has had too many wrong codes lately."""
        now = self._clock()
        mine = self._by_client.get(client, deque())
        while mine and now - mine[0] > WINDOW_S:
            mine.popleft()
        return len(mine) >= WRONG_PER_CLIENT

    def wrong(self, client: str) -> None:
        """Count one wrong code from this client."""
        now = self._clock()
        self._by_client.setdefault(client, deque()).append(now)
        if len(self._by_client) > 10_000:  # a flood of addresses: forget the oldest
            self._by_client.pop(next(iter(self._by_client)))
