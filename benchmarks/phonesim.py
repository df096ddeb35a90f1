"""Simulated phones against a real `bcr open --phones --host 127.0.0.1` on a pseudo-terminal.

Used by the benchmarks (`phones_*` figures in run.py), the kill test and the browser test. Each
phone is an aiohttp client with its own cookies, doing what a person does: open the join link,
tap their name, tap an answer, and count it as acknowledged only when the page says "Saved".
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from ptyapp import PtyApp

from bcr_tui.web.phones.announce import read_join, withdraw

PY = sys.executable


def start_open(path: Path, port: int, *, cols: int = 100, rows: int = 30) -> PtyApp:
    """`bcr open PATH --phones --host 127.0.0.1 --port PORT` on its own terminal (a join URL
    left by a bcr killed earlier is removed first, so the one read next is this bcr's)."""
    withdraw(path)
    return PtyApp(
        [
            PY,
            "-m",
            "bcr_tui",
            "open",
            str(path),
            "--phones",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cols=cols,
        rows=rows,
        cwd=str(path.parent),
    )


def wait_join_url(app: PtyApp, path: Path, timeout: float = 60.0) -> str:
    """The join URL, once the app has announced it (reading the terminal meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        url = read_join(path)
        if url is not None:
            return url
        if not app.pump(0.05):
            break
    raise TimeoutError(f"bcr never announced phones; output: {bytes(app.output[-600:])!r}")


class Pump(threading.Thread):
    """Reads the app's terminal in the background (a full pty would stall the app)."""

    def __init__(self, app: PtyApp) -> None:
        super().__init__(daemon=True)
        self.app = app
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and self.app.pump(0.05):
            pass


@dataclass
class Ack:
    """A vote the phone saw acknowledged ("Saved: LABEL")."""

    name: str
    item: str
    value: str
    seconds: float


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    if found is None:
        raise ValueError(f"no {name} on the page")
    return html.unescape(found.group(1))


class SimPhone:
    """One phone: a keep-alive HTTP/1.1 connection of its own, its seat cookie, the last page.

    A minimal client on asyncio streams, not aiohttp's: 200 aiohttp client sessions spent 225 ms
    of CPU on one burst (over 258 ms of wall time) on the same two cores as the laptop's server,
    so the phones' own work set the figure. Real phones are other devices. It speaks only what
    bcr's pages need: GET and form POSTs, `Content-Length` bodies, one cookie, redirects."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        host_port = self.base.split("://", 1)[1]
        self.host, _, port = host_port.rpartition(":")
        self.port = int(port)
        self.page = ""
        self.cookie = ""
        self._conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def _go(self, method: str, path: str, data: dict | None = None) -> int:
        status, location = await self._request(method, path, data)
        for _ in range(5):  # a form answered with 303 See Other: the phone loads the page
            if status not in (301, 302, 303) or location is None:
                break
            status, location = await self._request("GET", location, None)
        return status

    async def _request(self, method: str, path: str, data: dict | None) -> tuple[int, str | None]:
        if self._conn is None:
            self._conn = await asyncio.open_connection(self.host.strip("[]"), self.port)
        reader, writer = self._conn
        body = urlencode(data).encode() if data is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.base.split('://', 1)[1]}"]
        if method == "POST":
            head += [
                f"Origin: {self.base}",
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        if self.cookie:
            head.append(f"Cookie: {self.cookie}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        try:
            status_line = await reader.readuntil(b"\r\n")
            raw = await reader.readuntil(b"\r\n\r\n")
        except BaseException:
            self._drop()
            raise
        status = int(status_line.split()[1])
        length, location, close = 0, None, False
        for line in raw.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "location":
                location = value
            elif name == "set-cookie":
                self.cookie = value.split(";", 1)[0]
            elif name == "connection" and value.lower() == "close":
                close = True
        try:
            self.page = (await reader.readexactly(length)).decode("utf-8") if length else ""
        except BaseException:
            self._drop()
            raise
        if close:
            self._drop()
        return status, location

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn[1].close()
            self._conn = None

    async def join(self, code: str, name: str) -> None:
        await self._go("GET", f"/j/{code}")
        found = re.search(rf'name="who" value="([^"]*)">{re.escape(html.escape(name))}<', self.page)
        if found is None:
            raise ValueError(f"{name} is not offered")
        await self._go("POST", "/seat", {"code": code, "who": found.group(1)})
        if 'name="item"' not in self.page:
            raise ValueError(f"{name} did not get a seat")

    async def vote(self, value: str, *, reload: bool = True) -> Ack | None:
        """Tap `value` on the current question; an Ack if the page then says Saved."""
        if reload:
            await self._go("GET", "/")
        item = _field(self.page, "item")
        began = time.perf_counter()
        status = await self._go(
            "POST", "/vote", {"t": _field(self.page, "t"), "item": item, "answer": value}
        )
        seconds = time.perf_counter() - began
        name = re.search(r"You: <strong>([^<]*)</strong>", self.page)
        if status == 200 and "Saved: " in self.page and name:
            return Ack(html.unescape(name.group(1)), item, value, seconds)
        return None


async def seat_phones(base: str, code: str, names: list[str], limit: int = 50) -> tuple:
    """A phone per name, each seated under its name; returns (phones, closer)."""
    phones = [SimPhone(base) for _ in names]
    gate = asyncio.Semaphore(limit)

    async def one(phone: SimPhone, name: str) -> None:
        async with gate:
            await phone.join(code, name)
            await phone._go("GET", "/")

    await asyncio.gather(*(one(p, n) for p, n in zip(phones, names, strict=True)))

    async def close() -> None:
        for phone in phones:
            phone._drop()

    return phones, close


async def burst(phones: list[SimPhone], values: list[str]) -> list[Ack | BaseException | None]:
    """Every phone taps its answer at once (on the page it already has)."""
    return await asyncio.gather(
        *(p.vote(v, reload=False) for p, v in zip(phones, values, strict=True)),
        return_exceptions=True,
    )


VALUES = ("maintain", "immediate", "future", "abstain")


@dataclass
class KillRun:
    """One kill -9 in the middle of phone votes: what was acknowledged, what the file holds."""

    acked: dict[str, str]
    #: What each phone sent after its last "Saved" (refused, or unanswered at the kill).
    in_flight: dict[str, list[str]]
    on_disk: dict[str, str | None]
    votes: int
    acks_by: dict[str, int]
    logged_by: dict[str, int]

    def lost(self) -> list[str]:
        """People whose last acknowledged vote is not in the file (nor a later one they sent),
        or who were told "Saved" more often than the file's change log has their votes."""
        return [
            name
            for name, value in self.acked.items()
            if self.on_disk.get(name) not in (value, *self.in_flight.get(name, []))
            or self.logged_by.get(name, 0) < self.acks_by.get(name, 0)
        ]


def kill_during_votes(path: Path, port: int, seconds: float, seed: int = 0) -> KillRun:
    """Start bcr with phones, let every participant's phone vote again and again (each waits for
    its "Saved" before the next tap), kill -9 bcr after `seconds`, then read the file."""
    import random

    from bcr_tui.storage.store import load_session

    session = load_session(path)
    names = [p.name for p in session.participants]
    rng = random.Random(seed)
    app = start_open(path, port)
    acked: dict[str, str] = {}
    in_flight: dict[str, list[str]] = {}
    acks_by: dict[str, int] = {}
    count = 0
    try:
        url = wait_join_url(app, path)
        base, _, code = url.rpartition("/j/")
        pump = Pump(app)
        pump.start()

        async def votes() -> None:
            nonlocal count
            phones, close = await seat_phones(base, code, names)
            item = _field(phones[0].page, "item")
            stop = time.perf_counter() + seconds

            async def keep_voting(phone: SimPhone, name: str) -> None:
                nonlocal count
                k = rng.randrange(len(VALUES))
                while time.perf_counter() < stop:
                    value = VALUES[k % len(VALUES)]
                    k += 1
                    in_flight.setdefault(name, []).append(value)
                    try:
                        ack = await phone.vote(value, reload=False)
                    except Exception:  # noqa: BLE001 - the app was killed under us
                        return
                    if ack is not None and ack.item == item:
                        acked[name] = value
                        acks_by[name] = acks_by.get(name, 0) + 1
                        count += 1
                        in_flight.pop(name, None)

            timer = asyncio.get_running_loop().call_later(seconds * rng.uniform(0.4, 0.9), app.kill)
            try:
                await asyncio.gather(
                    *(keep_voting(p, n) for p, n in zip(phones, names, strict=True))
                )
            finally:
                timer.cancel()
                await close()

        asyncio.run(votes())
        pump.stop.set()
        pump.join(5)
    finally:
        app.close()
    after = load_session(path)
    item = after.cursor.item
    disk = {p.name: after.answer(p.id, item) for p in after.participants}
    names_by_id = {p.id: p.name for p in after.participants}
    logged: dict[str, int] = {}
    for entry in after.log:
        if entry.op == "set" and entry.item == item and entry.who in names_by_id:
            name = names_by_id[entry.who]
            logged[name] = logged.get(name, 0) + 1
    return KillRun(acked, in_flight, disk, count, acks_by, logged)


def main(argv: list[str] | None = None) -> int:
    """`python benchmarks/phonesim.py --kills N`: the long version of the kill test."""
    import argparse
    import socket
    import tempfile

    from bcr_tui.instrument.load import find_instrument, load_instrument
    from bcr_tui.session.state import new_session
    from bcr_tui.storage.store import SessionStore

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument(
        "--measure",
        type=Path,
        metavar="SESSION",
        help="print the phone figures on a copy of this session instead",
    )
    args = parser.parse_args(argv)
    if args.measure:
        import shutil

        with tempfile.TemporaryDirectory(prefix="bcr-phones-") as tmp:
            copy = Path(tmp) / args.measure.name
            shutil.copy(args.measure, copy)
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            for key, value in measure(copy, port).items():
                print(f"{key:40} {value:10.3f}")
        return 0
    lost = votes = 0
    with tempfile.TemporaryDirectory(prefix="bcr-phones-") as tmp:
        s = new_session(
            load_instrument(find_instrument("pai")),
            "Kill",
            [(f"Person {n:03d}", None) for n in range(1, args.phones + 1)],
            blind=True,
        )
        store = SessionStore.create(Path(tmp) / "kill.toml", s)
        store.close()
        for run in range(args.kills):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            result = kill_during_votes(store.path, port, 1.5, seed=run)
            votes += result.votes
            lost += len(result.lost())
            print(f"kill {run + 1}: {result.votes} votes acknowledged, lost {result.lost()}")
    print(f"{args.kills} kills, {votes} acknowledged votes, {lost} lost")
    return 1 if lost else 0


async def reload_all(phones: list[SimPhone]) -> None:
    """Every phone loads the current question (as its page does when the facilitator moves)."""
    await asyncio.gather(*(p._go("GET", "/") for p in phones))


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)] if values else float("nan")


KEY_ACK = re.compile(rb"Person \d{3}: ")
EVERYONE = re.compile(rb"Everyone present has answered|Everyone has rated")


#: The simulated phones run at a lower priority than the laptop: real phones are other devices, and
#: do not take the laptop's CPU.
NICE_PHONES = 19


def _moved_on(path: Path, before: str, timeout: float = 30.0) -> str:
    """The item the session file's cursor is on once it has left `before` (the screen may redraw
    only the digits that changed, so "item 35 of 50" need not appear in its output in one
    piece; and a key that completes a round may itself have moved on)."""
    from bcr_tui.storage.store import load_session

    deadline = time.monotonic() + timeout
    while (now := load_session(path).cursor.item) == before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"bcr never moved on from {before}")
        time.sleep(0.02)
    return now


def _phones_process(conn, base: str, code: str, names: list[str]) -> None:  # noqa: ANN001
    """The phones of `measure`, in a process of their own: real phones are other devices, and a
    simulator sharing the measuring process's interpreter (its GIL) delayed the reading of the
    facilitator's screen by up to a switch interval per chunk, so the phones' own work set part
    of the key figure. Obeys ("seat"), ("reload"), ("burst", values), ("close")."""
    import contextlib
    import os

    # Linux schedules each session as a group with an equal share of the CPU whatever the
    # priority of its processes (autogroup): the phones get a session of their own, and that
    # group the lowest priority, so they take only CPU the laptop does not want.
    with contextlib.suppress(OSError):
        os.setsid()
        Path("/proc/self/autogroup").write_text(str(NICE_PHONES))
    os.nice(NICE_PHONES)
    loop = asyncio.new_event_loop()
    phones, close = loop.run_until_complete(seat_phones(base, code, names))
    conn.send(_field(phones[0].page, "item"))
    while True:
        command = conn.recv()
        if command[0] == "reload":
            loop.run_until_complete(reload_all(phones))
            conn.send(None)
        elif command[0] == "burst":
            results = loop.run_until_complete(burst(phones, command[1]))
            conn.send([r if isinstance(r, Ack) else None for r in results])
        else:
            loop.run_until_complete(close())
            conn.send(None)
            return


def measure(path: Path, port: int, bursts: int = 24) -> dict[str, float]:
    """The phone figures on a session of people × items (every participant has a phone):

    - `phones_200_all_saved_s`: all phones tap at once → every acknowledgement received and the
      facilitator's screen saying everyone has answered (the file is checked afterwards);
    - `phones_vote_p95_ms`: a phone's tap to its "Saved" page, in that burst;
    - `keystroke_p95_ms_200x50_during_phones`: the facilitator's digit keys (a durable save each,
      like `keystrokes` in run.py) while the phones of further bursts are being saved.

    The phones run in a process of their own (`_phones_process`); this one sends the keys and
    reads the screen.
    """
    import gc
    import multiprocessing

    from bcr_tui.storage.store import load_session

    session = load_session(path)
    names = [p.name for p in session.participants]
    ids = [p.id for p in session.participants]
    app = start_open(path, port)
    figures: dict[str, float] = {}
    worker = None
    try:
        url = wait_join_url(app, path)
        base, _, code = url.rpartition("/j/")
        pump = Pump(app)
        pump.start()
        conn, theirs = multiprocessing.Pipe()
        worker = multiprocessing.get_context("spawn").Process(
            target=_phones_process, args=(theirs, base, code, names), daemon=True
        )
        worker.start()
        item = conn.recv()
        values = [VALUES[n % 3] for n in range(len(names))]
        start = len(app.output)
        began = time.perf_counter()
        conn.send(("burst", values))
        results = conn.recv()
        acked = time.perf_counter()
        while not EVERYONE.search(bytes(app.output[start:])):
            if time.perf_counter() - began > 60:
                raise TimeoutError("the facilitator's screen never showed every answer")
            time.sleep(0.005)
        shown = time.perf_counter()
        acks = [r for r in results if isinstance(r, Ack)]
        if len(acks) != len(names):
            raise AssertionError(f"only {len(acks)} of {len(names)} phones were acknowledged")
        saved = load_session(path)
        missing = [i for i, v in zip(ids, values, strict=True) if saved.answer(i, item) != v]
        if missing:
            raise AssertionError(f"acknowledged but not in the file: {missing[:5]}")
        figures["phones_200_all_saved_s"] = max(acked, shown) - began
        figures["phones_vote_p95_ms"] = _p95([a.seconds * 1000 for a in acks])
        latencies: list[float] = []
        gc.disable()  # this process's own collections would be read as the laptop's latency
        for b in range(bursts):
            if load_session(path).cursor.item == item:
                app.send(b"\x1b[C")  # → the next item (saved before the screen shows it)
            item = _moved_on(path, item)
            conn.send(("reload",))
            conn.recv()
            pump.stop.set()
            pump.join()
            conn.send(("burst", values[b:] + values[:b]))
            k = 0
            while not conn.poll():
                mark = len(app.output)
                sent = time.perf_counter()
                app.send(str(1 + k % 3).encode())
                k += 1
                app.read_until(
                    lambda out: bool(KEY_ACK.search(out) or EVERYONE.search(out)), 30, mark
                )
                if EVERYONE.search(bytes(app.output[mark:])):
                    break
                latencies.append((time.perf_counter() - sent) * 1000)
            conn.recv()
            pump = Pump(app)
            pump.start()
        gc.enable()
        figures["keystroke_p95_ms_200x50_during_phones"] = _p95(latencies)
        figures["keys_during_phones"] = len(latencies)
        conn.send(("close",))
        conn.recv()
        pump.stop.set()
        pump.join()
        app.send(b"\x11")
        app.wait(30)
    finally:
        if worker is not None:
            worker.join(10)
            if worker.is_alive():
                worker.kill()
        app.close()
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
