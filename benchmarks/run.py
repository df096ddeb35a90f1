"""bcr's benchmarks: is it instant in the room, and fast across a state?

    python benchmarks/run.py [--quick] [--json FILE]

Prints a table (and writes flat keys to FILE with --json). Figures are medians over repeated runs
unless named otherwise; ratios are measured side by side in the same run, so they hold on a noisy
machine. Everything runs the real `bcr` in a real pseudo-terminal (benchmarks/ptyapp.py).

bcr's modules are byte-compiled first, as they are after an install or a first run: where
PYTHONDONTWRITEBYTECODE is set (as on some CI machines) every start would otherwise compile them
from source again, which is not what a facilitator's laptop does.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from copy import deepcopy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ptyapp import PtyApp  # noqa: E402

from bcr_tui.instrument.load import find_instrument, load_instrument, parse_instrument  # noqa: E402
from bcr_tui.session.state import new_session  # noqa: E402
from bcr_tui.storage.render import render  # noqa: E402
from bcr_tui.storage.store import SessionStore, load_session  # noqa: E402
from bcr_tui.tui import FRAMES_PER_SECOND  # noqa: E402

HERE = Path(__file__).parent
PY = sys.executable
GOALS = {
    "startup_ratio": ("≤", 1.15),
    "keystroke_p95_ms_40x31": ("≤", 16.0),
    "keystroke_p95_ms_200x50": ("≤", 33.0),
    "reopen_ratio_200x50": ("≤", 1.2),
    "rollup_s_1000": ("≤", 3.0),
    "peak_rss_mib_200x50": ("≤", 80.0),
    "keys_per_rating": ("≤", 1.05),
    "rollup_s_5000": ("≤", 6.0),
    "rollup_peak_mib_5000": ("≤", 400.0),
    "rollup_peak_mib_5000_file": ("≤", 400.0),
    "rollup_incremental_s": ("≤", 3.0),
    "phones_200_all_saved_s": ("≤", 1.0),
    "phones_vote_p95_ms": ("≤", 150.0),
    "keystroke_p95_ms_200x50_during_phones": ("≤", 33.0),
}


def instrument(items: int):
    """The PAI, or a PAI-shaped instrument stretched to `items` items (for the big case)."""
    pai = load_instrument(find_instrument("pai"))
    if items == len(pai.items):
        return pai
    raw = deepcopy(dict(pai.raw))
    template = raw["domains"][0]["items"][0]
    per = -(-items // len(raw["domains"]))
    made = 0
    for d in raw["domains"]:
        d["items"] = []
        for k in range(per):
            if made == items:
                break
            d["items"].append(
                {
                    **template,
                    "id": f"{d['id']}-{k + 1}",
                    "text": f"{template['text']} ({d['title']} {k + 1})",
                }
            )
            made += 1
    return parse_instrument(raw, "benchmark")


def session_file(folder: Path, people: int, items: int, filled: float, seed: int = 1) -> Path:
    """A round-robin session with `filled` of its answers already given (through the log)."""
    rng = random.Random(seed)
    s = new_session(
        instrument(items),
        f"Bench {people}x{items}",
        [(f"Person {n:03d}", None) for n in range(1, people + 1)],
    )
    ids = [i.id for i in s.items]
    for item in ids[: int(len(ids) * filled)]:
        for p in s.participants:
            s.record(p.id, item, rng.choice(("maintain", "immediate", "future")))
    if filled:
        s.cursor.item = ids[min(len(ids) - 1, int(len(ids) * filled))]
        s.cursor.who = s.participants[0].id
    store = SessionStore.create(folder / f"bench-{people}x{items}-{filled}.toml", s)
    store.close()
    return store.path


def timed_start(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds from process start to exit (it quits after its first full frame), peak RSS KiB."""
    app = PtyApp(argv, env=env)
    try:
        app.wait(60)
    finally:
        app.close()
    return time.perf_counter() - app.started, app.peak_rss_kib


def startup(session: Path, runs: int) -> tuple[float, float, float, float]:
    """Median seconds for `bcr open` and for the hello app (interleaved), and bcr's peak RSS.
    The hello app draws at bcr's frame cap too, so the ratio is bcr's own work."""
    env = {"BCR_EXIT_AFTER_FIRST_FRAME": "1", "TEXTUAL_FPS": FRAMES_PER_SECOND}
    bcr, hello, rss = [], [], []
    for _ in range(runs):
        seconds, peak = timed_start([PY, "-m", "bcr_tui", "open", str(session)], env)
        bcr.append(seconds)
        rss.append(peak)
        hello.append(timed_start([PY, str(HERE / "hello_app.py")], env)[0])
    return (
        statistics.median(bcr),
        statistics.median(hello),
        max(rss) / 1024,
        statistics.median(bcr) / statistics.median(hello),
    )


def keystrokes(session: Path, keys: int) -> tuple[float, float]:
    """p95 ms from a digit key written to the pty to the saved confirmation read back, and
    keystrokes per recorded rating."""
    s = load_session(session)
    before = s.answered_count()
    names = {p.id: p.name for p in s.participants}
    order = [p.id for p in s.participants]
    app = PtyApp([PY, "-m", "bcr_tui", "open", str(session)])
    latencies = []
    try:
        app.read_until(b"Turn:", 60)
        who = s.cursor.who or order[0]
        for k in range(keys):
            start = len(app.output)
            expected = f"{names[who]}: ".encode()
            began = time.perf_counter()
            app.send(str(1 + k % 3).encode())
            app.read_until(expected, 10, start)
            latencies.append((time.perf_counter() - began) * 1000)
            who = order[(order.index(who) + 1) % len(order)]
        app.send(b"\x11")  # ctrl+q
        app.wait(30)
    finally:
        app.close()
    recorded = load_session(session).answered_count() - before
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    return p95, keys / max(1, recorded)


def phones(session: Path) -> dict[str, float]:
    """200 simulated phones (aiohttp clients on 127.0.0.1) on a 200 × 50 session, against the
    real `bcr open --phones` (benchmarks/phonesim.py): all saved, vote p95, keys meanwhile."""
    import socket

    import phonesim

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    figures = phonesim.measure(session, port)
    figures.pop("keys_during_phones", None)
    return figures


def rollup(folder: Path, sessions: int, template: Path, runs: int) -> float:
    """Median wall seconds of `bcr rollup` over `sessions` copies of a 40 × 31 session to
    Parquet (the files written, and flushed to disk, before the first run)."""
    target = folder / f"rollup-{sessions}"
    target.mkdir()
    text = template.read_text("utf-8")
    for n in range(sessions):
        (target / f"county-{n:04d}.toml").write_text(
            text.replace('id = "', f'id = "c{n:04d}', 1).replace(
                'community = ""', f'community = "County {n % 100:02d}"', 1
            ),
            "utf-8",
        )
    os.sync()  # a coordinator's files were written long before: no write-back during the run
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(
            [
                PY,
                "-m",
                "bcr_tui",
                "rollup",
                str(target),
                "--out",
                str(folder / f"rollup-{sessions}.parquet"),
            ],
            check=True,
            capture_output=True,
        )
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds)


def state_folder(folder: Path, sessions: int, template: str, start: int = 0) -> Path:
    """`sessions` copies of a 16 × 31 session with its log (ids and communities differ, two
    years), one in ten with Windows line endings (CRLF), as a state's shared drive holds them."""
    target = folder / "state"
    target.mkdir(exist_ok=True)
    for n in range(start, start + sessions):
        year = int(template.split("created = ", 1)[1][:4])
        text = (
            template.replace('id = "', f'id = "s{n:05d}', 1)
            .replace('community = ""', f'community = "County {n % 58:02d}"', 1)
            .replace(f"created = {year}", f"created = {year - n % 2}", 1)
        )
        if n % 10 == 9:
            text = text.replace("\n", "\r\n")
        (target / f"county-{n:05d}.toml").write_bytes(text.encode("utf-8"))
    os.sync()
    return target


def timed_rss(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, the peak RSS (MiB) of the largest process of a command (bcr or one of its
    workers) and the CPU seconds of all of them, measured in a fresh process (so the figures
    are this run's). On a shared machine the CPU seconds say more than the wall seconds."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(time.perf_counter() - t, r.ru_maxrss / 1024, r.ru_utime + r.ru_stime)\n"
    )
    out = subprocess.run([PY, "-c", probe, *argv], check=True, capture_output=True, text=True)
    seconds, mib, cpu = out.stdout.split()
    return float(seconds), float(mib), float(cpu)


def state(folder: Path, counts: tuple[int, ...], results: dict[str, float]) -> None:
    """Roll-ups of a state: to the dataset folder and to one Parquet file, time and memory as
    the sessions grow; then one session added to the biggest dataset."""
    template = render(_full(16, 31))
    made = 0
    for count in counts:
        target = state_folder(folder, count - made, template, made)
        made = count
        for kind, out in (
            ("dataset", f"{folder}/ds-{count}/"),
            ("file", str(folder / f"one-{count}.parquet")),
        ):
            seconds, mib, cpu = timed_rss(
                [PY, "-m", "bcr_tui", "rollup", str(target), "--out", out]
            )
            results[f"rollup_{'ds' if kind == 'dataset' else 'file'}_s_{count}"] = seconds
            results[f"rollup_{'ds' if kind == 'dataset' else 'file'}_cpu_s_{count}"] = cpu
            results[f"rollup_peak_mib_{count}" + ("" if kind == "dataset" else "_file")] = mib
    results["rollup_s_5000"] = results.get("rollup_ds_s_5000", float("nan"))
    # how they grow: time per session should stay level (linear), memory flat
    first, last = counts[0], counts[-1]
    results[f"rollup_time_growth_{first}_{last}"] = (
        results[f"rollup_ds_s_{last}"] / results[f"rollup_ds_s_{first}"]
    )
    results[f"rollup_memory_growth_{first}_{last}"] = (
        results[f"rollup_peak_mib_{last}"] / results[f"rollup_peak_mib_{first}"]
    )
    state_folder(folder, 1, template, made)
    seconds, _, cpu = timed_rss(
        [PY, "-m", "bcr_tui", "rollup", str(target), "--out", f"{folder}/ds-{last}/"]
    )
    results["rollup_incremental_s"] = seconds
    results["rollup_incremental_cpu_s"] = cpu


def environment() -> dict[str, str]:
    import polars
    import textual

    return {
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "textual": textual.__version__,
        "polars": polars.__version__,
        "machine": platform.machine(),
        "system": platform.system(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (< 5 minutes)")
    parser.add_argument("--json", type=Path, help="write the figures as flat JSON keys here")
    args = parser.parse_args()
    runs, keys = (5, 60) if args.quick else (11, 200)
    import bcr_tui

    compileall.compile_dir(Path(bcr_tui.__file__).parent, quiet=1)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bcr-bench-") as tmp:
        folder = Path(tmp)
        small = session_file(folder, 40, 31, 0.0)
        big_full = session_file(folder, 200, 50, 1.0)
        _, _, _, results["startup_ratio"] = startup(small, runs)
        reopen_s, hello_s, rss, results["reopen_ratio_200x50"] = startup(big_full, runs)
        results["peak_rss_mib_200x50"] = rss
        results["keystroke_p95_ms_40x31"], results["keys_per_rating"] = keystrokes(small, keys)
        big_half = session_file(folder, 200, 50, 0.5)
        results["keystroke_p95_ms_200x50"], _ = keystrokes(big_half, keys)
        results.update(phones(session_file(folder / "phones", 200, 50, 0.5, seed=3)))
        full_small = folder / "full-40x31.toml"
        full_small.write_text(render(_full(40, 31)), "utf-8")
        for count in (100, 300, 1000) if not args.quick else (100, 1000):
            results[f"rollup_s_{count}"] = rollup(folder, count, full_small, 3)
        state(folder, (1000, 5000) if args.quick else (1000, 5000, 10000), results)
        results["reopen_s_200x50"] = reopen_s
        results["hello_s"] = hello_s
    results = {k: round(v, 3) for k, v in results.items()}
    env = environment()
    print(
        f"bcr benchmarks ({'quick' if args.quick else 'full'}) on {env['cpus']} CPUs, "
        f"{env['system']} {env['machine']}, Python {env['python']}, Textual {env['textual']}, "
        f"polars {env['polars']}"
    )
    print(f"{'key':38} {'value':>10}  goal")
    for key, value in results.items():
        goal = GOALS.get(key)
        verdict = ""
        if goal:
            met = value <= goal[1]
            verdict = f"{goal[0]} {goal[1]:g}  {'met' if met else 'NOT met'}"
        print(f"{key:38} {value:>10.3f}  {verdict}")
    if args.json:
        args.json.write_text(
            json.dumps({**results, **{f"env_{k}": v for k, v in env.items()}}, indent=2) + "\n",
            "utf-8",
        )
    return 0


def _full(people: int, items: int):
    rng = random.Random(7)
    s = new_session(
        instrument(items),
        "County check-in",
        [(f"Person {n:02d}", None) for n in range(1, people + 1)],
    )
    for item in s.items:
        for p in s.participants:
            s.record(p.id, item.id, rng.choice(("maintain", "immediate", "future")))
    return s


if __name__ == "__main__":
    raise SystemExit(main())
