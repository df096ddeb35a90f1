"""Session state and turn order: recording, validation, whose turn it is, undo and redo."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcr_tui.errors import UsageError
from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.session import turns
from bcr_tui.session.records import GROUP, TALLY, Action, Cursor
from bcr_tui.session.state import new_session

ABC = [("Ana", None), ("Ben", "Harbor Hardware"), ("Cy", None)]


@pytest.fixture(scope="module")
def cpat():
    return load_instrument(find_instrument("cpat"))


@pytest.fixture
def rr(pai):
    """A round-robin PAI session with three people."""
    return new_session(pai, "Check-in", ABC, community="Ventura")


def _ids(session):
    return [i.id for i in session.items]


def _key(session):
    """Record 'maintain' for whoever has the turn, then pass the turn on (what key `1` does)."""
    who = turns.rater_for(session)
    session.record(who, session.cursor.item, "maintain")
    turns.after_answer(session)
    return who


# --------------------------------------------------------------------------- new_session


def test_new_session_round_robin_starts_with_first_person_on_first_item(rr):
    assert [p.id for p in rr.participants] == ["p01", "p02", "p03"]
    assert [p.name for p in rr.participants] == ["Ana", "Ben", "Cy"]
    assert rr.participants[1].organization == "Harbor Hardware"
    assert rr.cursor == Cursor("trust-1", "p01")
    assert rr.log == []  # the roster at creation is not a change
    assert rr.mode == "round-robin"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "   "}, "needs a title"),
        ({"mode": "silent"}, "mode must be one of"),
        ({"order": "random"}, "order must be one of"),
        ({"people": []}, "round-robin needs participants"),
        ({"people": [("  \n ", None)]}, "name cannot be empty"),
        ({"people": [("x" * 201, None)]}, "at most 200 characters"),
    ],
)
def test_new_session_refuses_bad_arguments(pai, kwargs, message):
    args = {"title": "T", "people": ABC, **kwargs}
    title, people = args.pop("title"), args.pop("people")
    with pytest.raises(UsageError, match=message):
        new_session(pai, title, people, **args)


def test_new_session_cleans_title_community_and_names(pai):
    s = new_session(
        pai, "  Fall \n check-in ", [(" Ana\n  Ruiz\x00 ", None)], community="  Ventura   County "
    )
    assert s.title == "Fall check-in"
    assert s.community == "Ventura County"
    assert s.participants[0].name == "Ana Ruiz"


def test_group_mode_needs_no_participants(pai):
    s = new_session(pai, "T", mode="group")
    assert s.raters() == [GROUP]
    assert turns.rater_for(s) == GROUP


# --------------------------------------------------------------------------- record / validate


def test_record_abstain_and_clear(rr):
    rr.record("p01", "trust-1", "immediate")
    assert rr.answer("p01", "trust-1") == "immediate"
    rr.abstain("p02", "trust-1")
    assert rr.answer("p02", "trust-1") == "abstain"
    assert rr.answered("trust-1") == {"p01": "immediate", "p02": "abstain"}
    rr.record("p01", "trust-1", None)
    assert rr.answer("p01", "trust-1") is None
    assert "p01" not in rr.answers  # no empty tables left behind
    assert [(e.op, e.who, e.item, e.old, e.new) for e in rr.log] == [
        ("set", "p01", "trust-1", None, "immediate"),
        ("set", "p02", "trust-1", None, "abstain"),
        ("set", "p01", "trust-1", "immediate", None),
    ]


@pytest.mark.parametrize(
    ("who", "item", "value"),
    [
        ("p01", "trust-1", "excellent"),  # not a point of the scale
        ("p01", "trust-1", 1),  # not a key at all
        ("p01", "trust-1", ["maintain"]),
        ("p01", "no-such-item", "maintain"),
        ("p01", "sector", "government"),  # a profile question is not an item
        ("p99", "trust-1", "maintain"),  # nobody of that id
    ],
)
def test_invalid_answers_are_rejected(rr, who, item, value):
    with pytest.raises(UsageError):
        rr.record(who, item, value)
    assert rr.answers == {}
    assert rr.log == []


def test_text_item_takes_text_only(cpat):
    s = new_session(cpat, "T", [("A", None)])
    s.record("p01", "success", "More parents at the table")
    assert s.answer("p01", "success") == "More parents at the table"
    with pytest.raises(UsageError):
        s.record("p01", "success", 42)


def test_table_item_takes_rows_of_its_columns():
    coc = load_instrument(find_instrument("communities-of-care"))
    s = new_session(coc, "T")
    rows = [{"barrier": "Time", "strategies": "Shorter meetings"}, {"barrier": "Money"}]
    s.record(GROUP, "barriers", rows)
    assert s.answer(GROUP, "barriers") == rows
    for bad in ([{"colour": "red"}], [{"barrier": 3}], ["Time"], {"barrier": "Time"}):
        with pytest.raises(UsageError):
            s.record(GROUP, "barriers", bad)


# --------------------------------------------------------------------------- round-robin turns


def test_round_robin_passes_the_turn_then_advances_the_item(rr):
    assert _key(rr) == "p01"
    assert rr.cursor == Cursor("trust-1", "p02")
    assert _key(rr) == "p02"
    assert rr.cursor == Cursor("trust-1", "p03")
    assert _key(rr) == "p03"
    # After the last person the item advances and the first person has the turn again.
    assert rr.cursor == Cursor("trust-2", "p01")
    assert turns.round_complete(rr, "trust-1")


def test_next_item_gives_the_turn_to_first_unanswered_present_person(rr):
    rr.record("p01", "trust-2", "future")  # Ana answered trust-2 ahead of time
    for _ in range(3):
        _key(rr)
    assert rr.cursor == Cursor("trust-2", "p02")
    _key(rr)
    _key(rr)
    assert rr.cursor == Cursor("trust-3", "p01")


def test_turn_skips_people_who_already_answered(rr):
    rr.record("p02", "trust-1", "future")
    _key(rr)
    assert rr.cursor == Cursor("trust-1", "p03")


def test_absent_people_are_skipped(rr):
    rr.set_absent("p02", True)
    assert [p.id for p in rr.present] == ["p01", "p03"]
    _key(rr)
    assert rr.cursor == Cursor("trust-1", "p03")
    _key(rr)
    # Ben is absent: the round is complete without him.
    assert rr.cursor == Cursor("trust-2", "p01")


def test_marking_the_current_person_absent_passes_the_turn(rr):
    _key(rr)
    assert rr.cursor.who == "p02"
    rr.set_absent("p02", True)
    turns.after_absence(rr, "p02")
    assert rr.cursor == Cursor("trust-1", "p03")
    # Marking someone else absent does not move the turn.
    rr.set_absent("p01", True)
    turns.after_absence(rr, "p01")
    assert rr.cursor == Cursor("trust-1", "p03")


def test_last_present_person_marked_absent_completes_the_round(rr):
    _key(rr)
    _key(rr)
    rr.set_absent("p03", True)
    turns.after_absence(rr, "p03")
    assert rr.cursor.who is None
    assert turns.round_complete(rr, "trust-1")


def test_set_absent_unknown_person(rr):
    with pytest.raises(UsageError):
        rr.set_absent("p42", True)


def test_participant_major_one_person_does_every_item(pai):
    s = new_session(pai, "T", ABC, order="participant-major")
    ids = _ids(s)
    for n in range(len(ids)):
        assert s.cursor == Cursor(ids[n], "p01")
        _key(s)
    # Ana is done: Ben starts at the first item.
    assert s.cursor == Cursor(ids[0], "p02")
    assert all(s.answer("p01", i) == "maintain" for i in ids)
    assert s.answer("p02", ids[0]) is None


def test_participant_major_skips_items_already_answered(pai):
    s = new_session(pai, "T", ABC, order="participant-major")
    s.record("p01", "trust-2", "future")
    _key(s)
    assert s.cursor == Cursor("trust-3", "p01")


def test_participant_major_everyone_done_leaves_nobody_with_the_turn(pai):
    s = new_session(pai, "T", [("A", None)], order="participant-major")
    for _ in s.items:
        _key(s)
    assert s.cursor.who is None
    assert s.answered_count() == s.expected() == len(s.items)


def test_group_mode_one_answer_per_item(pai):
    s = new_session(pai, "T", ABC, mode="group")
    assert s.cursor == Cursor("trust-1", None)
    assert _key(s) == GROUP
    assert s.cursor == Cursor("trust-2", None)
    assert s.answers == {GROUP: {"trust-1": "maintain"}}
    assert s.expected() == 31


def test_next_and_previous_item_and_participant(rr):
    turns.next_item(rr)
    assert rr.cursor == Cursor("trust-2", "p01")
    turns.previous_item(rr)
    turns.previous_item(rr)  # already at the first item: stays
    assert rr.cursor.item == "trust-1"
    turns.previous_participant(rr)
    assert rr.cursor.who == "p03"  # wraps round
    turns.next_participant(rr)
    assert rr.cursor.who == "p01"
    for _ in range(len(rr.items) + 3):
        turns.next_item(rr)
    assert rr.cursor.item == _ids(rr)[-1]


# --------------------------------------------------------------------------- blind rounds


def test_blind_round_waits_for_reveal(pai):
    s = new_session(pai, "T", ABC, blind=True)
    assert not s.is_visible("trust-1")
    for _ in range(3):
        _key(s)
    # The round is complete, but the item does not advance until it is revealed.
    assert s.cursor == Cursor("trust-1", None)
    assert turns.waiting_for_reveal(s)
    assert turns.rater_for(s) is None
    s.reveal("trust-1")
    assert s.is_visible("trust-1")
    assert not turns.waiting_for_reveal(s)
    turns.next_item(s)
    assert s.cursor == Cursor("trust-2", "p01")
    assert not s.is_visible("trust-2")


def test_blind_group_mode_waits_for_reveal(pai):
    s = new_session(pai, "T", mode="group", blind=True)
    _key(s)
    assert s.cursor == Cursor("trust-1", None)
    assert turns.waiting_for_reveal(s)
    s.reveal("trust-1")
    turns.next_item(s)
    assert s.cursor.item == "trust-2"


def test_reveal_is_not_undoable(pai):
    s = new_session(pai, "T", ABC, blind=True)
    s.record("p01", "trust-1", "future")
    s.reveal("trust-1")
    s.undo()
    assert "trust-1" in s.revealed


# --------------------------------------------------------------------------- undo / redo


def test_undo_redo_stacks_are_derived_from_the_log(rr):
    rr.record("p01", "trust-1", "maintain")
    rr.record("p02", "trust-1", "immediate")
    rr.record("p03", "trust-1", "future")
    first = rr.undo()
    second = rr.undo()
    assert (first.who, second.who) == ("p03", "p02")
    assert rr.answered("trust-1") == {"p01": "maintain"}
    done, undone = rr.stacks()
    assert [e.who for e in done] == ["p01"]
    assert [e.who for e in undone] == ["p03", "p02"]

    redone = rr.redo()
    assert redone.who == "p02"
    assert rr.answer("p02", "trust-1") == "immediate"
    assert [e.who for e in rr.stacks()[1]] == ["p03"]

    # A new change clears what could be redone.
    rr.record("p03", "trust-1", "maintain")
    assert rr.stacks()[1] == []
    assert rr.redo() is None
    assert rr.answer("p03", "trust-1") == "maintain"
    assert [e.op for e in rr.log] == ["set", "set", "set", "undo", "undo", "redo", "set"]


def test_undo_with_nothing_to_undo(rr):
    assert rr.undo() is None
    assert rr.redo() is None
    assert rr.log == []


def test_undo_restores_the_previous_answer_not_a_blank(rr):
    rr.record("p01", "trust-1", "maintain")
    rr.record("p01", "trust-1", "immediate")
    rr.undo()
    assert rr.answer("p01", "trust-1") == "maintain"
    rr.undo()
    assert rr.answer("p01", "trust-1") is None
    rr.redo()
    rr.redo()
    assert rr.answer("p01", "trust-1") == "immediate"


def test_undo_covers_absence_notes_profiles_and_tallies(pai):
    s = new_session(pai, "T", ABC)
    s.set_absent("p02", True)
    s.set_note("trust", "Trust is high")
    s.set_profile("p01", "sector", "government")
    s.undo()
    assert "sector" not in s.participant("p01").profile
    s.undo()
    assert "trust" not in s.notes
    s.undo()
    assert not s.participant("p02").absent
    t = new_session(pai, "T", mode="tally")
    t.set_tally("trust-1", {"maintain": 3})
    t.set_tally("trust-1", {"maintain": 4, "future": 1})
    t.undo()
    assert t.tally["trust-1"] == {"maintain": 3}


def test_after_undo_puts_the_cursor_back_on_the_undone_answer(rr):
    _key(rr)
    _key(rr)
    assert rr.cursor == Cursor("trust-1", "p03")
    entry = rr.undo()
    turns.after_undo(rr, entry)
    assert rr.cursor == Cursor("trust-1", "p02")
    assert rr.answer("p02", "trust-1") is None
    # After a whole round the item advanced; undo goes back to the last rater of the old item.
    _key(rr)
    _key(rr)
    assert rr.cursor == Cursor("trust-2", "p01")
    entry = rr.undo()
    turns.after_undo(rr, entry)
    assert rr.cursor == Cursor("trust-1", "p03")


def test_redo_of_an_absence_passes_the_turn_on(rr):
    _key(rr)
    rr.set_absent("p02", True)
    turns.after_absence(rr, "p02")
    assert rr.cursor.who == "p03"
    entry = rr.undo()  # Ben is back in the room
    assert not rr.participant("p02").absent
    turns.after_undo(rr, entry)
    turns.previous_participant(rr)
    assert rr.cursor == Cursor("trust-1", "p02")
    entry = rr.redo()  # ...and gone again: the turn passes on
    assert rr.participant("p02").absent
    turns.after_undo(rr, entry)
    assert rr.cursor == Cursor("trust-1", "p03")


# --------------------------------------------------------------------------- tally


def test_set_tally_validates_counts(pai):
    s = new_session(pai, "T", mode="tally")
    assert turns.rater_for(s) == TALLY
    s.set_tally("trust-1", {"maintain": 5, "immediate": 0, "abstain": 1})
    assert s.tally == {"trust-1": {"maintain": 5, "abstain": 1}}  # zeros are not kept
    for bad in (
        {"excellent": 1},
        {"maintain": -1},
        {"maintain": 1.5},
        {"maintain": True},
        {"maintain": "3"},
    ):
        with pytest.raises(UsageError):
            s.set_tally("trust-1", bad)
    assert s.tally == {"trust-1": {"maintain": 5, "abstain": 1}}
    with pytest.raises(UsageError):
        s.set_tally("no-such-item", {"maintain": 1})
    s.set_tally("trust-1", {"maintain": 0})
    assert s.tally == {}


def test_set_tally_on_an_item_without_a_scale(cpat):
    s = new_session(cpat, "T", mode="tally")
    with pytest.raises(UsageError, match="not rated on a scale"):
        s.set_tally("success", {"x": 1})


def test_tally_counts_and_progress(pai):
    s = new_session(pai, "T", mode="tally")
    assert (s.answered_count(), s.expected()) == (0, 31)
    s.set_tally("trust-1", {"maintain": 2})
    s.set_tally("trust-2", {"future": 1})
    assert s.answered_count() == 2


# --------------------------------------------------------------------------- profile


def test_profile_answers_including_other_text(pai):
    s = new_session(pai, "T", ABC)
    s.set_profile("p01", "sector", "other")
    s.set_profile("p01", "sector-other", "Tribal council")
    assert s.participant("p01").profile == {"sector": "other", "sector-other": "Tribal council"}
    with pytest.raises(UsageError):
        s.set_profile("p01", "sector", "astronauts")
    with pytest.raises(UsageError, match="'Other' answer is text"):
        s.set_profile("p01", "sector-other", ["a"])
    with pytest.raises(UsageError):
        s.set_profile("p01", "trust-1", "maintain")  # not a profile question
    with pytest.raises(UsageError):
        s.set_profile("p09", "sector", "government")
    s.set_profile("p01", "sector-other", None)
    assert s.participant("p01").profile == {"sector": "other"}


def test_multichoice_profile(cpat):
    s = new_session(cpat, "T", [("A", None)])
    s.set_profile("p01", "identify", ["parent", "other"])
    s.set_profile("p01", "identify-other", "Grandparent")
    s.set_profile("p01", "tenure", "1-2-years")
    assert s.participant("p01").profile == {
        "identify": ["parent", "other"],
        "identify-other": "Grandparent",
        "tenure": "1-2-years",
    }
    for bad in ("parent", ["astronaut"], [["parent"]], [{"key": "parent"}], [1]):
        with pytest.raises(UsageError):
            s.set_profile("p01", "identify", bad)
    with pytest.raises(UsageError):
        s.set_profile("p01", "tenure", ["1-2-years"])


# --------------------------------------------------------------------------- progress


def test_expected_and_answered_count(rr):
    assert (rr.answered_count(), rr.expected()) == (0, 93)
    rr.record("p01", "trust-1", "maintain")
    rr.abstain("p02", "trust-1")
    assert rr.answered_count() == 2
    # Someone who left counts only what they gave.
    rr.set_absent("p03", True)
    assert rr.expected() == 62
    rr.record("p03", "trust-2", "future")
    assert rr.expected() == 63
    assert rr.answered_count() == 3


def test_late_arrival_is_logged_and_takes_turns(rr):
    person = rr.add_participant("  Dee  ", "Library")
    assert person.id == "p04"
    assert rr.log[-1].op == "join" and rr.log[-1].new == "Dee"
    assert rr.expected() == 124
    for _ in range(3):
        _key(rr)
    assert rr.cursor == Cursor("trust-1", "p04")


def test_actions(rr):
    rr.add_action(Action("Hold a workshop", owner="Dana", due="2027-01-31"))
    with pytest.raises(UsageError):
        rr.add_action(Action("   "))
    with pytest.raises(UsageError):
        rr.remove_action(3)
    rr.remove_action(0)
    assert rr.actions == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["record", "abstain", "undo", "redo", "absent", "arrive"]),
            st.integers(0, 2),
            st.integers(0, 4),
            st.booleans(),
        ),
        max_size=30,
    )
)
def test_the_counts_the_screen_shows_follow_every_change(pai, steps):
    """`answered_count` and `expected` are remembered between changes (the meeting screen asks
    after every key): after any change they are what counting afresh gives."""
    s = new_session(pai, "T", [("A", None), ("B", None), ("C", None)])
    for op, who, item, flag in steps:
        pid, item_id = f"p0{who + 1}", s.items[item].id
        s.cursor.item = item_id
        if op == "record":
            s.record(pid, item_id, "maintain" if flag else "future")
        elif op == "abstain":
            s.abstain(pid, item_id)
        elif op == "undo":
            s.undo()
        elif op == "redo":
            s.redo()
        elif op == "absent":
            s.set_absent(pid, flag)
        elif len(s.participants) < 6:
            s.add_participant(f"Late {len(s.participants)}")
        assert s.answered_count() == s._answered_count()
        assert s.expected() == s._expected()
