"""What an answer and a participant's name may be (the checks that every change and every file read
applies), and the ids participants get.

Apart from `state` because they need no session: the session file's reader, the phones' server and
the roster a facilitator types check answers and names with them, and the Session's own changes
(`state`, `history`, `roster_steps`) call them too.
"""

from __future__ import annotations

from typing import Any

from bcr_tui.errors import UsageError
from bcr_tui.instrument.model import ABSTAIN, Item
from bcr_tui.plaintext import one_line
from bcr_tui.session.records import MAX_NAME


def participant_id(n: int) -> str:
    """The id of the n-th participant: p01, p02 … p99, p100 …"""
    return f"p{n:02d}"


def clean_name(name: str) -> str:
    """A participant's name as kept: one line, trimmed, not empty, not absurdly long."""
    if not isinstance(name, str):
        raise UsageError("a participant's name must be text")
    flat = one_line(name)
    if not flat:
        raise UsageError("a participant's name cannot be empty")
    if len(flat) > MAX_NAME:
        raise UsageError(f"a participant's name is at most {MAX_NAME} characters")
    return flat


def check_value(item: Item, value: Any) -> bool:
    """True if `value` is a valid answer to `item`."""
    try:
        validate_value(item, value)
    except UsageError:
        return False
    return True


def validate_value(item: Item, value: Any) -> None:
    """Raise UsageError unless `value` is a valid answer to `item`."""
    if item.kind == "rating":
        scale = item.scale
        known = isinstance(value, str) and (value == ABSTAIN or not scale or scale.point(value))
        if not known:
            raise UsageError(f"{value!r} is not a point on the scale of {item.id!r}")
    elif item.kind == "choice":
        keys = {o.key for o in item.options} | _other(item) | {ABSTAIN}
        if not isinstance(value, str) or value not in keys:
            raise UsageError(f"{value!r} is not an option of {item.id!r}")
    elif item.kind == "multichoice":
        keys = {o.key for o in item.options} | _other(item)
        if not isinstance(value, list) or any(
            not isinstance(v, str) or v not in keys for v in value
        ):
            raise UsageError(f"the answer to {item.id!r} must be a list of its options")
    elif item.kind == "text":
        if not isinstance(value, str):
            raise UsageError(f"the answer to {item.id!r} is text")
    elif item.kind == "table":
        columns = {c.key for c in item.columns}
        if not isinstance(value, list) or not all(
            isinstance(row, dict)
            and set(row) <= columns
            and all(isinstance(v, str) for v in row.values())
            for row in value
        ):
            raise UsageError(f"the answer to {item.id!r} is a list of rows")


def describe(item: Item, value: Any) -> str:
    """An answer in words: the point's label, "abstains", or the text."""
    if value == ABSTAIN:
        return "abstains"
    if item.scale is not None:
        point = item.scale.point(value)
        return point.label if point else str(value)
    option = next((o for o in item.options if o.key == value), None)
    if option is not None:
        return option.label
    if isinstance(value, str):
        return f"“{value[:60]}{'…' if len(value) > 60 else ''}”"
    return "answered"


def _other(item: Item) -> set[str]:
    return {"other"} if item.other else set()
