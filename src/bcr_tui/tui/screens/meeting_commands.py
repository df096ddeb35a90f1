"""The commands the meeting screen offers only in the command palette: correct or remove a
participant, About-You for everyone in turn, add/edit/delete an action step, hide or show names
and results on the audience view, and add a late arrival.

`BcrApp.get_system_commands` lists them through `more_commands()`; each ends, as a key does, in a
`Meeting` operation whose outcome the screen shows (`_after`). A mixin of `MeetingScreen`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.app import SystemCommand

from bcr_tui.driver import Meeting
from bcr_tui.plaintext import one_line as plain


class MeetingCommands:
    """The meeting screen's palette-only commands and the dialogs they open."""

    meeting: Meeting

    def audience(self, key: str) -> None:
        """Hide or show names / results on the audience view (the palette's command)."""
        self._after(self.meeting.toggle_audience(key))

    def add_participant(self, name: str) -> None:
        """Add a late arrival (the palette's command)."""
        from bcr_tui.session.roster import parse_roster

        for person, organization in parse_roster(name):
            self._after(self.meeting.add_participant(person, organization))

    # -- the palette's commands on the roster, About-You and action steps -------------------
    def more_commands(self) -> Iterator[SystemCommand]:
        """Commands only the palette offers (`BcrApp.get_system_commands` lists them)."""
        session = self.meeting.session
        if session.participants:
            yield SystemCommand(
                "Correct a participant's name",
                "Fix a name (Name | Organization); the change is in the change log, u undoes it.",
                self._ask_rename,
            )
            yield SystemCommand(
                "Remove a participant (no answers yet)",
                "Someone added by mistake or who never came; u brings them back.",
                self._ask_remove,
            )
        if session.instrument.profile and session.participants:
            yield SystemCommand(
                "About You: everyone, one after another",
                "Each person's About-You questions in turn (Esc skips a person).",
                lambda: self._profiles([p.id for p in session.participants]),
            )
        yield SystemCommand(
            "Add an action step",
            "What, what is needed, who, by when.",
            lambda: self._action_step("add"),
        )
        if session.actions:
            yield SystemCommand(
                "Edit an action step",
                "Change an agreed action step.",
                lambda: self._action_step("edit"),
            )
            yield SystemCommand(
                "Delete an action step",
                "Remove an action step (u undoes).",
                lambda: self._action_step("delete"),
            )

    def _action_step(self, verb: str) -> None:
        from bcr_tui.tui.screens.dialogs import change_action_step

        change_action_step(self.app, self.meeting, verb, self._after)

    def _pick(self, title: str, options: list[tuple[str, str]], then: Callable) -> None:
        from bcr_tui.tui.screens.dialogs import pick

        pick(self.app, title, options, then)

    def _ask_rename(self) -> None:
        from bcr_tui.tui.screens.dialogs import PromptScreen

        def rename(pid: str) -> None:
            person = self.meeting.session.participant(pid)
            if person is None:
                return
            current = person.name + (f" | {person.organization}" if person.organization else "")
            self.app.push_screen(
                PromptScreen(f"Correct the name of {person.name} (Name | Organization)", current),
                lambda text: (
                    text is not None and self._after(self.meeting.rename_participant(pid, text))
                ),
            )

        self._pick(
            "Whose name?",
            [(plain(p.name), p.id) for p in self.meeting.session.participants],
            rename,
        )

    def _ask_remove(self) -> None:
        session = self.meeting.session
        removable = [
            (plain(p.name), p.id)
            for p in session.participants
            if not session.answers.get(p.id) and not p.profile
        ]
        if not removable:
            self._flash("Everyone has answers: mark someone absent (a) instead.", saved=None)
            return
        self._pick(
            "Remove whom? (only people with no answers)",
            removable,
            lambda pid: self._after(self.meeting.remove_participant(pid)),
        )

    def _profiles(self, pids: list[str]) -> None:
        """About-You for these people, one after another (Esc skips a person)."""
        from bcr_tui.tui.screens.profile import ProfileScreen

        session = self.meeting.session
        people = [p for p in (session.participant(pid) for pid in pids) if p is not None]
        if not people:
            return

        def then(result: tuple | None) -> None:
            self._profiled(result)
            self._profiles([p.id for p in people[1:]])

        self.app.push_screen(ProfileScreen(session.instrument, people[0]), then)
