"""The phones of one meeting, as the laptop holds them: the server process, votes, seats.

`PhoneRoom` starts the phones' server as a process of its own (`child`, why there) and talks to it
over its standard input and output (`channel`). The laptop stays the only writer of the session:
a vote from a phone is applied through the meeting driver (`Meeting.vote`) and saved by the
same `votes.Saver` as a key press, the votes that arrive together in one durable write; the server
is told "done" only after the fsync, and only then tells the phone "Saved". Whenever a page could
show something new (every save, every batch of votes) the server gets the meeting's `snapshot`
first. Nothing the server sends is trusted: a vote is checked by the driver like any answer, an
About-You answer by the session, a seat list against the roster.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
from collections.abc import Callable
from typing import Any

from bcr_tui.driver import Meeting
from bcr_tui.errors import BcrError, UsageError
from bcr_tui.web.phones.address import Address
from bcr_tui.web.phones.channel import LIMIT, decode, encode
from bcr_tui.web.phones.snapshot import take
from bcr_tui.web.phones.votes import Saver, Vote, VoteBatcher

NOT_SAVED = "the laptop could not save it; try again"
START_S = 30.0
YIELD_EVERY = 16
REPLY_S = 10.0
#: The longest the phones' messages wait while a facilitator's key is being handled (`hold`).
HOLD_S = 0.05
#: After a hold, the phones' messages are read for at least this long before the next one.
FAIR_S = 0.005


class Seen:
    """The join code and who has a seat, as the server last said."""

    def __init__(self) -> None:
        self.code = ""
        self._taken: set[str] = set()

    def taken(self) -> set[str]:
        """Participant ids with a phone."""
        return set(self._taken)

    def heard(self, taken: object, roster: set[str]) -> None:
        """The server's list of seats, of which only people on the roster count."""
        self._taken = {p for p in taken if p in roster} if isinstance(taken, list) else set()

    def release(self, pid: str) -> bool:
        """Forget `pid`'s seat here (the server is told too); True if it was taken."""
        if pid not in self._taken:
            return False
        self._taken.discard(pid)
        return True


class PhoneRoom(Address):
    """The laptop's side of the phones: the server process, the votes it relays, the seats."""

    def __init__(self, meeting: Meeting, on_change: Callable[[], None] | None = None) -> None:
        self.meeting = meeting
        self.on_change = on_change
        self.host = ""
        self.port = 0
        self.seats = Seen()
        self.saver = Saver(meeting)
        meeting.save_hook = self._save_now  # key presses and votes: one writer
        self._go = asyncio.Event()
        self._go.set()
        self.batcher = VoteBatcher(meeting, self.saver, self._after_votes, self._go)
        self.auto_reveal = False
        self.running = False
        #: Why the server process ended on its own (None while it runs or was never started).
        self.ended: str | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._reading: asyncio.Task[None] | None = None
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._push_due = False
        self._pushed_unsaved = False
        self._answers: list[list[Any]] = []
        self._pings = 0
        self._holding: asyncio.TimerHandle | None = None
        #: Set from the terminal's input thread when the facilitator has pressed a key: the
        #: reader holds at its next message, before the event loop reaches the key.
        self.key_coming = False
        self._released = 0.0
        self._collecting = False

    # -- addresses (`host`, `port`, `address`, `base_url`: `Address`) ----------------------
    @property
    def join_url(self) -> str:
        """`http://ADDR:PORT/j/CODE`: what the QR code opens."""
        return f"{self.base_url}j/{self.seats.code}"

    # -- the stop switch -------------------------------------------------------------------
    async def start(self, host: str | None = None, ports: list[int] | None = None) -> None:
        """Listen on `host` at the first of `ports` that is free (again on the same address
        and port after a stop). Raises UsageError with a sentence."""
        if self._proc is None or self._proc.returncode is not None:
            await self._spawn()
        host = host or self.host
        problem = "no port to try"
        for port in ports or [self.port]:
            reply = await self._ask("listen", {"listening", "refused"}, host=host, port=port)
            if reply["op"] == "listening":
                self.host, self.port = host, port
                self.running = True
                return
            problem = str(reply.get("why", "refused"))
        raise UsageError(
            f"phones could not start on {host} ({problem}); try another --port or --host"
        )

    async def stop(self) -> None:
        """Stop taking answers: the server closes (votes already acknowledged are on disk); the
        process stays, with the join code and the seats, for `start` again."""
        if self.running:
            self.running = False
            with contextlib.suppress(UsageError):
                await self._ask("close", {"closed"})

    async def shutdown(self) -> None:
        """Stop, and end the server process."""
        self.running = False
        self.resume()  # a key's hold ends with the room (and the collector runs again)
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 3.0)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        if self._reading is not None:
            await asyncio.gather(self._reading, return_exceptions=True)

    def release(self, pid: str) -> bool:
        """Free a seat (lost phone): that phone's page goes back to the join form."""
        if not self.seats.release(pid):
            return False
        self._send("release", who=pid)
        return True

    async def synced(self) -> None:
        """Returns once the server has everything sent so far (the latest snapshot applied)."""
        self._pings += 1
        self._push()
        await self._ask("ping", {"pong"}, n=self._pings)

    # -- the facilitator's keys first -------------------------------------------------------
    def hold(self) -> None:
        """A facilitator's key has arrived: what can wait, waits, until `resume` (the key's frame
        is on screen) or `HOLD_S`. The phones' messages are not read, the batcher neither renders
        nor saves (a key's save carries the votes already applied), and Python's garbage
        collector does not run (Textual's frames leave cyclic garbage, and its passes, up to
        48 ms, landed on keys). A key pressed within `FAIR_S` of the last hold's end does not
        hold again: however fast the facilitator types, the phones' votes keep being read."""
        self.key_coming = False
        loop = asyncio.get_running_loop()
        if self._holding is not None or loop.time() - self._released < FAIR_S:
            return
        self._go.clear()
        self._holding = loop.call_later(HOLD_S, self.resume)
        self._collecting = gc.isenabled()
        gc.disable()

    def resume(self) -> None:
        """The key is handled and drawn: read what phones send again."""
        if self._holding is None:
            return
        self._holding.cancel()
        self._holding = None
        if self._collecting:
            gc.enable()
        loop = asyncio.get_running_loop()
        self._released = loop.time()
        self._go.set()
        loop.call_soon(self._after_hold)

    def _after_hold(self) -> None:
        """What waited for the key's frame: the server's snapshot, then the phones' "done"."""
        self._push_if_due()
        if self._answers:
            self._answer()

    @property
    def holding(self) -> bool:
        """True while what phones send waits for a facilitator's key."""
        return self._holding is not None

    # -- the server process ----------------------------------------------------------------
    async def _spawn(self) -> None:
        self.ended = None
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bcr_tui.web.phones.child",
                str(self.meeting.store.real),  # absolute: the file itself, not a link to it
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                limit=LIMIT,
                # Not a session of its own: Linux then schedules it in the laptop's group, where
                # its lower priority (child.NICE) gives way to the facilitator's keys; in a
                # group of its own it took an equal share of the CPU whatever its priority.
            )
        except OSError as exc:
            raise UsageError(f"the phone server could not start ({exc.strerror or exc})") from None
        assert proc.stdout is not None
        try:
            hello = decode(await asyncio.wait_for(proc.stdout.readline(), START_S))
        except (TimeoutError, ValueError):
            hello = None
        if hello is None or hello["op"] != "hello" or not isinstance(hello.get("code"), str):
            why = hello.get("why") if hello and hello["op"] == "failed" else None
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise UsageError(f"the phone server did not start ({why or 'it ended at once'})")
        self._proc = proc
        self.seats.code = hello["code"]
        self._push()
        self._reading = asyncio.create_task(self._read(proc))

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        try:
            count = 0
            while line := await proc.stdout.readline():
                if self.key_coming:
                    self.hold()
                if not self._go.is_set():
                    await self._go.wait()
                message = decode(line)
                if message is not None:
                    self._heard(message)
                count += 1
                if count % YIELD_EVERY == 0:  # a burst's lines are read without waiting: let
                    await asyncio.sleep(0)  # a key pressed meanwhile in between them
        except (ValueError, ConnectionError):
            pass
        await proc.wait()
        if self._proc is proc:  # it ended on its own
            self._proc = None
            self.running = False
            self.ended = "the phone server stopped"
            if self.on_change is not None:
                self.on_change()
        for future in self._replies.values():
            if not future.done():
                future.set_result({"op": "gone"})
        self._replies.clear()

    def _heard(self, message: dict[str, Any]) -> None:
        op = message["op"]
        if op == "vote":
            self._vote(message)
        elif op == "profile":
            self._profile(message)
        elif op == "seats":
            roster = {p.id for p in self.meeting.session.participants}
            self.seats.heard(message.get("taken"), roster)
            if self.on_change is not None:
                self.on_change()
        else:
            future = self._replies.get(op)
            if future is not None and not future.done():
                future.set_result(message)

    async def _ask(self, op: str, answers: set[str], **fields: Any) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        for answer in answers:
            self._replies[answer] = future
        try:
            self._send(op, **fields)
            reply = await asyncio.wait_for(future, REPLY_S)
        except TimeoutError:
            reply = {"op": "gone"}
        finally:
            for answer in answers:
                self._replies.pop(answer, None)
        if reply["op"] == "gone":
            raise UsageError("the phone server is not answering")
        return reply

    def _send(self, op: str, **fields: Any) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdin.is_closing():
            return
        proc.stdin.write(encode(op, **fields))

    # -- what phones send ------------------------------------------------------------------
    def _vote(self, message: dict[str, Any]) -> None:
        who, item = message.get("who"), message.get("item")
        if not isinstance(who, str) or not isinstance(item, str) or "value" not in message:
            self._done(message, False, "that answer could not be read")
            return
        self.batcher.offer(
            Vote(who, item, message["value"]),
            lambda result: self._done(message, result.saved, result.problem),
        )

    def _profile(self, message: dict[str, Any]) -> None:
        who, answers = message.get("who"), message.get("answers")
        person = self.meeting.session.participant(who) if isinstance(who, str) else None
        if person is None or person.absent or not isinstance(answers, dict):
            self._done(message, False, "you are not on the list of people present")
            return
        try:
            outcome = self.meeting.set_profile(person, answers)
        except BcrError as exc:
            self.meeting.retry()  # what was applied before the refusal is saved all the same
            self._done(message, False, exc.message)
            return
        if self.on_change is not None:
            self.on_change()
        self._done(message, outcome.saved, None if outcome.saved else NOT_SAVED)

    def _done(self, message: dict[str, Any], saved: bool, problem: str | None) -> None:
        """Answer a request; the answers of one moment go as one message (after the snapshot
        that shows them saved)."""
        n = message.get("n")
        if isinstance(n, int):
            if not self._answers:
                asyncio.get_running_loop().call_soon(self._answer)
            self._answers.append([n, saved, problem])

    def _answer(self) -> None:
        if self.holding:  # after the key's frame (`_after_hold`)
            return
        if self._push_due:  # the snapshot that shows them saved first
            self._push()
        answers, self._answers = self._answers, []
        self._send("done", many=answers)

    # -- what the server shows -------------------------------------------------------------
    def _save_now(self, *, force: bool = False) -> None:
        """A key press's save; the server gets the new snapshot once the key is done."""
        try:
            self.saver.save_now(force=force)
        finally:
            self._push_soon()
        self.batcher.settle()  # the phone votes this save holds are on disk

    def _push_soon(self) -> None:
        if not self._push_due and self._proc is not None:
            self._push_due = True
            asyncio.get_running_loop().call_soon(self._push_if_due)

    def _push_if_due(self) -> None:
        # Not again if the votes this save held already sent it (a snapshot of 200 people is
        # a millisecond or more of the facilitator's key), unless the save's outcome changed it;
        # and not before the key's frame (`_after_hold`).
        if self.holding:
            return
        if self._push_due or self.meeting.unsaved != self._pushed_unsaved:
            self._push()

    def _push(self) -> None:
        self._push_due = False
        if self._proc is not None:
            self._pushed_unsaved = self.meeting.unsaved
            self._send(
                "state", **take(self.meeting.session, self.batcher.pending, self.meeting.unsaved)
            )

    def _after_votes(self, votes: list[Vote]) -> None:
        session = self.meeting.session
        item = self.meeting.item.id
        if (
            self.auto_reveal
            and session.blind
            and item not in session.revealed
            and any(v.item == item for v in votes)
            and session.present
            and all(session.answer(p.id, item) is not None for p in session.present)
        ):
            self.meeting.reveal()
        # Before the phones are told "done" (their next page shows the vote saved); after the
        # frame of a key being handled (`_push_if_due` waits for it).
        self._push_due = True
        self._push_if_due()
        if self.on_change is not None:
            self.on_change()
