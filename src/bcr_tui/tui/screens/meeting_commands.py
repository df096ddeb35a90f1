"""The meeting screen's actions that only the command palette offers: correct or remove a
participant, add a late arrival, About-You for everyone in turn, add/edit/delete an action step,
hide or show names and results on the audience view.

The palette's entries (`tui/palette.py`) name these actions, as a key's binding names an action;
each ends, as a key does, in a `Meeting` operation whose outcome the screen shows (`_after`).
A mixin of `MeetingScreen`.
"""

from __future__ import annotations

from collections.abc import Callable

from bcr_tui.driver import Meeting
from bcr_tui.errors import BcrError
from bcr_tui.plaintext import one_line as plain


class MeetingCommands:
    """The meeting screen's palette-only actions and the dialogs they open."""

    meeting: Meeting

    def action_audience(self, key: str) -> None:
        """Hide or show names / results on the audience view."""
        self._after(self.meeting.toggle_audience(key))

    def action_add_participant(self) -> None:
        """Ask for a late arrival's name, then add them."""
        from bcr_tui.tui.screens.dialogs import PromptScreen

        def done(name: str | None) -> None:
            if name and name.strip():
                try:
                    self.add_participant(name)
                except BcrError as exc:
                    self.app.notify(str(exc), severity="error", markup=False)

        self.app.push_screen(
            PromptScreen(
                "Name of the late arrival (Name | Organization)",
                "",
                "e.g. Ana Ruiz | Family Resource Center",
            ),
            done,
        )

    def add_participant(self, name: str) -> None:
        """Add a late arrival (`Name | Organization`)."""
        from bcr_tui.session.roster import parse_roster

        for person, organization in parse_roster(name):
            self._after(self.meeting.add_participant(person, organization))

    def action_profiles(self) -> None:
        """About-You for everyone, one after another."""
        self._profiles([p.id for p in self.meeting.session.participants])

    def action_action_step(self, verb: str) -> None:
        """Add, edit or delete an action step (as the read-out's keys do)."""
        from bcr_tui.tui.screens.dialogs import change_action_step

        change_action_step(self.app, self.meeting, verb, self._after)

    def _pick(self, title: str, options: list[tuple[str, str]], then: Callable) -> None:
        from bcr_tui.tui.screens.dialogs import pick

        pick(self.app, title, options, then)

    def action_rename_participant(self) -> None:
        """Pick a participant, then correct their name."""
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

    def action_remove_participant(self) -> None:
        """Pick a participant with no answers, then remove them."""
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
