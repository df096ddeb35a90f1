"""Bad and strange participant lists through the real command line (`bcr new … --no-open`).

Whatever is typed, bcr either writes a valid session that loads with the same names (cleaned:
whitespace collapsed) and exits 0, or exits 2 with exactly one line on stderr. Never a traceback,
never a temp file left behind, never a session file when it refused.
"""

from __future__ import annotations

import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bcr_tui.errors import UsageError
from bcr_tui.plaintext import INVISIBLE
from bcr_tui.session.records import MAX_NAME, MAX_PARTICIPANTS
from bcr_tui.session.roster import parse_roster
from bcr_tui.storage.store import load_session

SPECIAL = [
    '"',
    "'",
    "\\",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    ",",
    "|",
    "#",
    "😀",
    "👩‍👩‍👧",
    "🏳️‍🌈",
    "مريم",
    "שָׁלוֹם",
    "\u202e",
    "\u200f",
    "\u2028",
    "\u00a0",
    "\x1b[31m",
    "\x7f",
    "İ",
    "ﷺ",
    "a\u0301",
    "\ufeff",
    '""',
    "'; DROP",
    "[ratings]",
    "= 1",
    '"""',
]
# argv can carry any text but NUL and lone surrogates
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
NAME = st.one_of(
    st.text(CHARS, max_size=24),
    st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(CHARS, max_size=4)), max_size=8).map(
        "".join
    ),
    st.integers(MAX_NAME - 5, MAX_NAME + 40).map(lambda n: "Ü" * n),  # around the length limit
)
ROSTER = st.one_of(
    st.tuples(st.lists(NAME, max_size=8), st.sampled_from([",", ", ", "\n", "\r\n", " ,\n"])).map(
        lambda t: t[1].join(t[0])
    ),
    st.sampled_from(["", ",", ",,,", " , , ", "\n\n", "#", "|", " | ", "\u2028"]),
)


def sessions_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.toml")) if folder.exists() else []


def check_outcome(result, folder: Path, expected: list[tuple[str, str | None]] | None) -> None:
    """The contract: exit 0 and a good file, or exit 2 and one line; nothing half-written."""
    assert "Traceback" not in result.stderr + result.stdout
    leftovers = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    assert not [n for n in leftovers if n.endswith(".tmp") or n.endswith(".lock")], leftovers
    if expected is None:
        assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
        assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("bcr"), result.stderr
        assert sessions_in(folder) == []
        return
    assert result.returncode == 0, result.stderr
    files = sessions_in(folder)
    assert len(files) == 1
    assert (
        result.stdout.strip() == str(files[0])
        or Path(result.stdout.strip()).resolve() == files[0].resolve()
    )
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    session = load_session(files[0])
    assert [(p.name, p.organization) for p in session.participants] == expected
    for person in session.participants:
        assert person.name == " ".join(person.name.split()) != ""
        assert len(person.name) <= MAX_NAME
        for text in (person.name, person.organization or ""):
            assert not any(unicodedata.category(c) == "Cc" for c in text), repr(text)


def _printable(text: str) -> str:
    """Without control characters, bidi controls and zero-width characters (joiners too: bcr
    keeps them between two non-ASCII characters, so names are compared without them)."""
    return "".join(
        c
        for c in text
        if c.isspace()
        or (
            unicodedata.category(c) not in ("Cc", "Cs")
            and c not in INVISIBLE
            and c not in "\u200c\u200d"
        )
    )


def _joinless(names: list[str]) -> list[str]:
    return [n.replace("\u200c", "").replace("\u200d", "") for n in names]


def expectation(text: str) -> list[tuple[str, str | None]] | None:
    """What bcr should keep from this text, or None if it must refuse it."""
    try:
        people = parse_roster(text)
    except UsageError:
        return None
    if not people:
        return None  # round-robin needs participants
    if "\n" not in text and "\r" not in text and "|" not in text and "#" not in text:
        # The simple case, checked independently: commas separate, whitespace collapses.
        simple = [" ".join(_printable(p).split()) for p in text.split(",") if p.strip()]
        simple = [p for p in simple if p] if len(simple) == len(people) else simple
        assert _joinless([name for name, _ in people]) == simple
    return people


@settings(
    max_examples=60,
    deadline=None,  # run_bcr is a plain function: safe to reuse
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ROSTER)
@example('Ana "Nana" Ruiz, Ben O\'Neil, 😀 Joy, مريم الحسن, שָׁלוֹם')
@example("Ana\nBen | Human Services\n# a comment\n\n  Chen   Li  ")
@example(",,,")
@example("")
@example("Ü" * (MAX_NAME + 1))
@example("\x1b[2J\x1b[31mEvil\x07, Bell")
def test_any_participant_list(run_bcr, text):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sessions"
        result = run_bcr(
            "new",
            "pai",
            "--title",
            "T",
            f"--participants={text}",
            "--no-open",
            "--sessions-dir",
            folder,
            cwd=tmp,
        )
        check_outcome(result, folder, expectation(text))


def test_ten_thousand_participants_from_a_file(tmp_path, run_bcr):
    names = [f"Participant {n:05d} {'ÿ' * (n % 7)}" for n in range(MAX_PARTICIPANTS)]
    roster = tmp_path / "roster.txt"
    roster.write_text("\n".join(names) + "\n", "utf-8")
    folder = tmp_path / "sessions"
    result = run_bcr(
        "new",
        "pai",
        "--title",
        "Big room",
        "--participants-file",
        roster,
        "--no-open",
        "--sessions-dir",
        folder,
        cwd=tmp_path,
    )
    check_outcome(result, folder, [(" ".join(n.split()), None) for n in names])


def test_one_participant_too_many_is_refused(tmp_path, run_bcr):
    roster = tmp_path / "roster.txt"
    roster.write_text("\n".join(f"P{n}" for n in range(MAX_PARTICIPANTS + 1)), "utf-8")
    folder = tmp_path / "sessions"
    result = run_bcr(
        "new",
        "pai",
        "--title",
        "Too big",
        "--participants-file",
        roster,
        "--no-open",
        "--sessions-dir",
        folder,
        cwd=tmp_path,
    )
    check_outcome(result, folder, None)
    assert str(MAX_PARTICIPANTS) in result.stderr


@pytest.mark.parametrize(
    "content", [b"\xff\xfe\x00A\x00n\x00a", b"", b"\n\n# only comments\n", None]
)
def test_unusable_participant_files(tmp_path, run_bcr, content):
    roster = tmp_path / "roster.txt"
    if content is None:
        roster.mkdir()  # a folder, not a file
    else:
        roster.write_bytes(content)
    folder = tmp_path / "sessions"
    result = run_bcr(
        "new",
        "pai",
        "--title",
        "T",
        "--participants-file",
        roster,
        "--no-open",
        "--sessions-dir",
        folder,
        cwd=tmp_path,
    )
    check_outcome(result, folder, None)


@pytest.mark.parametrize(
    ("title", "ok"),
    [
        ("", False),
        ("   ", False),
        ("\n\t", False),
        ('Fall 🍂 check-in / "final"', True),
        ("x" * 2000, True),
        ("../../etc", True),
    ],
)
def test_titles(tmp_path, run_bcr, title, ok):
    folder = tmp_path / "sessions"
    result = run_bcr(
        "new",
        "pai",
        f"--title={title}",
        "--participants=Ana, Ben",
        "--no-open",
        "--sessions-dir",
        folder,
        cwd=tmp_path,
    )
    check_outcome(result, folder, [("Ana", None), ("Ben", None)] if ok else None)
    if ok:
        assert load_session(sessions_in(folder)[0]).title == " ".join(title.split())
        assert [p.name for p in tmp_path.iterdir()] == ["sessions"]  # nothing written elsewhere


# --------------------------------------------------------------------------- escape sequences

ESCAPES = [b"\x1b]0;PWNED", b"\x1b[31mRED", b"\x1b[2J"]


def _first_frame(path: Path) -> bytes:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from ptyapp import PtyApp

    app = PtyApp(
        [sys.executable, "-m", "bcr_tui", "open", str(path)],
        cols=100,
        rows=30,
        cwd=str(path.parent),
    )
    try:
        app.read_until(b"Turn:", 20)
        app.read_until(b"answered", 5)
        return bytes(app.output)
    finally:
        app.close()


def test_escape_sequences_in_typed_names_never_reach_the_terminal(tmp_path, run_bcr):
    """A name is one line of text: control characters are dropped when it is typed, so an
    escape sequence in a roster cannot retitle, recolour or clear the facilitator's terminal."""
    folder = tmp_path / "sessions"
    result = run_bcr(
        "new",
        "pai",
        "--title",
        "T\x1b[2J",
        "--participants=Ana\x1b]0;PWNED\x07 Ruiz\nBen\x1b[31mRED | Org\x1b[2J",
        "--no-open",
        "--sessions-dir",
        folder,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    path = sessions_in(folder)[0]
    session = load_session(path)
    assert [(p.name, p.organization) for p in session.participants] == [
        ("Ana]0;PWNED Ruiz", None),
        ("Ben[31mRED", "Org[2J"),
    ]
    assert session.title == "T[2J"
    screen = _first_frame(path)
    assert b"PWNED" in screen  # the name is shown …
    for seq in ESCAPES:
        assert seq not in screen  # … but never as an escape sequence


def test_escape_sequences_in_a_received_session_file_never_reach_the_terminal(tmp_path, pai):
    from bcr_tui.session.state import new_session
    from bcr_tui.storage.store import SessionStore

    session = new_session(pai, "T", [("Ana", None), ("Ben", None)])
    session.participants[0].name = "Ana\x1b]0;PWNED\x07"  # as another program could write it
    session.participants[1].name = "Ben\x1b[31mRED"
    path = tmp_path / "received.toml"
    SessionStore.create(path, session).close()
    screen = _first_frame(path)
    for seq in ESCAPES:
        assert seq not in screen
