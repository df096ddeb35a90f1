"""SVG snapshots of the screens a room sees, at projector-typical and small terminal sizes.

Plain `def` tests (pytest-textual-snapshot drives the app itself); deterministic data. After a
deliberate change of the look: `pytest tests/tui/test_snapshots.py --snapshot-update`, then look
at the new SVGs in tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest
from pilot_helpers import app_for, opened, write_session

SIZES = [(100, 30), (80, 24)]


def _snap(snap_compare, tmp_path, *, size, press=(), **session_options) -> bool:
    instrument = session_options.pop("instrument", "pai")
    path = write_session(tmp_path, instrument, **session_options)
    with opened(path) as store:
        return snap_compare(app_for(store), terminal_size=size, press=list(press))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_round_robin(snap_compare, tmp_path, size):
    assert _snap(snap_compare, tmp_path, size=size, press=["1", "2"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_group(snap_compare, tmp_path, size):
    assert _snap(snap_compare, tmp_path, size=size, press=["1"], mode="group", people=None)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_tally(snap_compare, tmp_path, size):
    assert _snap(snap_compare, tmp_path, size=size, mode="tally", people=None)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_blind_waiting_for_reveal(snap_compare, tmp_path, size):
    assert _snap(snap_compare, tmp_path, size=size, press=["1", "2", "3"], blind=True)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_anchored_scale(snap_compare, tmp_path, size):
    assert _snap(snap_compare, tmp_path, size=size, instrument="cpat", press=["4"])


def test_help(snap_compare, tmp_path):
    assert _snap(snap_compare, tmp_path, size=(100, 30), press=["question_mark"])


def test_too_small(snap_compare, tmp_path):
    assert _snap(snap_compare, tmp_path, size=(50, 15))


def _snap_demo(snap_compare, tmp_path, size, press) -> bool:
    from pilot_helpers import write_demo

    with opened(write_demo(tmp_path)) as store:
        return snap_compare(app_for(store), terminal_size=size, press=press)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_heatmap(snap_compare, tmp_path, size):
    assert _snap_demo(snap_compare, tmp_path, size, ["h"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_readout(snap_compare, tmp_path, size):
    assert _snap_demo(snap_compare, tmp_path, size, ["o"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_meeting(snap_compare, tmp_path, size):
    assert _snap_demo(snap_compare, tmp_path, size, ["left"])
