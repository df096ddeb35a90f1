"""SVG snapshots of the screens a room sees, at projector-typical and small terminal sizes.

Plain `def` tests (pytest-textual-snapshot drives the app itself); deterministic data. After a
deliberate change of the look: `pytest tests/tui/test_snapshots.py --snapshot-update`, then look
at the new SVGs in tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest

SIZES = [(100, 30), (80, 24)]


@pytest.fixture
def snap(snap_compare, write_session, opened, app_for):
    """`snap(size=..., press=..., **session_options)`: a new session's screen after the keys,
    compared with its snapshot."""

    def compare(*, size, press=(), **session_options) -> bool:
        instrument = session_options.pop("instrument", "pai")
        path = write_session(instrument=instrument, **session_options)
        with opened(path) as store:
            return snap_compare(app_for(store), terminal_size=size, press=list(press))

    return compare


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_round_robin(snap, size):
    assert snap(size=size, press=["1", "2"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_group(snap, size):
    assert snap(size=size, press=["1"], mode="group", people=None)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_tally(snap, size):
    assert snap(size=size, mode="tally", people=None)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_blind_waiting_for_reveal(snap, size):
    assert snap(size=size, press=["1", "2", "3"], blind=True)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_anchored_scale(snap, size):
    assert snap(size=size, instrument="cpat", press=["4"])


def test_help(snap):
    assert snap(size=(100, 30), press=["question_mark"])


def test_too_small(snap):
    assert snap(size=(50, 15))


@pytest.fixture
def snap_demo(snap_compare, write_demo, opened, app_for):
    """`snap_demo(size, press)`: the demo session's screen after the keys, compared with its
    snapshot."""

    def compare(size, press) -> bool:
        with opened(write_demo()) as store:
            return snap_compare(app_for(store), terminal_size=size, press=press)

    return compare


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_heatmap(snap_demo, size):
    assert snap_demo(size, ["h"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_readout(snap_demo, size):
    assert snap_demo(size, ["o"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_meeting(snap_demo, size):
    assert snap_demo(size, ["left"])
