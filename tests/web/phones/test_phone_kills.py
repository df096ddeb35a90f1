"""kill -9 of `bcr open --phones` in the middle of a phone burst: nothing a phone was told is
"Saved" is missing from the file (its last value, and as many logged votes as acknowledgements).

The harness is `benchmarks/phonesim.py` (`python benchmarks/phonesim.py --kills 20` for more).
Checked once against a server that acknowledged before saving (it reported every phone lost).
"""

from __future__ import annotations

import sys

import pytest
from phonekit import free_port, write_session

if sys.platform == "win32":  # pragma: no cover - pty and SIGKILL are POSIX
    pytest.skip("needs a POSIX pseudo-terminal", allow_module_level=True)

import phonesim  # benchmarks/phonesim.py, via conftest.py


def test_kills_during_phone_votes_lose_nothing_acknowledged(tmp_path):
    path = write_session(tmp_path, people=12)
    total = 0
    for run in range(3):
        result = phonesim.kill_during_votes(path, free_port(), 1.2, seed=run)
        assert result.lost() == [], result
        total += result.votes
        assert result.acked  # the kill came while phones were being answered
    assert total >= 30
