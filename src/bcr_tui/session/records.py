"""What a session records: participants, action steps, the cursor, change-log entries, and the
format's constants. Plain data, apart from `state` so that the readers and writers of the
session file and the analysis can name them without the operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

FORMAT = "bcr-session/1"
#: Written only by a file whose log corrects or removes a participant or changes an action step
#: (the log kinds "rename", "remove" and "action", which a bcr that reads only /1 would refuse):
#: every other file stays /1.
FORMAT_2 = "bcr-session/2"
FORMATS = (FORMAT, FORMAT_2)
ROSTER_OPS = ("rename", "remove")
NEW_OPS = (*ROSTER_OPS, "action")
MODES = ("group", "round-robin", "tally")
ORDERS = ("item-major", "participant-major")
GROUP = "group"
TALLY = "tally"
#: Log operations that can be undone; "undo", "redo" and "join" are recorded but not undoable.
UNDOABLE = ("set", "tally", "absent", "note", "profile", *NEW_OPS)
LOG_OPS = (*UNDOABLE, "undo", "redo", "join")
MAX_PARTICIPANTS = 10_000
#: What the audience view (`bcr view`) may show; the facilitator can hide each.
AUDIENCE_DEFAULTS = {"names": True, "results": True}
MAX_NAME = 200


def now() -> datetime:
    """The current time, UTC, to the second (what session files record)."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Participant:
    """Someone in the room. `profile` holds their About-You answers by question id."""

    id: str
    name: str
    organization: str | None = None
    absent: bool = False
    profile: dict[str, Any] = field(default_factory=dict)


@dataclass
class Action:
    """An agreed action step: what, what is needed, who, by when."""

    step: str
    needs: str = ""
    owner: str = ""
    due: str = ""


@dataclass
class Cursor:
    """Where the meeting is: the item on screen and whose turn it is (None: round complete)."""

    item: str
    who: str | None = None


class LogEntry(NamedTuple):
    """One change. `who` is a participant id, "group" or "tally"; `item` an item or domain id.

    `old`/`new` are the values before and after (None: no value). For op "absent" they are
    booleans; for "profile" `item` is the profile question id; for "undo"/"redo" they are the
    values the undo or redo applied. (A named tuple, not a frozen dataclass: a big session's log
    is ten thousand of them, made on every open, and a tuple is made five times as fast.)
    """

    at: datetime
    op: str
    who: str
    item: str = ""
    old: Any = None
    new: Any = None
