"""Phone votes saved like key presses, without holding up the facilitator's keys.

Votes that arrive together are applied to the session through the meeting driver and written in
ONE durable save; the text is made on the event loop (where the session lives; ~1 ms, the renderer
only redoes what changed) and written and fsync'd in a worker thread (the slow part). Each phone is
answered only after that write. Saving all of them on the event loop instead pushed the
facilitator's key p95 to 85 ms during a burst.

Key presses keep saving at once (`Saver.save_now`, installed as `Meeting.save_hook`), beside a
batch's write in flight rather than after it; a generation number makes sure an older text never
replaces a newer one (a key press made after the votes were applied writes them too; the batch's
own text is then discarded, and its votes are on disk all the same).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bcr_tui.driver import Meeting
from bcr_tui.errors import SaveError, UsageError
from bcr_tui.tomlio import discard

#: While the facilitator's saves come closer than this, they carry the phones' votes to disk and
#: the batcher makes no save of its own (a vote then waits at most this long for one).
GIVE_WAY_S = 0.05


class Saver:
    """One writer for the session file, shared by key presses and phone votes.

    A save is three steps: render the text (on the event loop, where the session lives), write
    and fsync it beside the file (the slow part), and put it in the file's place. Each text has
    a generation number, taken when it is rendered; the last step, under `_order`, puts a text in
    place only if no newer one is there already (else it is discarded: the newer text holds
    everything the older did). So a key press's write runs beside a batch's write in flight
    instead of after it, and an older text never replaces a newer one.
    """

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self._order = threading.Lock()
        self._made = 0
        self._written = 0
        #: When the facilitator's last save was made (`time.monotonic`; 0: none yet).
        self.last_save = 0.0

    @property
    def made(self) -> int:
        """The generation of the newest text rendered."""
        return self._made

    @property
    def written(self) -> int:
        """The generation of the text now in the file's place."""
        return self._written

    def save_now(self, *, force: bool = False) -> None:
        """A key press's save (on the event loop): raises SaveError."""
        self.last_save = time.monotonic()
        made, data = self._render(force=force)
        self._commit(self.meeting.store.prepare(data), made)

    async def save_soon(self) -> None:
        """Save what is in memory now; the write and fsync in a worker thread. Raises SaveError."""
        made, data = self._render()
        await asyncio.to_thread(self._write, data, made)

    def _render(self, *, force: bool = False) -> tuple[int, bytes]:
        with self._order:  # the store's check for outside changes sees no save half done
            self._made += 1
            return self._made, self.meeting.store.render(force=force)

    def _write(self, data: bytes, made: int) -> None:
        if made > self._written:  # else a later save already wrote all of this
            self._commit(self.meeting.store.prepare(data), made)

    def _commit(self, prepared: Path, made: int) -> None:
        with self._order:
            if made <= self._written:
                discard(prepared)  # a later save already wrote all of this
                return
            self.meeting.store.commit(prepared)
            self._written = made


@dataclass(frozen=True)
class Vote:
    """One phone's answer to a question."""

    who: str
    item: str
    value: Any


@dataclass(frozen=True)
class Result:
    """What became of a vote: saved (on disk), or why not."""

    saved: bool
    problem: str | None = None


class VoteBatcher:
    """Applies each vote through the meeting as it arrives, and acknowledges it once a save that
    holds it is on disk: a key press's save, or the batcher's own.

    Every save writes everything in memory, so a vote is on disk once any save rendered after it
    was applied has been put in place (`Saver.written`). The batcher's own save gives way to the
    facilitator: while keys are being pressed (a save in the last `GIVE_WAY_S`), their saves carry
    the votes to disk and the batcher waits; when the keys pause, one save of its own writes all
    the votes that arrived meanwhile. So a burst of phones adds few writes beside the keys' own,
    and a vote waits at most one key press or `GIVE_WAY_S` longer for its "Saved".
    """

    def __init__(
        self,
        meeting: Meeting,
        saver: Saver,
        after: Callable[[list[Vote]], None] | None = None,
        go: asyncio.Event | None = None,
    ) -> None:
        self.meeting = meeting
        self.saver = saver
        self.after = after
        #: Cleared while a facilitator's key is being handled (`PhoneRoom.hold`): the batcher's
        #: own renders and saves wait for it (the key's save carries the votes meanwhile).
        self.go = go or asyncio.Event()
        if go is None:
            self.go.set()
        #: Votes applied and not yet known to be on disk: (the save that holds it, vote, reply).
        self._waiting: list[tuple[int, Vote, Callable[[Result], None]]] = []
        self._task: asyncio.Task[None] | None = None
        self._warming = False
        self._unwarmed: set[str] = set()
        #: Participants with a vote applied but not yet on disk (their page must not say Saved).
        self.pending: dict[str, int] = {}

    async def submit(self, vote: Vote) -> Result:
        """Apply `vote` now; returns once a save holding it is on disk (or why not)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self.offer(vote, future.set_result)
        return await future

    def offer(self, vote: Vote, reply: Callable[[Result], None]) -> None:
        """Apply `vote` now; `reply` is called once a save holding it is on disk (or at once,
        with why not). No task per vote: a burst of 200 is 200 calls, not 200 tasks."""
        try:
            self.meeting.vote(vote.who, vote.item, vote.value)
        except UsageError as exc:
            reply(Result(False, exc.message))
            return
        loop = asyncio.get_running_loop()
        if not self._warming:  # render the votes of this moment ahead, once, between keys
            self._warming = True
            loop.call_soon(self._warm)
        self._unwarmed.add(vote.who)
        self._waiting.append((self.saver.made + 1, vote, reply))
        self.pending[vote.who] = self.pending.get(vote.who, 0) + 1
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    def _warm(self) -> None:
        self._warming = False
        raters, self._unwarmed = self._unwarmed, set()
        if self.go.is_set():  # else a key is being handled: its save renders them
            self.meeting.store.warm(raters)

    async def _run(self) -> None:
        while self._waiting:
            await asyncio.sleep(0)  # the votes that arrived together are saved together
            if not self.go.is_set():
                await self.go.wait()
                self.settle()  # the key's save may have carried them
                continue
            quiet = self.saver.last_save + GIVE_WAY_S - time.monotonic()
            if quiet > 0:  # keys are being pressed: their saves carry the votes
                await asyncio.sleep(quiet)
                self.settle()
                continue
            error: SaveError | None = None
            try:
                await self.saver.save_soon()
            except SaveError as exc:
                error = exc
            except Exception as exc:  # noqa: BLE001 - a phone gets a sentence, never a hang
                error = SaveError(f"could not be saved ({exc})", self.meeting.store.path)
            self.meeting.after_save(error)
            if error is not None:
                self._fail()
            else:
                self.settle()

    def settle(self) -> None:
        """Acknowledge the votes now on disk (called after every save)."""
        written = self.saver.written
        done = [w for w in self._waiting if w[0] <= written]
        if not done:
            return
        self._waiting = [w for w in self._waiting if w[0] > written]
        for _, vote, reply in done:
            self._forget(vote.who)
            reply(Result(True))
        if self.after is not None:
            self.after([vote for _, vote, _ in done])

    def _fail(self) -> None:
        waiting, self._waiting = self._waiting, []
        for _, vote, reply in waiting:
            self._forget(vote.who)
            reply(Result(False, "the laptop could not save it; try again"))

    def _forget(self, who: str) -> None:
        left = self.pending.get(who, 1) - 1
        if left:
            self.pending[who] = left
        else:
            self.pending.pop(who, None)

    def durable(self, who: str) -> bool:
        """True when everything recorded for `who` is on disk."""
        return who not in self.pending and not self.meeting.unsaved
