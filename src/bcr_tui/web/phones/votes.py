"""Phone votes saved like key presses, without holding up the facilitator's keys.

Votes that arrive together are applied to the session through the meeting driver and written in
ONE durable save; the text is made on the event loop (where the session lives; ~1 ms, the renderer
only redoes what changed) and written and fsync'd in a worker thread (the slow part). Each phone is
answered only after that write. Saving all of them on the event loop instead pushed the
facilitator's key p95 to 85 ms during a burst.

Key presses keep saving at once (`Saver.save_now`, installed as `Meeting.save_hook`): a lock keeps
one write at a time, and a generation number makes sure an older text never replaces a newer one
(a key press made after the votes were applied writes them too; the batch's own write is then
skipped, and its votes are on disk all the same).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bcr_tui.driver import Meeting
from bcr_tui.errors import SaveError, UsageError


class Saver:
    """One writer for the session file, shared by key presses and phone votes."""

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self._lock = threading.Lock()
        self._made = 0
        self._written = 0

    def save_now(self, *, force: bool = False) -> None:
        """A key press's save (on the event loop): waits at most for a write in flight."""
        with self._lock:
            self._made += 1
            made = self._made
            self.meeting.store.save(force=force)
            self._written = max(self._written, made)

    async def save_soon(self) -> None:
        """Save what is in memory now; the write and fsync in a worker thread. Raises SaveError."""
        text = self.meeting.store.render()
        self._made += 1
        await asyncio.to_thread(self._write, text, self._made)

    def _write(self, text: str, made: int) -> None:
        with self._lock:
            if made <= self._written:
                return  # a later save already wrote all of this
            self.meeting.store.write(text)
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
    """Applies votes through the meeting and saves each group of them in one durable write."""

    def __init__(
        self, meeting: Meeting, saver: Saver, after: Callable[[list[Vote]], None] | None = None
    ) -> None:
        self.meeting = meeting
        self.saver = saver
        self.after = after
        self._queue: list[tuple[Vote, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None
        #: Participants with a vote applied but not yet on disk (their page must not say Saved).
        self.pending: dict[str, int] = {}

    async def submit(self, vote: Vote) -> Result:
        """Apply `vote` with the others arriving now; returns once it is on disk (or refused)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((vote, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        while self._queue:
            await asyncio.sleep(0)  # the votes that arrived together join this batch
            batch, self._queue = self._queue, []
            applied: list[tuple[Vote, asyncio.Future[Result]]] = []
            for vote, future in batch:
                try:
                    self.meeting.vote(vote.who, vote.item, vote.value)
                except UsageError as exc:
                    if not future.done():
                        future.set_result(Result(False, exc.message))
                    continue
                self.pending[vote.who] = self.pending.get(vote.who, 0) + 1
                applied.append((vote, future))
            if not applied:
                continue
            error: SaveError | None = None
            try:
                await self.saver.save_soon()
            except SaveError as exc:
                error = exc
            except Exception as exc:  # noqa: BLE001 - a phone gets a sentence, never a hang
                error = SaveError(f"could not be saved ({exc})", self.meeting.store.path)
            saved = self.meeting.after_save(error)
            for vote, future in applied:
                left = self.pending.get(vote.who, 1) - 1
                if left:
                    self.pending[vote.who] = left
                else:
                    self.pending.pop(vote.who, None)
                if not future.done():
                    future.set_result(
                        Result(saved, None if saved else "the laptop could not save it; try again")
                    )
            if self.after is not None:
                self.after([v for v, _ in applied])

    def durable(self, who: str) -> bool:
        """True when everything recorded for `who` is on disk."""
        return who not in self.pending and not self.meeting.unsaved
