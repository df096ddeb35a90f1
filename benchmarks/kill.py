"""Kill -9 the real app while it records ratings, and prove nothing acknowledged is lost.

    python benchmarks/kill.py --runs 500 [--seed S] [--participants P] [--items-limit K]

Each run starts the real `python -m bcr_tui open FILE` on a pseudo-terminal (100 × 30), waits for
the first frame, types digit keys (1-3, sometimes 0, sometimes `u` for undo) at meeting speed or
much faster, and kills the process with SIGKILL at a random moment (sometimes right after a key
was sent, while it is being handled). Then it checks the file:

* it parses (`bcr_tui.storage.store.load_session`);
* every rating the screen acknowledged ("✓ <Name>: <answer> — saved") is in it, unless a later
  key undid it;
* its log is consistent: replaying the set/undo/redo entries from nothing reproduces `answers`;
* its state is exactly what the keys typed so far produce (the harness replays the same keys
  through `bcr_tui.driver.Meeting` on a copy of the session: same code, no screen, no disk);
* the next start takes over the stale lock the killed process left, and resumes at the turn the
  file records ("Turn: <that person>", "item N of M").

Which key an acknowledgement belongs to: the replay gives the message each key must flash; the
acknowledgements seen on screen are matched to those in order (earliest match), which can only
under-estimate how far the app got, so a reported loss is a real loss.

Deterministic per --seed (the keys, the gaps and the kill moments; not the machine's timing).
Exit status 1 if any file was corrupt, any acknowledged rating lost, any log inconsistent, or any
resume wrong.
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ptyapp import PtyApp  # noqa: E402 - the folder is put on the path just above

from bcr_tui.driver import Meeting  # noqa: E402
from bcr_tui.errors import BcrError  # noqa: E402
from bcr_tui.instrument.load import find_instrument, load_instrument, parse_instrument  # noqa: E402
from bcr_tui.instrument.model import Instrument  # noqa: E402
from bcr_tui.session.state import Session, new_session  # noqa: E402
from bcr_tui.storage.store import SessionStore, load_session  # noqa: E402

COLS, ROWS = 100, 30
FIRST_FRAME_TIMEOUT_S = 30.0
FIRSTS = [
    "Ana",
    "Ben",
    "Chen",
    "Dana",
    "Eli",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Joy",
    "Kofi",
    "Lena",
    "Marco",
    "Nia",
    "Omar",
    "Pia",
]
LASTS = [
    "Ruiz",
    "Okafor",
    "Li",
    "Moss",
    "Park",
    "Haddad",
    "Novak",
    "Sato",
    "Petrov",
    "Nakamura",
    "Mensah",
    "Berg",
    "Rossi",
    "Adeyemi",
    "Farouk",
    "Lund",
]

_CSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")
_OSC = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_ESC = re.compile(rb"\x1b[@-Z\\-_]")
_ACK = re.compile(r"✓ ([^\n✓]*?) — saved")
_TURN = re.compile(r"Turn: (\S(?:[^\n]*?\S)?)(?: {2}|\n)")
_WHERE = re.compile(r"item (\d+) of (\d+)")


def screen_text(raw: bytes) -> str:
    """The text a program wrote, without colours; every cursor movement becomes a line break."""

    def csi(match: re.Match[bytes]) -> bytes:
        seq = match.group(0)
        return b"" if seq.endswith(b"m") else b"\n"

    text = _OSC.sub(b"", raw)
    text = _CSI.sub(csi, text)
    text = _ESC.sub(b"", text)
    return text.replace(b"\r", b"").decode("utf-8", "replace")


def acknowledgements(raw: bytes) -> list[str]:
    """The "✓ … — saved" messages on screen, in order (a repaint of the same one counts once)."""
    out: list[str] = []
    for match in _ACK.finditer(screen_text(raw)):
        message = match.group(1).strip()
        if not out or out[-1] != message:
            out.append(message)
    return out


# --------------------------------------------------------------------------- the replay


class _NoDisk:
    """A stand-in for SessionStore: the replay saves nothing."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, *, force: bool = False) -> None:
        return None

    def read_log(self) -> None:
        return None  # the replayed session's log is in memory from the start


@dataclass
class Step:
    """One key and what the app must do with it (computed by replaying it through Meeting)."""

    key: str
    message: str
    changed: bool
    log_len: int
    answers: dict[str, dict[str, Any]]
    cursor: tuple[str, str | None]
    rating: tuple[str, str, Any] | None = None  # (who, item, value) for a recorded answer


class Replay:
    """The same keys through `Meeting` on a copy of the session, to know what each one does."""

    def __init__(self, session: Session) -> None:
        self.meeting = Meeting(_NoDisk(copy.deepcopy(session)))  # type: ignore[arg-type]
        s = self.meeting.session
        self.start = Step(
            "", "", False, len(s.log), copy.deepcopy(s.answers), (s.cursor.item, s.cursor.who)
        )
        self.steps: list[Step] = []

    def press(self, key: str) -> Step:
        meeting = self.meeting
        who, item = meeting.rater, meeting.item.id
        outcome = meeting.undo() if key == "u" else meeting.rate(int(key))
        s = meeting.session
        rating = None
        if key != "u" and outcome.changed and outcome.entry is not None:
            rating = (who, item, outcome.entry.new)
        step = Step(
            key,
            outcome.message,
            outcome.changed,
            len(s.log),
            copy.deepcopy(s.answers),
            (s.cursor.item, s.cursor.who),
            rating,
        )
        self.steps.append(step)
        return step

    def state_after(self, n: int) -> Step:
        """The state after the first `n` keys."""
        return self.steps[n - 1] if n else self.start


def match_acks(steps: list[Step], acks: list[str]) -> tuple[list[int], list[str]]:
    """The key number (1-based) of each acknowledgement, matched in order to the earliest key that
    flashes that message; and the acknowledgements no key explains."""
    matched: list[int] = []
    unexplained: list[str] = []
    j = 0
    for ack in acks:
        k = j
        while k < len(steps) and not (steps[k].changed and steps[k].message == ack):
            k += 1
        if k == len(steps):
            unexplained.append(ack)
            continue
        matched.append(k + 1)
        j = k + 1
    return matched, unexplained


def replay_log(session: Session) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Answers rebuilt from the log alone (set / undo / redo), and any inconsistency found."""
    answers: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    done: list[Any] = []
    undone: list[Any] = []

    def put(who: str, item: str, value: Any) -> None:
        if value is None:
            answers.get(who, {}).pop(item, None)
            if who in answers and not answers[who]:
                del answers[who]
        else:
            answers.setdefault(who, {})[item] = value

    for n, e in enumerate(session.log):
        if e.op == "set":
            current = answers.get(e.who, {}).get(e.item)
            if current != e.old:
                problems.append(f"log[{n}] set {e.who}/{e.item}: old={e.old!r}, was {current!r}")
            put(e.who, e.item, e.new)
            done.append(e)
            undone.clear()
        elif e.op in ("tally", "absent", "note", "profile"):
            done.append(e)
            undone.clear()
        elif e.op in ("undo", "redo"):
            # An undo moves the last change from done to undone and applies its old value; a
            # redo moves it back and applies its new value again.
            source, target = (done, undone) if e.op == "undo" else (undone, done)
            if not source:
                problems.append(f"log[{n}] {e.op} with nothing to {e.op}")
                continue
            last = source.pop()
            target.append(last)
            applied = (last.new, last.old) if e.op == "undo" else (last.old, last.new)
            if (last.who, last.item, *applied) != (e.who, e.item, e.old, e.new):
                problems.append(f"log[{n}] {e.op} does not match the change it {e.op}es")
            if last.op == "set":
                put(e.who, e.item, e.new)
    if answers != session.answers:
        problems.append("replaying the log does not give the answers in the file")
    return answers, problems


def _log_key(e: Any) -> tuple:
    return (e.op, e.who, e.item, e.old, e.new)


# --------------------------------------------------------------------------- sessions


def people(n: int) -> list[tuple[str, str | None]]:
    """`n` distinct names, none a prefix of another."""
    return [
        (f"{FIRSTS[i % len(FIRSTS)]} {LASTS[(i // len(FIRSTS) + i) % len(LASTS)]}", None)
        for i in range(n)
    ]


def instrument(items_limit: int | None) -> Instrument:
    """The PAI, cut to its first `items_limit` items (all of them by default)."""
    pai = load_instrument(find_instrument("pai"))
    if not items_limit or items_limit >= len(pai.items):
        return pai
    raw = copy.deepcopy(dict(pai.raw))
    left = items_limit
    domains = []
    for domain in raw["domains"]:
        if left <= 0:
            break
        domain["items"] = domain["items"][:left]
        left -= len(domain["items"])
        domains.append(domain)
    raw["domains"] = domains
    raw.pop("reflection", None)
    return parse_instrument(raw, "pai (cut)")


def create_session(folder: Path, n: int, seed: int, inst: Instrument, participants: int) -> Path:
    session = new_session(
        inst, f"Kill test {n}", people(participants), community="Testville", mode="round-robin"
    )
    session.id = f"kill-{seed}-{n}"
    path = folder / f"session-{n:03d}.toml"
    SessionStore.create(path, session).close()
    return path


# --------------------------------------------------------------------------- the harness


@dataclass
class Report:
    """What the runs found."""

    seed: int = 0
    runs: int = 0
    kills: int = 0
    files: int = 0
    corrupt: int = 0
    lost: int = 0
    inconsistent: int = 0
    divergent: int = 0
    resume_mismatches: int = 0
    start_failures: int = 0
    crashes: int = 0
    stale_locks: int = 0
    temp_files_left: int = 0
    keys_sent: int = 0
    digits_sent: int = 0
    keys_applied: int = 0
    acks_seen: int = 0
    digit_acks: int = 0
    unexplained_acks: int = 0
    mid_key_kills: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.corrupt
            or self.lost
            or self.inconsistent
            or self.divergent
            or self.resume_mismatches
            or self.start_failures
            or self.crashes
            or self.unexplained_acks
        )

    def fail(self, run: int, what: str) -> None:
        self.failures.append(f"run {run}: {what}")

    def table(self) -> str:
        rows = [
            ("seed", self.seed),
            ("runs", self.runs),
            ("kills (SIGKILL)", self.kills),
            ("  of which right after a key was sent", self.mid_key_kills),
            ("session files used", self.files),
            ("corrupt files", self.corrupt),
            ("lost acknowledged ratings", self.lost),
            ("log inconsistencies", self.inconsistent),
            ("files ≠ replay of the keys", self.divergent),
            ("resume mismatches", self.resume_mismatches),
            ("starts that failed (lock not taken over…)", self.start_failures),
            ("app exits before the kill", self.crashes),
            ("acknowledgements no key explains", self.unexplained_acks),
            ("stale locks left by a kill (taken over)", self.stale_locks),
            ("temp files left by a kill", self.temp_files_left),
            ("keystrokes sent", self.keys_sent),
            ("  digits sent", self.digits_sent),
            ("keystrokes on disk (reached the file)", self.keys_applied),
            ("acknowledgements seen on screen", self.acks_seen),
            ("  digit ratings acknowledged", self.digit_acks),
            ("seconds", f"{self.seconds:.1f}"),
        ]
        width = max(len(r[0]) for r in rows)
        lines = [f"{name:<{width}}  {value:>8}" for name, value in rows]
        verdict = "OK: nothing acknowledged was lost" if self.ok else "FAILED"
        return "\n".join([*lines, verdict, *self.failures[:40]])


def _pump_for(app: PtyApp, seconds: float) -> bool:
    """Read the screen for `seconds`; False if the program's output ended (it exited)."""
    deadline = time.perf_counter() + seconds
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            return app.pump(0)
        if not app.pump(left):
            return False


def _first_frame(app: PtyApp) -> tuple[str, int, int]:
    """Wait for the meeting's first frame: (name with the turn, item number, item count)."""
    found: dict[str, Any] = {}

    def ready(out: bytes) -> bool:
        if b"Turn:" not in out:
            return False
        text = screen_text(out)
        turn, where = _TURN.findall(text), _WHERE.findall(text)
        if turn and where:
            found["turn"], found["where"] = turn[-1], where[-1]
            return True
        return False

    app.read_until(ready, FIRST_FRAME_TIMEOUT_S)
    return found["turn"], int(found["where"][0]), int(found["where"][1])


def _plan(rng: random.Random, duration: float) -> tuple[list[tuple[str, float]], str, float]:
    """The keys of one run with the gap after each, how the run ends, and the last wait."""
    fast = rng.random() < 0.7
    keys: list[tuple[str, float]] = []
    spent = 0.0
    budget = duration * rng.uniform(0.2, 1.0)
    while spent < budget or not keys:
        r = rng.random()
        key = "u" if r < 0.1 else "0" if r < 0.2 else str(rng.randint(1, 3))
        gap = rng.uniform(0.0, 0.05) if fast else rng.uniform(0.12, 0.35)
        keys.append((key, gap))
        spent += gap
    ending = rng.choices(["right-after-a-key", "soon-after", "settled"], [0.4, 0.35, 0.25])[0]
    wait = {
        "right-after-a-key": 0.0,
        "soon-after": rng.uniform(0.0, 0.08),
        "settled": rng.uniform(0.2, 0.4),
    }[ending]
    return keys, ending, wait


def run_harness(
    runs: int,
    *,
    seed: int = 0,
    participants: int = 4,
    items_limit: int | None = None,
    duration: float = 1.0,
    folder: Path | None = None,
    verbose: bool = False,
    app_env: dict[str, str] | None = None,
) -> Report:
    """`runs` kill-and-check runs; returns what they found. `app_env` is added to the app's
    environment (the tests use it to plant a fault and check the harness notices)."""
    if participants < 2:
        raise ValueError("at least 2 participants (acknowledgements are told apart by name)")
    inst = instrument(items_limit)
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="bcr-kill-")) if own else folder
    folder.mkdir(parents=True, exist_ok=True)
    report = Report(seed=seed)
    began = time.perf_counter()
    path = create_session(folder, 1, seed, inst, participants)
    report.files = 1
    try:
        for run in range(1, runs + 1):
            report.runs = run
            # Each run's keys, gaps and kill moment depend on the seed and the run's number only,
            # not on how far the previous runs got.
            rng = random.Random(f"{seed}/{run}")
            session = load_session(path)
            replay = Replay(session)
            if replay.meeting.rater is None:  # this session is complete: start another
                report.files += 1
                path = create_session(folder, report.files, seed, inst, participants)
                session = load_session(path)
                replay = Replay(session)
            _one_run(run, path, session, replay, rng, duration, report, verbose, app_env)
            if _corrupt_path(path):
                report.files += 1
                path = create_session(folder, report.files, seed, inst, participants)
        _final_start(runs + 1, path, report, app_env)
    finally:
        report.seconds = time.perf_counter() - began
        if own:
            shutil.rmtree(folder, ignore_errors=True)
    return report


def _corrupt_path(path: Path) -> bool:
    try:
        load_session(path)
    except BcrError:
        return True
    return False


def _start(path: Path, env: dict[str, str] | None = None) -> PtyApp:
    return PtyApp(
        [sys.executable, "-m", "bcr_tui", "open", str(path)],
        cols=COLS,
        rows=ROWS,
        cwd=str(path.parent),
        env={"PYTHONUNBUFFERED": "1", **(env or {})},
    )


def _check_resume(run: int, app: PtyApp, session: Session, report: Report) -> bool:
    """Wait for the first frame and check it shows the turn and item the file records."""
    try:
        name, number, count = _first_frame(app)
    except TimeoutError as exc:
        report.start_failures += 1
        report.fail(run, f"the app never showed its first frame ({exc})"[:400])
        return False
    person = session.participant(session.cursor.who or "")
    want_name = person.name if person else "?"
    ids = [i.id for i in session.items]
    want_number = ids.index(session.cursor.item) + 1 if session.cursor.item in ids else 0
    if (name, number, count) != (want_name, want_number, len(ids)):
        report.resume_mismatches += 1
        report.fail(
            run,
            f"resumed at {name!r}, item {number} of {count}; the file records "
            f"{want_name!r}, item {want_number} of {len(ids)}",
        )
    return True


def _one_run(
    run: int,
    path: Path,
    session: Session,
    replay: Replay,
    rng: random.Random,
    duration: float,
    report: Report,
    verbose: bool,
    env: dict[str, str] | None,
) -> None:
    keys, ending, wait = _plan(rng, duration)
    lock = path.with_name(f".{path.name}.lock")
    app = _start(path, env)
    try:
        if not _check_resume(run, app, session, report):
            app.kill()
            lock.unlink(missing_ok=True)  # so the next runs can go on; the failure is counted
            return
        alive = True
        for n, (key, gap) in enumerate(keys):
            app.send(key.encode())
            report.keys_sent += 1
            report.digits_sent += key != "u"
            replay.press(key)
            if n == len(keys) - 1:
                break
            if not _pump_for(app, gap):
                alive = False
                break
        if alive and wait:
            alive = _pump_for(app, wait)
        if not alive:
            report.crashes += 1
            report.fail(
                run, f"the app exited by itself before the kill: {bytes(app.output[-300:])!r}"
            )
        report.mid_key_kills += ending == "right-after-a-key"
        app.kill(signal.SIGKILL)
        report.kills += 1
    finally:
        app.close()
    if lock.exists():
        report.stale_locks += 1
    temps = list(path.parent.glob(f".{path.name}.*.tmp"))
    report.temp_files_left += len(temps)
    for temp in temps:  # what a SIGKILL inside a save leaves; bcr never reads it
        temp.unlink()
    _check_file(run, path, replay, bytes(app.output), report)
    if verbose:
        print(
            f"run {run:4d}: {len(keys):3d} keys ({ending}), on disk "
            f"{len(load_session(path).log) if not _corrupt_path(path) else '?'} "
            f"log entries",
            file=sys.stderr,
        )


def _check_file(run: int, path: Path, replay: Replay, output: bytes, report: Report) -> None:
    acks = acknowledgements(output)
    matched, unexplained = match_acks(replay.steps, acks)
    report.acks_seen += len(acks)
    report.digit_acks += sum(1 for k in matched if replay.steps[k - 1].key != "u")
    if unexplained:
        report.unexplained_acks += len(unexplained)
        report.fail(run, f"acknowledgements no key explains: {unexplained[:3]}")
    last_ack = matched[-1] if matched else 0
    try:
        on_disk = load_session(path)
    except BcrError as exc:
        report.corrupt += 1
        report.fail(run, f"the file does not load: {exc}")
        return
    _, problems = replay_log(on_disk)
    if problems:
        report.inconsistent += 1
        report.fail(run, f"log inconsistent: {problems[0]}")
    # Which prefix of the keys is on disk? The one whose log is as long as the file's.
    on_disk_n = next(
        (
            n
            for n in range(len(replay.steps) + 1)
            if replay.state_after(n).log_len == len(on_disk.log)
        ),
        None,
    )
    expected_log = [_log_key(e) for e in replay.meeting.session.log]
    consistent = (
        on_disk_n is not None
        and [_log_key(e) for e in on_disk.log] == expected_log[: len(on_disk.log)]
        and on_disk.answers == replay.state_after(on_disk_n).answers
        and (on_disk.cursor.item, on_disk.cursor.who) == replay.state_after(on_disk_n).cursor
    )
    if not consistent:
        report.divergent += 1
        report.fail(
            run,
            f"the file holds {len(on_disk.log)} log entries that are not what the "
            f"keys typed produce (the replay has {len(expected_log)})",
        )
    else:
        report.keys_applied += on_disk_n
    reference = on_disk_n if consistent and on_disk_n >= last_ack else last_ack
    live = replay.state_after(reference).answers
    lost = []
    for k in matched:
        rating = replay.steps[k - 1].rating
        if rating is None:
            continue
        who, item, value = rating
        if live.get(who, {}).get(item) == value and on_disk.answer(who, item) != value:
            lost.append(rating)
    if lost:
        report.lost += len(lost)
        report.fail(run, f"{len(lost)} acknowledged ratings are not in the file, e.g. {lost[0]}")


def _final_start(run: int, path: Path, report: Report, env: dict[str, str] | None) -> None:
    """After the last kill: the next start takes the lock over and resumes; ctrl+q quits."""
    try:
        session = load_session(path)
    except BcrError:
        return
    replay = Replay(session)
    if replay.meeting.rater is None:
        return
    app = _start(path, env)
    try:
        if _check_resume(run, app, session, report):
            app.send(b"\x11")  # ctrl+q
            status = app.wait(20)
            if status != 0:
                report.fail(run, f"quitting exited with status {status}")
                report.crashes += 1
    except TimeoutError:
        report.fail(run, "ctrl+q did not quit")
        report.crashes += 1
    finally:
        app.close()
    if path.with_name(f".{path.name}.lock").exists():
        report.fail(run, "a clean quit left the lock behind")
        report.start_failures += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="how many kills (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="makes the runs repeatable")
    parser.add_argument("--participants", type=int, default=4, help="round-robin size (≥ 2)")
    parser.add_argument(
        "--items-limit",
        type=int,
        default=None,
        help="cut the PAI to its first K items (sessions finish sooner)",
    )
    parser.add_argument(
        "--duration", type=float, default=1.0, help="longest typing per run, in seconds (default 1)"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        metavar="DIR",
        help="work in DIR and keep the session files",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per run")
    args = parser.parse_args(argv)
    if args.participants < 2:
        parser.error("--participants must be at least 2")
    report = run_harness(
        args.runs,
        seed=args.seed,
        participants=args.participants,
        items_limit=args.items_limit,
        duration=args.duration,
        folder=args.keep,
        verbose=args.verbose,
    )
    print(report.table())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
