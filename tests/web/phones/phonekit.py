"""A simulated phone (an aiohttp client with its own cookies) and a room on 127.0.0.1.

Only 127.0.0.1 is ever contacted. Pages are read with regular expressions over the HTML the
server wrote: what a phone's page holds is exactly what these helpers see.
"""

from __future__ import annotations

import html
import re
import socket
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import aiohttp

from bcr_tui.driver import Meeting
from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore, load_session
from bcr_tui.web.phones.room import PhoneRoom


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_session(
    folder: Path, people: int = 4, *, blind: bool = True, mode: str = "round-robin"
) -> Path:
    """A PAI session with `people` participants named Person 01, Person 02 …"""
    session = new_session(
        load_instrument(find_instrument("pai")),
        "Phones",
        [(f"Person {n:02d}", None) for n in range(1, people + 1)],
        blind=blind,
        mode=mode,
    )
    store = SessionStore.create(folder / "phones.toml", session)
    store.close()
    return store.path


@contextmanager
def meeting_on(path: Path):
    """The session at `path` open (locked) in a Meeting, the lock released afterwards."""
    store = SessionStore.open(path)
    try:
        yield Meeting(store)
    finally:
        store.close()


@asynccontextmanager
async def room_on(path: Path, **room_options):
    """The session at `path` open (locked) in a Meeting, with its phone server on 127.0.0.1."""
    with meeting_on(path) as meeting:
        room = PhoneRoom(meeting, **room_options)
        await room.start("127.0.0.1", [free_port()])
        try:
            yield room
        finally:
            await room.shutdown()


@asynccontextmanager
async def phones(room: PhoneRoom, n: int):
    """`n` phones, closed afterwards: `async with phones(room, 2) as (ana, ben):`."""
    made = [Phone(room) for _ in range(n)]
    try:
        yield made
    finally:
        for phone in made:
            await phone.close()


def on_disk(path: Path):
    """The session as saved."""
    return load_session(path)


class Phone:
    """One phone: its own cookie jar; follows redirects like a browser."""

    def __init__(self, room: PhoneRoom) -> None:
        self.room = room
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.page = ""

    async def close(self) -> None:
        await self.http.close()

    def url(self, path: str) -> str:
        return self.room.base_url.rstrip("/") + path

    async def get(self, path: str = "/", **headers: str) -> int:
        async with self.http.get(self.url(path), headers=headers) as r:
            self.page = await r.text()
            return r.status

    async def post(self, path: str, data, **headers: str) -> int:
        headers.setdefault("Origin", self.room.base_url.rstrip("/"))
        async with self.http.post(self.url(path), data=data, headers=headers) as r:
            self.page = await r.text()
            return r.status

    def buttons(self, name: str) -> dict[str, str]:
        """The page's buttons called `name`: their accessible name (text) → value."""
        found = re.findall(
            rf'<button type="submit" name="{name}" value="([^"]*)"[^>]*>(.*?)'
            r"</button>",
            self.page,
        )
        return {html.unescape(text): html.unescape(value) for value, text in found}

    def hidden(self, field: str) -> str:
        match = re.search(rf'name="{field}" value="([^"]*)"', self.page)
        assert match, f"no {field} on the page:\n{self.page}"
        return html.unescape(match.group(1))

    async def join(self, name: str) -> int:
        """Open the QR link and tap `name`."""
        assert await self.get(f"/j/{self.room.seats.code}") == 200, self.page
        return await self.post(
            "/seat", {"code": self.room.seats.code, "who": self.buttons("who")[name]}
        )

    async def vote(self, label: str) -> int:
        """Load the question and tap the answer called `label`."""
        await self.get("/")
        return await self.post(
            "/vote",
            {
                "t": self.hidden("t"),
                "item": self.hidden("item"),
                "answer": self.buttons("answer")[label],
            },
        )


async def until_running(panel, pilot) -> None:
    """Wait (up to 2 s) for the join panel's phone server to be on: it starts in a worker."""
    for _ in range(40):
        if panel.running:
            return
        await pilot.pause(0.05)
