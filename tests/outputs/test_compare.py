"""`bcr compare`: changes per domain and item between two sessions, checked against hand sums.

PAI scores: Maintain = 1, Future = 0.5, Immediate = 0; "priority" is Immediate.

    earlier  trust-1: Maintain, Immediate  -> mean 50%, priority 50%
             shared-values-1: Future, Future -> mean 50%, priority 0%
    later    trust-1: Maintain, Future     -> mean 75%, priority 0%
             shared-values-1: Future, Future -> mean 50%, priority 0%
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bcr_tui.errors import UsageError
from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.instrument.model import Instrument
from bcr_tui.outputs.comparison import compare, format_change, shorten
from bcr_tui.session.state import Session, new_session
from bcr_tui.storage.store import SessionStore


def _session(pai: Instrument, trust: tuple[str, str], title: str) -> Session:
    s = new_session(pai, title, [("Ana", "A"), ("Ben", "B")], community="Ventura County")
    for who, key in zip(("p01", "p02"), trust, strict=True):
        s.record(who, "trust-1", key)
        s.record(who, "shared-values-1", "future")
    return s


@pytest.fixture
def pair(pai: Instrument) -> tuple[Session, Session]:
    return (
        _session(pai, ("maintain", "immediate"), "Spring"),
        _session(pai, ("maintain", "future"), "Fall"),
    )


def test_hand_computed_changes(pair: tuple[Session, Session]) -> None:
    result = compare(*pair)
    trust = next(d for d in result.domains if d.id == "trust")
    assert (trust.earlier_mean, trust.later_mean, trust.mean_change) == (50, 75, 25)
    assert (trust.earlier_priority, trust.later_priority, trust.priority_change) == (50, 0, -50)
    values = next(d for d in result.domains if d.id == "shared-values")
    assert (values.earlier_mean, values.later_mean, values.mean_change) == (50, 50, 0)
    item = next(i for i in result.items if i.id == "trust-1")
    assert (item.earlier_mean, item.later_mean, item.priority_change) == (50, 75, -50)
    unanswered = next(i for i in result.items if i.id == "trust-2")
    assert unanswered.earlier_mean is None and unanswered.mean_change is None
    assert [d.id for d in result.domains] == [d.id for d in pair[0].instrument.domains]
    assert len(result.items) == len(pair[0].instrument.rating_items)


def test_format_change() -> None:
    assert format_change(25.0) == "+25 points ↑"
    assert format_change(12.4) == "+12 points ↑"
    assert format_change(-5.0) == "−5 points ↓"
    assert format_change(0.6) == "+1 point ↑"
    assert format_change(-0.5) == "−1 point ↓"
    assert format_change(0.49) == "no change →"
    assert format_change(-0.2) == "no change →"
    assert format_change(0.0) == "no change →"
    assert format_change(None) == "–"


def test_shorten() -> None:
    assert shorten("Short text.") == "Short text."
    long = "Members' self-interest is explored and all partners work to meet one another's."
    cut = shorten(long, 40)
    assert len(cut) <= 40 and cut.endswith("…") and long.startswith(cut[:-1])


def test_cli_prints_the_table(tmp_path: Path, pair: tuple[Session, Session], run_bcr) -> None:
    paths = []
    for n, session in enumerate(pair):
        path = tmp_path / f"s{n}.toml"
        SessionStore.create(path, session).close()
        paths.append(path)
    done = run_bcr("compare", *paths, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    trust = next(line for line in lines if line.startswith("Trust "))
    assert "50%" in trust and "75%" in trust and "+25 points ↑" in trust
    assert "−50 points ↓" in trust
    values = next(line for line in lines if line.startswith("Shared Values "))
    assert "no change →" in values
    assert any(
        "Time spent to develop understanding" in line and "+25 points ↑" in line for line in lines
    )
    assert done.stdout.index("By domain") < done.stdout.index("By item")


def test_refuses_different_instruments(tmp_path: Path, pai: Instrument, run_bcr) -> None:
    other = load_instrument(find_instrument("leadership-self-assessment"))
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    SessionStore.create(a, new_session(pai, "PAI", [("Ana", None)])).close()
    SessionStore.create(b, new_session(other, "LSA", [("Ana", None)])).close()
    done = run_bcr("compare", a, b, cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert "different instruments" in done.stderr and done.stdout == ""


def test_refuses_a_different_version(pai: Instrument) -> None:
    shorter = replace(pai, domains=pai.domains[:-1])
    one = new_session(pai, "A", [("Ana", None)])
    two = new_session(shorter, "B", [("Ana", None)])
    with pytest.raises(UsageError, match="items differ"):
        compare(one, two)
