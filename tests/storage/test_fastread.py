"""The fast reader (`fastread`) gives exactly what the TOML parser gives, or steps aside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from bcr_tui.session.demo import demo_session
from bcr_tui.session.records import LOG_OPS, LogEntry
from bcr_tui.storage import fastread
from bcr_tui.storage.parse import parse
from bcr_tui.storage.render import render

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
VALUES = st.one_of(
    st.none(),
    TEXT,
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.lists(TEXT, max_size=2),
    st.floats(allow_nan=False),
)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-7)), timezone(timedelta(minutes=330))])
ENTRIES = st.builds(
    LogEntry,
    at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=ZONES
    ),
    op=st.sampled_from(LOG_OPS),
    who=TEXT,
    item=TEXT,
    old=VALUES,
    new=VALUES,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(ENTRIES, min_size=1, max_size=8))
def test_the_log_reads_as_the_toml_parser_reads_it(entries):
    session = demo_session()
    session.log = entries
    text = render(session)
    fast = fastread.session_data(text)
    if fast is not None:
        _same(fast, tomli.loads(text))
    plain = all(
        isinstance(v, str | bool | int | type(None)) and not isinstance(v, float)
        for e in entries
        for v in (e.old, e.new)
    )
    simple = all(
        ch >= " " and ch != "\x7f"
        for e in entries
        for s in (e.who, e.item, e.old, e.new)
        if isinstance(s, str)
        for ch in s
    )
    if plain and simple:
        assert fast is not None  # the shortcut is taken for what bcr usually writes


def test_the_demo_is_read_by_the_shortcut_and_matches():
    text = render(demo_session())
    fast = fastread.session_data(text)
    assert fast is not None
    _same(fast, tomli.loads(text))
    assert len(fast["log"]) > 100


def _same(fast: dict, expected: dict) -> None:
    """The same document; the log already as the entries the full parse makes of it."""
    assert {k: v for k, v in fast.items() if k != "log"} == {
        k: v for k, v in expected.items() if k != "log"
    }
    assert fast["log"] == parse(expected, Path("x.toml")).log
    assert all(type(e) is LogEntry for e in fast["log"])


def test_anything_else_after_the_log_steps_aside():
    text = render(demo_session())
    day = "when = 2026-01-01T00:00:00Z\n"
    for tail in (
        "junk = 1\n",
        '[[log]]\nwhen = 2026-02-30T00:00:00Z\nop = "set"\nwho = ""\n',
        f'[[log]]\n{day}op = "nope"\nwho = ""\n',
        f'[[log]]\n{day}op = "rate"\nwho = 1\n',
        f'[[log]]\nop = "rate"\n{day}who = ""\n',
        '[[log]]\nwhen = 2026-01-01 00:00:00Z\nop = "rate"\nwho = ""\n',
    ):
        assert fastread.session_data(text + "\n" + tail) is None, tail


def test_a_log_date_that_does_not_exist_is_one_sentence(tmp_path):
    import pytest

    from bcr_tui.errors import SessionFileError
    from bcr_tui.storage.store import load_session

    path = tmp_path / "s.toml"
    text = render(demo_session())
    cut = text.rindex("when = ") + len("when = ")
    path.write_text(text[:cut] + "2026-02-30" + text[cut + 10 :], "utf-8")
    with pytest.raises(SessionFileError) as error:
        load_session(path)
    assert "line" in str(error.value) and "\n" not in str(error.value)


def test_the_log_as_written_is_reused_by_the_next_save(tmp_path):
    """Opening seeds the renderer with the log's text from the file: the next save writes the
    same bytes a full render would, and a change after it too."""
    from bcr_tui.storage.store import SessionStore

    path = tmp_path / "demo.toml"
    SessionStore.create(path, demo_session()).close()
    written = path.read_text("utf-8")
    store = SessionStore.open(path)
    try:
        assert len(store._renderer._log) == len(store.session.log) > 100  # seeded, not rendered
        store.save()
        assert path.read_text("utf-8") == written
        store.session.undo()
        store.save()
        assert path.read_text("utf-8") == render(store.session)
    finally:
        store.close()
