"""The line between the laptop and its phone server: one JSON object a line, each way.

The phones' server is a process of its own (`child`), started by the laptop's `room.PhoneRoom` with
pipes for its standard input and output. The laptop sends the meeting's `snapshot` (op `state`),
the answers to the server's requests (`done`), seat releases, and `listen` / `close` (the stop
switch); the server sends the phones' votes and About-You answers (`vote`, `profile`, each with a
number `n`; one `done` answers those of a moment together), who has a seat (`seats`), and how
listening went. Neither side trusts a line: one that is not a JSON object with a text `op` is
skipped. When the laptop's process ends, however it ends, the server reads the end of its input and
stops: a phone is never told "Saved" by a server whose laptop is gone.
"""

from __future__ import annotations

import json
from typing import Any

#: The longest line either side accepts (a snapshot holds the current question's answers, and an
#: open question's answers are up to 2,000 characters each).
LIMIT = 32 * 1024 * 1024


def encode(op: str, **fields: Any) -> bytes:
    """One message as a line."""
    return (
        json.dumps({"op": op, **fields}, ensure_ascii=False, separators=(",", ":")) + "\n"
    ).encode()


def decode(line: bytes) -> dict[str, Any] | None:
    """The message on a line, or None if it is not one."""
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(message, dict) or not isinstance(message.get("op"), str):
        return None
    return message
