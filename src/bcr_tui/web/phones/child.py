"""The phones' server process: `python -m bcr_tui.web.phones.child SESSION`, started by the laptop.

Why a process of its own: the facilitator's keys share the laptop's event loop with whatever runs
there, and a burst of 200 phones (HTTP parsing, pages, cookies, event streams) kept a key waiting
56-122 ms at the 95th percentile when the server ran in that loop. Here the phones' traffic runs on
the other core, at a lower priority (`NICE`), and the laptop does only what must be its own: apply
each vote to the session and save it. This process never writes the session file (it reads it once,
for the instrument) and never tells a phone "Saved" before the laptop says the vote is on disk.

It reads the laptop's messages (`channel`) from standard input until the laptop goes, however it
goes (quit, crash, `kill -9`): then it stops listening and ends. It prints nothing but messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from bcr_tui.errors import BcrError
from bcr_tui.storage.store import load_session
from bcr_tui.web.phones.channel import LIMIT, decode
from bcr_tui.web.phones.server import PhoneServer
from bcr_tui.web.phones.site import Laptop
from bcr_tui.web.phones.snapshot import Snapshot

#: How much lower than the laptop's own process this one runs (the facilitator's keys first).
NICE = 19


def _write(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


async def serve(path: Path) -> int:
    """Serve the phones of the session at `path` until the laptop's pipe closes."""
    laptop = Laptop(_write)
    try:
        session = load_session(path)
    except BcrError as exc:
        laptop.tell("failed", why=exc.message)
        return 1
    server = PhoneServer(session.instrument, laptop)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    laptop.tell("hello", code=server.seats.code)
    try:
        while line := await reader.readline():
            message = decode(line)
            if message is not None:
                await _obey(server, message)
    except (ValueError, ConnectionError):  # a line over LIMIT, or the pipe broke
        pass
    laptop.lost()
    await server.close()
    return 0


async def _obey(server: PhoneServer, message: dict[str, Any]) -> None:
    op, laptop = message["op"], server.laptop
    if op == "state":
        server.apply(Snapshot.of(message))
    elif op == "done":
        laptop.answered(message)
    elif op == "release":
        server.release(str(message.get("who", "")))
    elif op == "listen":
        host, port = message.get("host"), message.get("port")
        if not isinstance(host, str) or not isinstance(port, int):
            return
        try:
            await server.listen(host, port)
        except OSError as exc:
            laptop.tell("refused", why=str(exc.strerror or exc))
        else:
            laptop.tell("listening", host=host, port=port)
    elif op == "close":
        await server.close()
        laptop.tell("closed")
    elif op == "ping":
        laptop.tell("pong", n=message.get("n"))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bcr_tui.web.phones.child SESSION", file=sys.stderr)
        return 2
    with contextlib.suppress(OSError, AttributeError):  # no os.nice on Windows
        os.nice(NICE)
    try:
        return asyncio.run(serve(Path(args[0])))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
