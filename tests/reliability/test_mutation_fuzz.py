"""A bounded mutation fuzzer over real session files, through every command that reads them.

Real files (the demo, a round-robin session with a history, a tally session) are mutated the way
e-mail, shared drives and hand edits damage them: bytes flipped, cut short, tables swapped or
duplicated, values of the wrong type, huge strings, NUL, bad UTF-8, hostile texts, foreign log
entries. Each mutant goes through export, report, compare, roll-up and an open with an undo; none
may end in a traceback (the command line's exit 1), each exits 0 or 2 (the roll-up may also use
its own status for skipped files), and the mutant on disk is never changed by any of them.

Bounded for CI (about BUDGET_S seconds, seed SEED); `BCR_FUZZ_SECONDS=600 BCR_FUZZ_SEED=7 pytest
tests/reliability/test_mutation_fuzz.py` runs longer or differently.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from pathlib import Path

import pytest

from bcr_tui import cli
from bcr_tui.driver import Meeting
from bcr_tui.errors import BcrError
from bcr_tui.storage.store import SessionStore, load_session

SEED = int(os.environ.get("BCR_FUZZ_SEED", "17"))
BUDGET_S = float(os.environ.get("BCR_FUZZ_SECONDS", "25"))
HOSTILE = [
    '"\\u001b]0;PWNED\\u0007"',
    '"\\u001b]52;c;eA==\\u0007"',
    '"Kim [/]"',
    "\"=cmd|' /C calc'!A0\"",
    '"\\u202eevil"',
    '"a\\u0000b"',
    '"[@click=app.quit]x[/]"',
]
WRONG = [
    "12",
    "-1",
    "3.5",
    "true",
    "[1, 2]",
    "{ a = 1 }",
    "2026-01-01T00:00:00Z",
    '""',
    "[]",
    "nan",
    "1979-05-27",
]


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One damaged copy of `data`, and what was done to it."""
    kind = rng.choice(
        [
            "flip",
            "truncate",
            "swap",
            "duplicate",
            "wrong type",
            "huge string",
            "nul",
            "bad utf-8",
            "hostile text",
            "foreign log",
            "drop line",
        ]
    )
    at = rng.randrange(len(data))
    if kind == "flip":
        return kind, data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]
    if kind == "truncate":
        return kind, data[:at]
    if kind == "nul":
        return kind, data[:at] + b"\x00" + data[at:]
    if kind == "bad utf-8":
        return kind, data[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80"]) + data[at:]
    text = data.decode("utf-8")
    if kind in ("swap", "duplicate"):
        tables = re.split(r"(?m)^(?=\[)", text)
        head, tables = tables[0], tables[1:]
        i, j = rng.randrange(len(tables)), rng.randrange(len(tables))
        if kind == "swap":
            tables[i], tables[j] = tables[j], tables[i]
        else:
            tables.insert(j, tables[i])
        return kind, (head + "".join(tables)).encode()
    lines = text.split("\n")
    values = [n for n, line in enumerate(lines) if re.match(r"^[\w\"-]+ = ", line)]
    n = rng.choice(values)
    key = lines[n].split(" = ", 1)[0]
    if kind == "wrong type":
        lines[n] = f"{key} = {rng.choice(WRONG)}"
    elif kind == "huge string":
        lines[n] = f'{key} = "{"x" * rng.choice([70_000, 2_000_000])}"'
    elif kind == "hostile text":
        lines[n] = f"{key} = {rng.choice(HOSTILE)}"
    elif kind == "drop line":
        del lines[n]
    else:  # a log entry bcr never wrote: someone or something the session does not have
        who = rng.choice(['"p99"', '"group"', '"tally"', '"p01"', '""', HOSTILE[0]])
        item = rng.choice(['"trust-1"', '"nope"', '"sector"', '"sector-other"', '""'])
        op = rng.choice(['"set"', '"tally"', '"absent"', '"note"', '"profile"', '"undo"'])
        value = rng.choice([*WRONG, '"maintain"', '"immediate"', '"abstain"', *HOSTILE])
        lines.append(
            f"[[log]]\nwhen = 2026-01-01T00:00:00Z\nop = {op}\nwho = {who}\n"
            f"item = {item}\nold = {value}\nnew = {rng.choice(WRONG)}\n"
        )
    return kind, "\n".join(lines).encode("utf-8", "surrogatepass")


@pytest.fixture
def seeds(write_demo, write_session):
    """`seeds(folder)`: real session files in its demo/, rr/ and tally/ folders: the demo, a
    rated round-robin with history, a tally session."""

    def write(folder: Path) -> list[Path]:
        out = [write_demo(folder / "demo"), write_session(folder / "rr")]
        m = Meeting(SessionStore.open(out[1]))
        for digit in (1, 2, 3, 1, 0, 2):
            m.rate(digit)
        m.undo()
        m.store.close()
        tally = write_session(folder / "tally", people=None, mode="tally")
        m = Meeting(SessionStore.open(tally))
        m.set_tally({"maintain": 3, "immediate": 1})
        m.store.close()
        return [*out, tally]

    return write


def run(argv: list[str], capsys) -> int:
    """The command line in this process (fast); its exit code, stderr checked for a traceback."""
    code = cli.main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code


def test_mutated_session_files_never_crash_a_command_or_change_the_file(tmp_path, capsys, seeds):
    for sub in ("demo", "rr", "tally", "out", "roll"):
        (tmp_path / sub).mkdir()
    originals = seeds(tmp_path)
    rng = random.Random(SEED)
    mutant = tmp_path / "roll" / "mutant.toml"
    out = tmp_path / "out"
    deadline = time.monotonic() + BUDGET_S
    runs = 0
    while time.monotonic() < deadline or runs < 20:
        runs += 1
        original = rng.choice(originals)
        kind, data = mutate(original.read_bytes(), rng)
        mutant.write_bytes(data)
        case = f"seed {SEED}, mutant {runs} ({kind} of {original.parent.name})"
        for argv in (
            [
                "export",
                mutant,
                "--format",
                rng.choice(["csv", "json", "xlsx"]),
                "--out",
                out / "x.out",
            ],
            ["report", mutant, "--out", out / rng.choice(["r.md", "r.html"])],
            ["compare", original, mutant],
            ["compare", mutant, original],
            ["mou", mutant, "--out", out / "m.md"],
        ):
            assert run(argv, capsys) in (0, 2), (case, argv)
        assert run(["rollup", mutant.parent, "--out", out / "roll.csv"], capsys) != 1, case
        assert mutant.read_bytes() == data, f"{case}: the file was changed"
        copy = out / "copy.toml"  # the meeting without its screen, on a copy: undo, redo, save
        shutil.copy(mutant, copy)
        try:
            meeting = Meeting(SessionStore.open(copy))
        except BcrError:
            continue
        try:
            meeting.undo()
            meeting.redo()
        finally:
            meeting.store.close()
        load_session(copy)  # whatever bcr saved, bcr reads again
    assert runs >= 20


async def test_mutated_files_open_headless_in_the_real_app(tmp_path, seeds):
    """A few mutants opened by the real app (headless): a sentence or the meeting, no crash."""
    from bcr_tui.tui.factory import make_app

    for sub in ("demo", "rr", "tally"):
        (tmp_path / sub).mkdir()
    originals = seeds(tmp_path)
    rng = random.Random(SEED + 1)
    for n in range(int(os.environ.get("BCR_FUZZ_OPENS", "6"))):
        kind, data = mutate(rng.choice(originals).read_bytes(), rng)
        path = tmp_path / f"m{n}.toml"
        path.write_bytes(data)
        app = make_app(sessions_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            app.open_session(path)
            await pilot.pause()
            await pilot.press("u")  # an undo on whatever history the mutant has
            await pilot.pause()
            assert app.is_running, f"mutant {n} ({kind})"
        assert app.return_code in (None, 0), f"mutant {n} ({kind})"
