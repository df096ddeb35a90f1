"""Whose turn it is, and where the meeting goes after each answer.

Round-robin item-major: go around the room on one item; after the last present person the item
advances (in a blind session it waits for the reveal first). Participant-major: one person does
every item, then the next person. Group and tally: one answer per item, then the next item.
Absent people never get the turn. All functions change only `session.cursor`.
"""

from __future__ import annotations

from bcr_tui.session.records import GROUP, TALLY, Cursor, LogEntry
from bcr_tui.session.state import Session


def rater_for(session: Session) -> str | None:
    """Who the digit keys record for right now (None: nobody, e.g. the round is complete)."""
    if session.mode == "group":
        return GROUP
    if session.mode == "tally":
        return TALLY
    return session.cursor.who if session.cursor else None


def item_index(session: Session) -> int:
    """Position of the current item in the session's item list."""
    ids = [i.id for i in session.items]
    return ids.index(session.cursor.item) if session.cursor and session.cursor.item in ids else 0


def start(session: Session, *, reopening: bool = False) -> None:
    """Put the cursor on a sensible first turn if it has none (or points at nothing valid).
    On reopening, a turn the facilitator gave an absent person (↑ ↓) stays theirs: the screen
    shows what the file says."""
    ids = {i.id for i in session.items}
    cursor = session.cursor
    if cursor is None or cursor.item not in ids:
        session.cursor = Cursor(session.items[0].id if session.items else "", None)
    if session.mode == "round-robin":
        who = session.cursor.who
        person = session.participant(who) if who else None
        if who is not None and (person is None or (person.absent and not reopening)):
            session.cursor.who = _next_unanswered(session, session.cursor.item, who)
        elif who is None and not round_complete(session, session.cursor.item):
            session.cursor.who = _next_unanswered(session, session.cursor.item, None)


def round_complete(session: Session, item_id: str) -> bool:
    """True when every present participant has answered this item (round-robin)."""
    return all(session.answer(p.id, item_id) is not None for p in session.present)


def waiting_for_reveal(session: Session) -> bool:
    """True in a blind session when the current item's round is complete but not yet revealed."""
    item = session.cursor.item
    if not session.blind or item in session.revealed:
        return False
    if session.mode == "round-robin":
        return round_complete(session, item) and bool(session.present)
    if session.mode == "tally":
        return bool(session.tally.get(item))
    return session.answer(GROUP, item) is not None


def after_answer(session: Session) -> None:
    """Move the cursor on after an answer was recorded for the current turn."""
    item = session.cursor.item
    if session.mode == "round-robin" and session.order == "participant-major":
        who = session.cursor.who
        nxt = _next_item_for(session, who, item) if who else None
        if nxt is not None:
            session.cursor = Cursor(nxt, who)
            return
        person = _next_person_with_work(session, who)
        if person is not None:
            session.cursor = Cursor(_first_unanswered_item(session, person) or item, person)
        else:
            session.cursor = Cursor(item, None)
        return
    if session.mode == "round-robin":
        who = _next_unanswered(session, item, session.cursor.who)
        if who is not None:
            session.cursor.who = who
            return
        session.cursor.who = None
    if waiting_for_reveal(session):
        return
    next_item(session)


def after_undo(session: Session, entry: LogEntry) -> None:
    """Bring the cursor back to the answer that was undone or redone, so it can be re-keyed."""
    if entry.op == "set" and any(i.id == entry.item for i in session.items):
        session.cursor = Cursor(entry.item, entry.who if session.mode == "round-robin" else None)
    elif entry.op == "tally":
        session.cursor = Cursor(entry.item, None)
    elif entry.op == "absent":
        after_absence(session, entry.who)


def after_redo(session: Session, entry: LogEntry) -> None:
    """After a redo the turn moves on as it did after the answer was first given (the redone
    answer is not the turn's any more: a digit must not overwrite it)."""
    after_undo(session, entry)
    if entry.op in ("set", "tally") and session.cursor.item == entry.item:
        after_answer(session)


def next_item(session: Session) -> None:
    """Go to the next item (the first present person who has not answered it has the turn)."""
    _go_item(session, +1)


def previous_item(session: Session) -> None:
    """Go back one item."""
    _go_item(session, -1)


def _go_item(session: Session, step: int) -> None:
    ids = [i.id for i in session.items]
    index = item_index(session) + step
    if not 0 <= index < len(ids):
        return
    item = ids[index]
    who = session.cursor.who
    if session.mode == "round-robin" and session.order == "item-major":
        who = _next_unanswered(session, item, None)
    elif session.mode == "round-robin" and who is None:
        who = session.present[0].id if session.present else None
    session.cursor = Cursor(item, who)


def next_participant(session: Session) -> None:
    """Give the turn to the next person in the roster (absent people included, to bring back)."""
    _go_participant(session, +1)


def previous_participant(session: Session) -> None:
    """Give the turn to the previous person in the roster."""
    _go_participant(session, -1)


def _go_participant(session: Session, step: int) -> None:
    if session.mode != "round-robin" or not session.participants:
        return
    ids = [p.id for p in session.participants]
    who = session.cursor.who
    fallback = 0 if step > 0 else len(ids) - 1
    session.cursor.who = ids[(ids.index(who) + step) % len(ids) if who in ids else fallback]


def after_absence(session: Session, pid: str) -> None:
    """If the person who had the turn was marked absent, pass the turn on."""
    if session.mode == "round-robin" and session.cursor.who is None:
        start(session)  # back in the room after the round was complete: their turn
    elif session.mode == "round-robin" and session.cursor.who == pid:
        person = session.participant(pid)
        if person is not None and person.absent:
            if session.order == "participant-major":
                nxt = _next_person_with_work(session, pid)
                session.cursor.who = nxt
                first = _first_unanswered_item(session, nxt) if nxt else None
                session.cursor.item = first or session.cursor.item
            else:
                session.cursor.who = _next_unanswered(session, session.cursor.item, pid)


def _next_unanswered(session: Session, item: str, after: str | None) -> str | None:
    """The first present person after `after` (wrapping round) who has not answered `item`."""
    return next(
        (p.id for p in _present_after(session, after) if session.answer(p.id, item) is None), None
    )


def _next_item_for(session: Session, who: str, item: str) -> str | None:
    """The next item after `item` that `who` has not answered (participant-major)."""
    ids = [i.id for i in session.items]
    later = ids[ids.index(item) + 1 :] if item in ids else ids
    return next((i for i in later if session.answer(who, i) is None), None)


def _first_unanswered_item(session: Session, who: str) -> str | None:
    return next((i.id for i in session.items if session.answer(who, i.id) is None), None)


def _next_person_with_work(session: Session, after: str | None) -> str | None:
    """The next present person (wrapping round) who still has items to answer."""
    return next(
        (
            p.id
            for p in _present_after(session, after)
            if _first_unanswered_item(session, p.id) is not None
        ),
        None,
    )


def _present_after(session: Session, after: str | None) -> list:
    """Present participants in roster order, starting after `after` and wrapping round."""
    people = session.participants
    ids = [p.id for p in people]
    k = ids.index(after) + 1 if after in ids else 0
    return [p for p in people[k:] + people[:k] if not p.absent]
