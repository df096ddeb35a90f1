"""The real command line, in a subprocess: output, exit codes, files written, one-line errors."""

from __future__ import annotations

import argparse
import re
import stat
from pathlib import Path

import pytest

from bcr_tui.cli import build_parser
from bcr_tui.storage.store import load_session

COUNTS = {
    "communities-of-care": (6, 34),
    "community-partner-assessment-tool": (5, 13),
    "leadership-self-assessment": (1, 8),
    "levels-of-engagement": (2, 6),
    "partnership-assessment-inventory": (6, 31),
}

BAD_INSTRUMENT = """\
format = "bcr-instrument/1"
id = "bad"
title = "Bad"
version = "1"
source = "Tests"
colour = "red"

[[domains]]
id = "d"
title = "D"

[[domains.items]]
id = "a"
text = "No scale"

[[domains.items]]
id = "a"
kind = "text"
text = "Same id"
"""


def _clean(result) -> None:
    """No traceback anywhere, whatever happened."""
    assert "Traceback" not in result.stdout + result.stderr


def _user_error(result) -> str:
    """A user error: exit 2 and exactly one line on stderr, which is returned."""
    _clean(result)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _new(run_bcr, tmp_path: Path, *args: str):
    return run_bcr("new", *args, "--no-open", "--sessions-dir", tmp_path / "sessions", cwd=tmp_path)


# --------------------------------------------------------------------------- instruments


def test_instruments_list_shows_ids_and_counts(tmp_path, run_bcr):
    result = run_bcr("instruments", "list", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    for ident, (domains, items) in COUNTS.items():
        line = next(ln for ln in result.stdout.splitlines() if ln.startswith(ident + " "))
        assert re.search(rf"\s{domains}\s+{items}\s*$", line), line


def test_instruments_check_shipped(tmp_path, run_bcr):
    result = run_bcr("instruments", "check", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("✓") == len(COUNTS)
    assert "✗" not in result.stdout


def test_instruments_check_bad_file_lists_each_problem(tmp_path, run_bcr):
    bad = tmp_path / "BAD.toml"
    bad.write_text(BAD_INSTRUMENT, "utf-8")
    good = run_bcr("instruments", "check", "--help", cwd=tmp_path)
    assert good.returncode == 0
    result = run_bcr("instruments", "check", bad, cwd=tmp_path)
    _clean(result)
    assert result.returncode == 2
    out = result.stdout
    assert f"✗ {bad}: 3 problems" in out
    for problem in (
        "colour: unknown key",
        "domains[0].items[0].scale: missing (a rating item needs a scale)",
        'domains[0].items[1].id: duplicate id "a" (also at domains[0].items[0])',
    ):
        assert f"    {problem}\n" in out
    assert result.stderr == "bcr: 1 of 1 instrument files have problems.\n"


# --------------------------------------------------------------------------- new


def test_new_writes_a_private_session_and_prints_its_path(tmp_path, run_bcr):
    result = _new(
        run_bcr,
        tmp_path,
        "pai",
        "--title",
        "Fall check-in",
        "--participants",
        "A, B,C",
        "--community",
        "Ventura County",
    )
    _clean(result)
    assert result.returncode == 0, result.stderr
    path = tmp_path / result.stdout.strip()
    assert path.is_file()
    assert path.parent == tmp_path / "sessions"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    session = load_session(path)
    assert [p.name for p in session.participants] == ["A", "B", "C"]
    assert (session.title, session.community, session.mode) == (
        "Fall check-in",
        "Ventura County",
        "round-robin",
    )
    assert session.instrument.id == "partnership-assessment-inventory"
    # --no-open releases the lock.
    assert not list(path.parent.glob(".*.lock"))


def test_new_with_participants_file(tmp_path, run_bcr):
    roster = tmp_path / "roster.txt"
    roster.write_text(
        "# our partners\nAna Ruiz | Ventura Family Center\n\nBen Carter|  Harbor  Hardware \nCy\n",
        "utf-8",
    )
    result = _new(
        run_bcr,
        tmp_path,
        "cpat",
        "--title",
        "Roster",
        "--participants-file",
        roster,
        "--mode",
        "round-robin",
        "--order",
        "participant-major",
        "--blind",
    )
    _clean(result)
    assert result.returncode == 0, result.stderr
    session = load_session(tmp_path / result.stdout.strip())
    assert [(p.name, p.organization) for p in session.participants] == [
        ("Ana Ruiz", "Ventura Family Center"),
        ("Ben Carter", "Harbor Hardware"),
        ("Cy", None),
    ]
    assert (session.order, session.blind) == ("participant-major", True)


def test_new_group_mode_without_participants(tmp_path, run_bcr):
    result = _new(run_bcr, tmp_path, "communities-of-care", "--title", "Care team")
    assert result.returncode == 0, result.stderr
    assert load_session(tmp_path / result.stdout.strip()).mode == "group"


def test_new_never_reuses_a_file_name(tmp_path, run_bcr):
    first = _new(run_bcr, tmp_path, "pai", "--title", "Same", "--participants", "A").stdout.strip()
    second = _new(run_bcr, tmp_path, "pai", "--title", "Same", "--participants", "A").stdout.strip()
    assert first != second
    assert second.endswith("-same-2.toml")


# --------------------------------------------------------------------------- list


def test_list_shows_progress_and_damaged_files(tmp_path, run_bcr):
    made = _new(
        run_bcr,
        tmp_path,
        "pai",
        "--title",
        "Fall check-in",
        "--participants",
        "A,B,C",
        "--community",
        "Ventura",
    )
    assert made.returncode == 0, made.stderr
    (tmp_path / "sessions" / "broken.toml").write_text('format = "bcr-session/1"\nx = [\n')
    result = run_bcr("list", "--sessions-dir", tmp_path / "sessions", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 0, result.stderr
    row = next(ln for ln in result.stdout.splitlines() if "Fall check-in" in ln)
    assert "Ventura" in row and "PAI" in row and " 0/93 " in row
    assert Path(made.stdout.strip()).name in row
    assert "✗ broken.toml: cannot be read: is not valid TOML" in result.stdout


def test_list_empty_and_missing_folder(tmp_path, run_bcr):
    (tmp_path / "empty").mkdir()
    result = run_bcr("list", "--sessions-dir", tmp_path / "empty", cwd=tmp_path)
    assert result.returncode == 0
    assert "No sessions in" in result.stdout
    line = _user_error(run_bcr("list", "--sessions-dir", tmp_path / "nowhere", cwd=tmp_path))
    assert "there is no sessions folder" in line


# --------------------------------------------------------------------------- user errors


def _damaged(tmp_path: Path) -> Path:
    path = tmp_path / "damaged.toml"
    path.write_text('format = "bcr-session/1"\ntitle = "cut off', "utf-8")
    return path


USER_ERRORS = {
    "unknown instrument": (
        ("new", "no-such-instrument", "--title", "T", "--no-open"),
        "no instrument of that name",
    ),
    "bad mode": (
        ("new", "pai", "--title", "T", "--mode", "silent", "--no-open"),
        "invalid choice: 'silent'",
    ),
    "no participants": (
        ("new", "pai", "--title", "T", "--no-open"),
        "round-robin needs participants",
    ),
    "blank title": (
        ("new", "pai", "--title", "  ", "--participants", "A", "--no-open"),
        "a session needs a title",
    ),
    "missing title": (
        ("new", "pai", "--participants", "A", "--no-open"),
        "the following arguments are required: --title",
    ),
    "missing roster": (
        ("new", "pai", "--title", "T", "--participants-file", "nope.txt", "--no-open"),
        "nope.txt: no such file",
    ),
    "both rosters": (
        (
            "new",
            "pai",
            "--title",
            "T",
            "--participants",
            "A",
            "--participants-file",
            "nope.txt",
            "--no-open",
        ),
        "not allowed with",
    ),
    "open damaged": (("open", "damaged.toml"), "damaged.toml: is not valid TOML"),
    "open missing": (("open", "missing.toml"), "missing.toml: no such file"),
    "unknown command": (("frobnicate",), "invalid choice: 'frobnicate'"),
    "instruments without action": (("instruments",), "required: ACTION"),
}


@pytest.mark.parametrize("case", USER_ERRORS, ids=str)
def test_user_errors_are_one_line_and_exit_2(tmp_path, case, run_bcr):
    args, expected = USER_ERRORS[case]
    before = _damaged(tmp_path).read_bytes()
    line = _user_error(
        run_bcr(*args, "--sessions-dir", tmp_path / "sessions", cwd=tmp_path)
        if args[0] == "new"
        else run_bcr(*args, cwd=tmp_path)
    )
    assert line.startswith("bcr")
    assert expected in line
    # Nothing was written: no session folder, and the damaged file is as it was.
    assert not (tmp_path / "sessions").exists()
    assert (tmp_path / "damaged.toml").read_bytes() == before


# --------------------------------------------------------------------------- help, demo


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple]:
    """Every command path of the parser: (), ("new",), ("instruments", "list") …"""
    out = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out += _commands(sub, (*prefix, name))
    return out


COMMANDS = _commands(build_parser())


def test_the_documented_commands_exist():
    for command in [
        ("new",),
        ("open",),
        ("list",),
        ("demo",),
        ("instruments", "list"),
        ("instruments", "check"),
    ]:
        assert command in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "bcr")
def test_help_for_every_command(tmp_path, command, run_bcr):
    result = run_bcr(*command, "--help", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: bcr")
    assert result.stderr == ""


def test_version(tmp_path, run_bcr):
    result = run_bcr("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert re.fullmatch(r"bcr \d+\.\d+\.\d+\S*\n", result.stdout)


def test_demo_writes_a_fully_rated_session(tmp_path, run_bcr):
    result = run_bcr("demo", "--no-open", "--sessions-dir", tmp_path / "s", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    path = tmp_path / lines[0]
    assert path.parent == tmp_path / "s"
    session = load_session(path)
    assert len(session.participants) >= 10
    expected = len(session.participants) * len(session.items)
    assert session.answered_count() == session.expected() == expected
    assert session.notes and session.actions
    # The demo is deterministic: a second one has the same content under a new name.
    again = run_bcr("demo", "--no-open", "--sessions-dir", tmp_path / "s", cwd=tmp_path)
    second = tmp_path / again.stdout.strip()
    assert second != path
    assert second.read_bytes() == path.read_bytes()
