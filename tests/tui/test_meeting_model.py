"""The meeting as a room takes it: random sequences of the documented keys and of typed text,
driven through Pilot against the real app on a real file, compared after every step with a
plain model (meeting_model.py).

After each step: every acknowledged answer (and tally, and attendance) is in the file and
nothing else is; the file's cursor is where the rules put the turn; the screen shows that item
and that person, and the progress; the answer box has the keyboard exactly when a written
answer is asked for, and text typed into it changes nothing but the box.

Each example is a fresh app on a fresh file, run in its own event loop (`asyncio` per example:
hypothesis drives the steps synchronously). Derandomized: the same sequences on every run.
The CI run is bounded (a few examples per instrument and mode); `BCR_LONG_FUZZ=1` runs many more.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from meeting_model import Model
from textual.widgets import Input

from bcr_tui.instrument.model import ABSTAIN
from bcr_tui.storage.store import SessionStore, load_session

LONG = bool(os.environ.get("BCR_LONG_FUZZ"))
SETTINGS = settings(
    max_examples=60 if LONG else 3,
    stateful_step_count=60 if LONG else 25,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    # Shrinking a long failing run of Pilot steps takes many minutes: the CI run
    # reports the steps as found; BCR_LONG_FUZZ=1 shrinks them.
    phases=list(Phase) if LONG else [Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

#: (instrument, options): every instrument, every mode and order, blind.
CONFIGS = {
    "pai-round-robin": ("pai", {}),
    "cpat-participant-major": ("community-partner-assessment-tool", {"order": "participant-major"}),
    "coc-group": ("communities-of-care", {"mode": "group", "people": None}),
    "coc-round-robin-blind": ("communities-of-care", {"mode": "round-robin", "blind": True}),
    "lsa-blind": ("leadership-self-assessment", {"blind": True}),
    "loe-tally": ("levels-of-engagement", {"mode": "tally", "people": None}),
    "cpat-group-blind": (
        "community-partner-assessment-tool",
        {"mode": "group", "blind": True, "people": None},
    ),
}
TYPED = st.text(alphabet="aouhnpr019 |?", min_size=1, max_size=6)
LATE = ["Dee Ng", "Eli Park", "Fay Obi", "Gus Lund"]


class MeetingMachine(RuleBasedStateMachine):
    """One meeting: the real app and the model, key by key."""

    instrument = "pai"
    options: dict = {}
    # The conftest fixtures of the same names, given to each test's class by `_machine`.
    write_session: Callable[..., Path]
    app_for: Callable

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="bcr-model-"))
        self.path = self.write_session(self.folder, self.instrument, **self.options)
        self.loop = asyncio.new_event_loop()
        self.model = Model.of(load_session(self.path))
        self._open()

    # -- the app -----------------------------------------------------------------------------
    def _open(self) -> None:
        """Start the app in a task of its own: Textual's context lives in that task, so the
        steps talk to it through a queue (each step runs the loop until its job is done)."""
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.driver = self.loop.create_task(self._drive())
        self.run(lambda pilot: pilot.pause())

    async def _drive(self) -> None:
        store = SessionStore.open(self.path)
        try:
            self.app = self.app_for(store)
            async with self.app.run_test(size=(100, 30)) as pilot:
                while True:
                    job, done = await self.inbox.get()
                    if job is None:
                        break
                    try:
                        done.set_result(await job(pilot))
                    except BaseException as exc:  # noqa: BLE001 - handed to the step
                        done.set_exception(exc)
        finally:
            store.close()

    def run(self, job):  # noqa: ANN001, ANN201 - a coroutine function of the pilot
        done = self.loop.create_future()
        self.inbox.put_nowait((job, done))
        return self.loop.run_until_complete(done)

    def _close(self) -> None:
        self.inbox.put_nowait((None, None))
        self.loop.run_until_complete(self.driver)

    def teardown(self) -> None:
        self._close()
        self.loop.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def press(self, *keys: str) -> None:
        self.run(lambda pilot: pilot.press(*keys))

    @property
    def screen(self):
        return self.app.screen

    # -- keys --------------------------------------------------------------------------------
    def _keys_are_commands(self) -> bool:
        return not self.model.box_has_keys

    @precondition(
        lambda self: (
            self._keys_are_commands()
            and self.model.mode != "tally"
            and self.model.kind in ("rating", "choice")
        )
    )
    @rule(digit=st.integers(0, 9))
    def rate(self, digit: int) -> None:
        self.press(str(digit))
        m = self.model
        keys = m.keys[m.item]
        value = ABSTAIN if digit == 0 else keys[digit - 1] if digit <= len(keys) else None
        if value is not None and m.rater is not None:
            m.record(value)

    @precondition(
        lambda self: (
            self._keys_are_commands() and self.model.mode == "tally" and self.model.kind == "rating"
        )
    )
    @rule(data=st.data())
    def tally(self, data) -> None:
        m = self.model
        keys = m.keys[m.item]
        digit = data.draw(st.integers(0, len(keys)))
        count = data.draw(st.integers(0, 30))
        self.press(str(digit), *str(count), "ctrl+s")
        key = ABSTAIN if digit == 0 else keys[digit - 1]
        m.set_tally({**m.tally.get(m.item, {}), key: count})

    @precondition(lambda self: self.model.box_has_keys)
    @rule(text=TYPED)
    def type_text(self, text: str) -> None:
        self.press(*["space" if c == " " else c for c in text])
        self.model.box += text

    @precondition(lambda self: self.model.box_has_keys)
    @rule()
    def enter(self) -> None:
        self.press("enter")
        m = self.model
        text, m.box = m.box.strip(), ""
        if not text:
            m.move(+1)
            m.box_left = None
        elif m.mode == "tally":
            pass  # written answers are not counted in hands
        elif m.kind == "table":
            parts = [p.strip() for p in text.split("|")]
            row = {k: v for k, v in zip(m.columns[m.item], parts, strict=False) if v}
            m.record([*(m.answers.get((m.rater, m.item)) or []), row])
        else:
            m.record(text)

    @precondition(lambda self: self.model.box_has_keys)
    @rule()
    def leave_box(self) -> None:
        self.press("escape")
        self.model.box_left = (self.model.item, self.model.rater)

    @precondition(lambda self: self._keys_are_commands())
    @rule(key=st.sampled_from(["left", "right"]))
    def move_item(self, key: str) -> None:
        self.press(key)
        self.model.move(-1 if key == "left" else +1)
        self.model.box_left = None

    @precondition(lambda self: self.model.mode == "round-robin")
    @rule(key=st.sampled_from(["up", "down"]))
    def move_person(self, key: str) -> None:
        self.press(key)
        self.model.person(-1 if key == "up" else +1)
        self.model.box_left = None

    @rule(key=st.sampled_from(["u", "ctrl+z"]))
    def undo(self, key: str) -> None:
        if key == "u" and not self._keys_are_commands():
            key = "ctrl+z"
        self.press(key)
        self.model.undo()
        self.model.box_left = None

    @rule()
    def redo(self) -> None:
        self.press("ctrl+y")
        self.model.redo()
        self.model.box_left = None

    @precondition(
        lambda self: (
            self._keys_are_commands()
            and self.model.mode == "round-robin"
            and self.model.who is not None
        )
    )
    @rule()
    def absent(self) -> None:
        self.press("a")
        self.model.toggle_absent()

    @precondition(lambda self: self._keys_are_commands())
    @rule(text=st.text(alphabet="ab 1?", max_size=5))
    def note(self, text: str) -> None:
        self.press("n", "home", "ctrl+k", *["space" if c == " " else c for c in text], "enter")
        self.model.note(text)
        self.model.box_left = None

    @precondition(lambda self: self._keys_are_commands())
    @rule(key=st.sampled_from(["i", "question_mark", "h", "o"]))
    def look_and_come_back(self, key: str) -> None:
        self.press(key, "escape")
        self.model.box_left = None  # a closed screen gives a written answer's box the keys

    @precondition(lambda self: self._keys_are_commands() and self.model.blind)
    @rule()
    def reveal(self) -> None:
        self.press("r")
        self.model.reveal()

    @precondition(
        lambda self: self.model.mode == "round-robin" and len(self.model.people) < 3 + len(LATE)
    )
    @rule()
    def late_arrival(self) -> None:
        name = LATE[len(self.model.people) - 3]
        self.screen.add_participant(name)
        self.run(lambda pilot: pilot.pause())
        self.model.join(f"p{len(self.model.people) + 1:02d}", name)

    @rule()
    def reopen(self) -> None:
        self._close()
        self._open()
        self.model.reopened()

    # -- what must hold after every step -----------------------------------------------------
    @invariant()
    def the_file_holds_what_was_acknowledged(self) -> None:
        m = self.model
        on_disk = load_session(self.path)
        answers = {(w, i): v for w, a in on_disk.answers.items() for i, v in a.items()}
        assert answers == m.answers
        assert on_disk.tally == m.tally
        assert on_disk.notes == m.notes
        assert [(p.id, p.absent) for p in on_disk.participants] == [(p[0], p[2]) for p in m.people]
        assert (on_disk.cursor.item, on_disk.cursor.who) == (m.item, m.who)

    @invariant()
    def the_screen_shows_the_cursor(self) -> None:
        m = self.model
        screen = self.screen
        assert screen.__class__.__name__ == "MeetingScreen"
        where = str(screen.query_one("#where").render())
        assert f"item {m.items.index(m.item) + 1} of {len(m.items)}" in where
        turn = str(screen.query_one("#turn").render())
        if m.rater is None:
            assert "Everyone" in turn
        elif m.mode == "round-robin":
            assert f"Turn: {m.name(m.rater)}" in turn
        assert f"{m.answered()}/{m.expected()} answers" in turn

    @invariant()
    def the_box_has_the_keys_when_words_are_asked_for(self) -> None:
        m = self.model
        focused = self.screen.focused
        assert (focused is not None and focused.id == "answer-text") == m.box_has_keys
        if m.box_has_keys:
            assert self.screen.query_one("#answer-text", Input).value == m.box


def _machine(name: str, write_session, app_for) -> type[MeetingMachine]:
    instrument, options = CONFIGS[name]
    return type(
        f"Meeting_{name.replace('-', '_')}",
        (MeetingMachine,),
        {
            "instrument": instrument,
            "options": options,
            "write_session": staticmethod(write_session),
            "app_for": staticmethod(app_for),
        },
    )


@pytest.mark.parametrize("name", list(CONFIGS))
def test_the_meeting_follows_the_model(name, write_session, app_for):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(_machine(name, write_session, app_for), settings=SETTINGS)
