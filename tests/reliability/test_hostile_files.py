"""Hostile files: nothing injected into the terminal, nothing hung, nothing overwritten, no name
leaked (issue 17, items 2, 4, 6-10).

Session files travel by e-mail and shared drives; a shared folder may hold files someone planted.
Each test builds the hostile input as a person could and drives the real code (the CLI in a
subprocess, the app in a pseudo-terminal or under Pilot).
"""

from __future__ import annotations

import os
import socket
import stat
import sys
import time
from pathlib import Path

import pytest

from bcr_tui.driver import Meeting
from bcr_tui.errors import SessionLockedError
from bcr_tui.plaintext import one_line, printable
from bcr_tui.storage.store import SessionStore, load_session

#: What an escape sequence in a file would do: retitle the terminal, write its clipboard, clear it.
SEQUENCES = {
    "retitle": "\x1b]0;PWNED\x07",
    "clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "clear": "\x1b[2J",
}
TOML = {k: v.replace("\x1b", "\\u001b").replace("\x07", "\\u0007") for k, v in SEQUENCES.items()}


@pytest.fixture
def hostile_file(write_session):
    """`hostile_file(folder, name="received.toml")`: a session whose embedded instrument, title
    and ids were edited to hold escape sequences, as another program (or a person) could write
    them."""

    def write(folder: Path, name: str = "received.toml") -> Path:
        path = write_session(folder)
        text = path.read_text("utf-8")
        for old, new in (
            (
                'title = "Partnership Assessment Inventory"',
                f'title = "Partnership {TOML["retitle"]}"',
            ),
            ('short_title = "PAI"', f'short_title = "PAI{TOML["clipboard"]}"'),
            ('title = "Trust"', f'title = "Trust{TOML["clear"]}"'),
            ('title = "Test session"', f'title = "Test {TOML["retitle"]}"'),
        ):
            assert old in text
            text = text.replace(old, new, 1)
        target = folder / name
        target.write_text(text, "utf-8")
        if target != path:
            path.unlink()
        return target

    return write


# --------------------------------------------------------------------------- item 2: escapes


def test_escape_sequences_in_files_never_reach_bcr_list_or_messages(
    tmp_path, run_bcr, write_session, hostile_file
):
    hostile_file(tmp_path)
    (tmp_path / "evil\x1b]0;PWNED\x07.toml").write_text("not a session", "utf-8")
    (tmp_path / "keys.toml").write_text(
        write_session(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path)
        .read_text("utf-8")
        .replace("[ratings.", '[ratings."p01\\u001b[2J"]\n[ratings.', 1)
        + f'\n[ratings."zz{TOML["retitle"]}"]\ntrust-1 = "maintain"\n',
        "utf-8",
    )
    listed = run_bcr("list", "--sessions-dir", tmp_path, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout + listed.stderr
    assert "Test ]0;PWNED" in listed.stdout  # the title, without its escape
    assert "evil?]0;PWNED?.toml: cannot be read" in listed.stdout  # the file, as `ls` shows it
    assert "keys.toml: cannot be read" in listed.stdout
    for args in (
        ("export", tmp_path / "keys.toml", "--out", tmp_path / "out.csv"),
        ("report", tmp_path / "evil\x1b]0;PWNED\x07.toml"),
        ("open", tmp_path / "keys.toml"),
    ):
        result = run_bcr(*args, cwd=tmp_path)
        assert result.returncode == 2 and "\x1b" not in result.stdout + result.stderr, result


def test_an_instrument_check_names_control_characters_as_problems(tmp_path, run_bcr, pai):
    import tomli_w

    raw = dict(pai.raw)
    raw["title"] = "PAI" + SEQUENCES["retitle"]
    raw["intro"] = "Hello\u202eevil"
    path = tmp_path / "custom.toml"
    path.write_text(tomli_w.dumps(raw), "utf-8")
    result = run_bcr("instruments", "check", path, cwd=tmp_path)
    assert result.returncode == 2
    assert "title: contains control or invisible characters (U+001B, U+0007)" in result.stdout
    assert "intro: contains control or invisible characters (U+202E)" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr
    made = run_bcr(
        "new",
        path,
        "--title",
        "T",
        "--participants",
        "Ana",
        "--no-open",
        "--sessions-dir",
        tmp_path / "s",
        cwd=tmp_path,
    )
    assert made.returncode == 2 and "U+001B" in made.stderr


def test_an_embedded_instrument_with_escapes_reaches_no_screen(tmp_path, hostile_file):
    """The real app on a pseudo-terminal: what the file holds is shown without its escapes."""
    from ptyapp import PtyApp

    path = hostile_file(tmp_path)
    app = PtyApp(
        [sys.executable, "-m", "bcr_tui", "open", str(path)], cols=120, rows=30, cwd=str(tmp_path)
    )
    try:
        app.read_until(b"Turn:", 30)
        app.send(b"h")  # the heatmap: every domain title
        app.read_until(b"Share of answers", 10)
        time.sleep(0.5)
        app.pump(0.5)
        screen = bytes(app.output)
    finally:
        app.close()
    for what, seq in SEQUENCES.items():
        assert seq.encode()[:6] not in screen, what
    assert b"Trust[2J" in screen  # shown, without its escape
    session = load_session(path)
    assert session.title == "Test ]0;PWNED" and session.instrument.domains[0].title == "Trust[2J"


# --------------------------------------------------------------------------- item 4: bidi


def test_bidi_overrides_and_zero_width_characters_are_removed(tmp_path, run_bcr):
    assert one_line("Ana\u202eziuR\u202c") == "AnaziuR"
    assert one_line("Ki\u200bm\u2066\ufeff") == "Kim" and one_line("Ki\u200dm") == "Kim"
    assert printable("a\u2067b\n\u200fc") == "ab\nc"
    assert one_line("می\u200cخواهم") == "می\u200cخواهم"  # Persian needs its non-joiner
    assert one_line("👩\u200d💻") == "👩\u200d💻"  # an emoji sequence keeps its joiner
    result = run_bcr(
        "new",
        "pai",
        "--title",
        "T\u202eevil",
        "--participants",
        "Ana\u202eziuR, Ki\u200bm",
        "--no-open",
        "--sessions-dir",
        tmp_path,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    session = load_session(next(tmp_path.glob("*.toml")))
    assert session.title == "Tevil"
    assert [p.name for p in session.participants] == ["AnaziuR", "Kim"]


# --------------------------------------------------------------------------- item 6: undo


def test_undo_of_a_hand_added_log_entry_is_refused_and_the_file_stays_loadable(
    tmp_path, write_session
):
    path = write_session(tmp_path)
    m = Meeting(SessionStore.open(path))
    m.rate(1)
    m.store.close()
    with path.open("a", encoding="utf-8") as handle:  # an entry for someone not in the session
        handle.write(
            '\n[[log]]\nwhen = 2026-01-01T00:00:00Z\nop = "set"\nwho = "p99"\n'
            'item = "trust-1"\nold = "maintain"\n'
        )
    before = load_session(path).answers
    m = Meeting(SessionStore.open(path))
    outcome = m.undo()
    assert "cannot be undone" in outcome.message and not outcome.changed
    m.rate(2)  # bcr's own save after the refused undo
    m.store.close()
    after = load_session(path)  # … writes a file bcr reads
    assert "p99" not in after.answers and before["p01"] == after.answers["p01"]


# --------------------------------------------------------------------------- item 7: compare


def test_compare_matches_items_that_moved_to_another_domain(tmp_path, run_bcr, write_session):
    first = write_session(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path)
    m = Meeting(SessionStore.open(first))
    for digit in (1, 2, 1):
        m.rate(digit)
    m.store.close()
    text = first.read_text("utf-8")
    # The later session's instrument moves Trust's last item to the start of the next domain.
    later = tmp_path / "later.toml"
    import tomllib

    import tomli_w

    data = tomllib.loads(text)
    domains = data["instrument"]["domains"]
    domains[1]["items"].insert(0, domains[0]["items"].pop())
    later.write_text(
        text[: text.index("\n[instrument]\n")]
        + "\n"
        + tomli_w.dumps({"instrument": data["instrument"]}),
        "utf-8",
    )
    moved = load_session(later).instrument.domains[1].items[0].id
    assert moved.startswith("trust-")
    result = run_bcr("compare", first, later, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Trust" in result.stdout
    damaged = tmp_path / "damaged.toml"
    damaged.write_text("format = 1", "utf-8")
    result = run_bcr("compare", first, damaged, cwd=tmp_path)
    assert result.returncode == 2
    assert str(first) in result.stderr and "damaged.toml" in result.stderr


# --------------------------------------------------------------------------- item 8: links


def test_a_linked_session_keeps_its_link_and_has_one_writer(tmp_path, write_session):
    real = write_session(tmp_path / "real" if (tmp_path / "real").mkdir() is None else tmp_path)
    (tmp_path / "shared").mkdir()
    link = tmp_path / "shared" / "linked.toml"
    link.symlink_to(real)
    m = Meeting(SessionStore.open(link))
    with pytest.raises(SessionLockedError):
        SessionStore.open(real)  # the same session through its real path: refused
    m.rate(1)
    assert link.is_symlink() and os.readlink(link) == str(real)  # the link is still a link …
    assert load_session(real).answers  # … and the answer is in the real file
    assert not list((tmp_path / "shared").glob(".*"))  # no lock or temp file beside the link
    m.store.close()
    with pytest.raises(Exception, match="already exists"):
        (tmp_path / "dangling.toml").symlink_to(tmp_path / "nowhere" / "x.toml")
        SessionStore.create(tmp_path / "dangling.toml", load_session(real))


# --------------------------------------------------------------------------- item 9: planted


def test_planted_fifos_and_devices_hang_nothing(tmp_path, run_bcr, write_session):
    path = write_session(tmp_path)
    os.mkfifo(tmp_path / f".{path.name}.lock")
    os.mkfifo(tmp_path / "fifo.toml")
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    began = time.monotonic()
    opened = run_bcr("open", path, cwd=tmp_path)
    assert opened.returncode == 2 and "lock file" in opened.stderr and "remove it" in opened.stderr
    listed = run_bcr("list", "--sessions-dir", tmp_path, cwd=tmp_path)
    assert listed.returncode == 0
    assert "fifo.toml: cannot be read: is not a regular file" in listed.stdout
    assert "zero.toml: cannot be read: is not a regular file" in listed.stdout
    assert time.monotonic() - began < 30


def test_the_home_screen_lists_a_planted_fifo_and_still_quits(tmp_path, write_session):
    """The real app on a pseudo-terminal (a hang fails the test instead of hanging it)."""
    from ptyapp import PtyApp

    write_session(tmp_path)
    os.mkfifo(tmp_path / "fifo.toml")
    app = PtyApp(
        [sys.executable, "-m", "bcr_tui", "--sessions-dir", str(tmp_path)],
        cols=120,
        rows=30,
        cwd=str(tmp_path),
    )
    try:
        app.read_until(b"is not a regular file", 30)
        app.send(b"\x11")  # ctrl+q
        assert app.wait(20) == 0
    finally:
        app.close()


def test_a_file_that_grows_past_the_limit_is_refused(tmp_path, monkeypatch):
    from bcr_tui import tomlio
    from bcr_tui.errors import SessionFileError

    path = tmp_path / "big.toml"
    path.write_bytes(b"# " + b"x" * 5000)
    with pytest.raises(SessionFileError, match="too large"):
        tomlio.read_bytes(path, SessionFileError, 4096)
    assert tomlio.read_bytes(path, SessionFileError, 8192).startswith(b"# x")


def test_folders_bcr_creates_are_private_whatever_the_umask(tmp_path, pai):
    from bcr_tui.session.state import new_session

    old = os.umask(0)
    try:
        folder = tmp_path / "new" / "sessions"
        SessionStore.create(folder / "x.toml", new_session(pai, "T", [("Ana", None)])).close()
    finally:
        os.umask(old)
    for made in (folder, folder.parent):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700


def test_a_lock_from_another_host_says_how_to_take_it_over(tmp_path, write_session):
    path = write_session(tmp_path)
    lock = tmp_path / f".{path.name}.lock"
    lock.write_text('pid = 1\nhost = "other-laptop"\nuser = "kim\x1b[2J"\nsince = "x"\n')
    assert socket.gethostname() != "other-laptop"
    with pytest.raises(SessionLockedError) as caught:
        SessionStore.open(path)
    message = str(caught.value)
    assert "\x1b" not in message and "kim[2J on other-laptop" in message
    assert f"delete {lock} to take the session over" in message


def test_typed_notes_actions_and_other_answers_are_cleaned_like_names(pai):
    """A paste can carry an escape sequence: notes, action steps and "Other" answers are kept
    by the same rule as names, before any screen or save sees them."""
    from bcr_tui.session.records import Action
    from bcr_tui.session.state import new_session

    session = new_session(pai, "T", [("Ana", None)])
    item = session.items[0].id
    session.set_note(item, "see\x1b]0;PWNED\x07 \u202eabove")
    session.add_action(Action("call\x1b[2J", owner="Kim\x1b]52;c;eA==\x07"))
    session.set_profile("p01", "sector-other", "Tribe\x1b[31m")
    assert session.notes[item] == "see]0;PWNED above"
    assert session.actions[0] == Action("call[2J", owner="Kim]52;c;eA==")
    assert session.participants[0].profile["sector-other"] == "Tribe[31m"


async def test_the_palette_s_compare_offers_only_sessions_it_can_compare(
    tmp_path, write_session, app_for
):
    """A session of another version of the same instrument (an item fewer) in the folder: not
    offered, rather than a comparison that stops the app."""
    import tomllib

    import tomli_w

    path = write_session(tmp_path)
    text = path.read_text("utf-8")
    data = tomllib.loads(text)
    data["instrument"]["domains"][0]["items"].pop()
    (tmp_path / "other.toml").write_text(
        text[: text.index("\n[instrument]\n")].replace('id = "test-session"', 'id = "o"')
        + "\n"
        + tomli_w.dumps({"instrument": data["instrument"]}),
        "utf-8",
    )
    assert len(load_session(tmp_path / "other.toml").items) == len(load_session(path).items) - 1
    store = SessionStore.open(path)
    try:
        app = app_for(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"Compare with an earlier")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert app.is_running and app.screen.__class__.__name__ == "MeetingScreen"
    finally:
        store.close()
