"""Fuzzing the loaders: whatever is in a file, only InstrumentError / SessionFileError come out.

Every error names the file. A session file that loads also saves: rendering what was loaded and
loading that again reaches a fixed point (the same bytes), so opening a strange file can never
lead to a save that crashes or a file that no longer opens.
"""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bcr_tui.errors import InstrumentError, SessionFileError
from bcr_tui.instrument.load import find_instrument, load_instrument, shipped_paths
from bcr_tui.session.records import GROUP
from bcr_tui.session.state import new_session
from bcr_tui.storage.render import render
from bcr_tui.storage.store import load_session

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """One file, rewritten for each example (hypothesis and function-scoped tmp_path don't mix)."""
    return tmp_path_factory.mktemp("fuzz") / "under test.toml"


def check_instrument(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    try:
        load_instrument(path)
    except InstrumentError as exc:
        assert str(path) in str(exc)
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)


def check_session(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    try:
        session = load_session(path)
    except SessionFileError as exc:
        assert str(path) in str(exc)
        return
    # It loaded: it must also save, and what is saved must load to the same file again.
    once = render(session)
    path.write_text(once, "utf-8")
    assert render(load_session(path)) == once


# --------------------------------------------------------------------------- seeds


def _sessions() -> list[str]:
    cpat = load_instrument(find_instrument("cpat"))
    s = new_session(cpat, "Fuzz", [("Ana", "Org"), ("Ben", None)], blind=True)
    s.record("p01", "diverse-leaders", "4")
    s.abstain("p02", "diverse-leaders")
    s.record("p01", "success", "Text")
    s.set_profile("p01", "identify", ["parent", "other"])
    s.set_profile("p01", "identify-other", "Aunt")
    s.set_profile("p02", "tenure", "1-2-years")
    s.set_absent("p02", True)
    s.set_note("diverse-leaders", "note")
    s.reveal("diverse-leaders")
    s.undo()
    coc = load_instrument(find_instrument("communities-of-care"))
    g = new_session(coc, "Group", community="Oxnard")
    g.record(GROUP, "barriers", [{"barrier": "Time", "strategies": "Less"}])
    g.record(GROUP, "step-1-1", "yes")
    t = new_session(load_instrument(find_instrument("pai")), "Tally", mode="tally")
    t.set_tally("trust-1", {"maintain": 3, "abstain": 1})
    return [render(x) for x in (s, g, t)]


SESSIONS = _sessions()
SESSION_DICTS = [tomllib.loads(text) for text in SESSIONS]
INSTRUMENT_DICTS = [tomllib.loads(p.read_text("utf-8")) for p in shipped_paths()]

# --------------------------------------------------------------------------- strategies

KEYS = st.one_of(
    st.sampled_from(
        [
            "format",
            "id",
            "title",
            "items",
            "domains",
            "scale",
            "points",
            "key",
            "label",
            "score",
            "kind",
            "profile",
            "ratings",
            "log",
            "p01",
            "trust-1",
            "group",
            "tally",
            "abstain",
            "other",
            "who",
            "op",
        ]
    ),
    st.text(max_size=12),
)
WORDS = st.sampled_from(
    [
        "bcr-instrument/1",
        "bcr-session/1",
        "bcr-session/9",
        "maintain",
        "abstain",
        "other",
        "rating",
        "choice",
        "multichoice",
        "table",
        "text",
        "p01",
        "group",
        "tally",
        "trust-1",
        "set",
        "undo",
        "redo",
        "absent",
        "round-robin",
        "participant-major",
        "",
        "-",
        "A\nB",
    ]
)
SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    WORDS,
    st.datetimes(timezones=st.sampled_from([None, UTC])),
    st.dates(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=8)


def _dump(doc: dict[str, Any]) -> bytes:
    try:
        return tomli_w.dumps(doc).encode("utf-8")
    except (TypeError, ValueError):
        assume(False)
        raise AssertionError from None  # unreachable


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            out += _paths(inner, (*prefix, n))
    return out


@st.composite
def mutated(draw, bases: list[dict]) -> dict:
    """A real document with a few values replaced, deleted or added at random key paths."""
    doc = copy.deepcopy(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(VALUES)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(KEYS)] = draw(VALUES)
        else:
            parent.insert(path[-1], draw(VALUES))
    return doc


# --------------------------------------------------------------------------- instruments


@FUZZ
@given(content=st.binary(max_size=2000))
def test_instrument_random_bytes(scratch, content):
    check_instrument(scratch, content)


@FUZZ
@given(doc=DOCUMENTS, fmt=st.sampled_from([None, "bcr-instrument/1"]))
def test_instrument_random_toml_documents(scratch, doc, fmt):
    if fmt:
        doc["format"] = fmt
    check_instrument(scratch, _dump(doc))


@FUZZ
@given(doc=mutated(INSTRUMENT_DICTS))
def test_instrument_with_wrong_types_at_random_paths(scratch, doc):
    check_instrument(scratch, _dump(doc))


@pytest.mark.parametrize("depth", [50, 99, 100, 101, 500, 5000, 50_000])
@pytest.mark.parametrize("shape", ["array", "inline-table", "table-header", "dotted-key"])
def test_deep_nesting(scratch, shape, depth):
    text = {
        "array": "x = " + "[" * depth + "]" * depth,
        "inline-table": "x = " + "{ a = " * depth + "1" + " }" * depth,
        "table-header": "[" + ".".join(["a"] * depth) + "]\nb = 1",
        "dotted-key": ".".join(["a"] * depth) + " = 1",
    }[shape]
    for prefix in ("", 'format = "bcr-instrument/1"\n', 'format = "bcr-session/1"\n'):
        check_instrument(scratch, (prefix + text).encode())
        check_session(scratch, (prefix + text).encode())


@settings(max_examples=30, deadline=None)
@given(size=st.integers(20_001, 1_000_000), where=st.integers(0, 10_000))
def test_huge_strings(scratch, size, where):
    doc = copy.deepcopy(INSTRUMENT_DICTS[where % len(INSTRUMENT_DICTS)])
    strings = [p for p in _paths(doc) if p and isinstance(_get(doc, p), str)]
    path = strings[where % len(strings)]
    _get(doc, path[:-1])[path[-1]] = "é" * size
    with pytest.raises(InstrumentError) as info:
        check_instrument_raising(scratch, _dump(doc))
    assert str(scratch) in str(info.value)
    # A session with a huge title loads (and saves) fine: only the instrument limits text.
    session = copy.deepcopy(SESSION_DICTS[0])
    session["title"] = "é" * size
    check_session(scratch, _dump(session))


def check_instrument_raising(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    load_instrument(path)


def _get(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step]
    return doc


# --------------------------------------------------------------------------- sessions


@FUZZ
@given(content=st.binary(max_size=2000))
def test_session_random_bytes(scratch, content):
    check_session(scratch, content)


@FUZZ
@given(doc=DOCUMENTS, fmt=st.sampled_from([None, "bcr-session/1", "bcr-session/2"]))
def test_session_random_toml_documents(scratch, doc, fmt):
    if fmt:
        doc["format"] = fmt
    check_session(scratch, _dump(doc))


@settings(FUZZ, max_examples=200)
@given(doc=mutated(SESSION_DICTS))
def test_session_with_wrong_types_at_random_paths(scratch, doc):
    check_session(scratch, _dump(doc))


@pytest.mark.parametrize(
    "value",
    [
        date(1979, 5, 27),
        time(7, 32),
        datetime(1979, 5, 27, 7, 32),
        [date(2000, 1, 1)],
        {"when": time(1, 2, 3, 400000)},
        float("nan"),
        float("-inf"),
        2**63 - 1,
        "\x00\x1f\x7f",
    ],
    ids=repr,
)
def test_any_toml_value_in_the_log_survives_a_save(scratch, value):
    doc = copy.deepcopy(SESSION_DICTS[0])
    doc["log"][0]["old"] = value
    check_session(scratch, _dump(doc))


def test_seed_sessions_load(scratch):
    for text in SESSIONS:
        check_session(scratch, text.encode())
        assert load_session(scratch).title in ("Fuzz", "Group", "Tally")


def test_local_created_time_is_read_as_utc(scratch):
    doc = copy.deepcopy(SESSION_DICTS[0])
    doc["created"] = datetime(2026, 11, 23, 18, 2, 11)
    scratch.write_bytes(_dump(doc))
    assert load_session(scratch).created == datetime(2026, 11, 23, 18, 2, 11, tzinfo=UTC)
