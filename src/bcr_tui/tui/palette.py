"""The command palette (ctrl+p): bcr's entries as data, and the Textual `Provider` that offers
them with Textual's own (theme, keys, screenshot, quit).

Each entry is a title, a help line and a Textual action string, run on the screen as a key's
binding is (`Screen.run_action`, parsed by `textual.actions.parse`); the meeting's keys come from
`keymap.MEETING`, so the palette says what the keys do. An entry is offered where its action
exists (the meeting screen has `action_audience`, the read-out does not), where the target's
`check_action` allows it (as for a key), and, for some, when the session calls for it (`when`):
the phone entries only where people answer for themselves (round-robin and blind, issue 19).

One provider (`BcrApp.COMMANDS`) lists bcr's entries and Textual's own (still from
`App.get_system_commands`) in one list sorted by title, as Textual's `SystemCommandsProvider` did
for both before: the palette merges several providers in the order their searches happen to
finish, so two would show bcr's block and Textual's in an order that changes from run to run.
Titles are shown as text, not markup: a key such as `[i]` once read as italics and vanished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Protocol, runtime_checkable

from textual.actions import parse
from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen

from bcr_tui.driver import Meeting
from bcr_tui.session.state import Session
from bcr_tui.tui.keymap import MEETING
from bcr_tui.web.phones import offered as phones_offered


@runtime_checkable
class HasMeeting(Protocol):
    """A screen on an open session (the meeting, the read-out)."""

    meeting: Meeting


def meeting_of(screen: Screen) -> Meeting | None:
    """The meeting a screen is on, if it is on one."""
    return screen.meeting if isinstance(screen, HasMeeting) else None


def _always(session: Session) -> bool:
    return True


@dataclass(frozen=True)
class Entry:
    """One bcr entry of the palette."""

    title: str
    help: str
    action: str
    """A Textual action string, e.g. `audience('names')`; `app.` runs it on the app."""
    when: Callable[[Session], bool] = _always
    """Offered only on a session for which this is true."""


def _names_shown(session: Session) -> bool:
    return session.audience.get("names", True)


def _results_shown(session: Session) -> bool:
    return session.audience.get("results", True)


def _has_participants(session: Session) -> bool:
    return bool(session.participants)


def _has_actions(session: Session) -> bool:
    return bool(session.actions)


def _not(test: Callable[[Session], bool]) -> Callable[[Session], bool]:
    return lambda session: not test(session)


def _audience(what: str, test: Callable[[Session], bool], key: str) -> tuple[Entry, Entry]:
    """Hide / show one thing on the audience view: the title says what choosing it does."""
    now = "What `bcr view` shows on the projector: {} are now {}."
    return (
        Entry(f"Audience view: hide {what}", now.format(what, "shown"), f"audience('{key}')", test),
        Entry(
            f"Audience view: show {what}",
            now.format(what, "hidden"),
            f"audience('{key}')",
            _not(test),
        ),
    )


#: The meeting's keys, as the palette offers them (README "Keys in the meeting"); an entry
#: reached only through the palette (its key is ctrl+p itself) shows no key.
KEYS = tuple(
    Entry(
        command.label.capitalize()
        + ("" if command.keys_text == "ctrl+p" else f"  [{command.keys_text}]"),
        command.help,
        command.action,
        phones_offered if parse(command.action)[1] == "phones" else _always,
    )
    for command in MEETING
    if command.palette
)

#: What only the palette offers.
MORE = (
    *_audience("names", _names_shown, "names"),
    *_audience("answer counts and heatmaps", _results_shown, "results"),
    Entry(
        "Export this session to a spreadsheet (XLSX)",
        "One row per answer plus a summary sheet per domain, beside the session file.",
        "app.export_session",
    ),
    Entry(
        "Write the report (HTML)",
        "A self-contained report beside the session file: heatmap, strengths, priorities, actions.",
        "app.write_report",
    ),
    Entry(
        "Compare with an earlier session",
        "The change per domain and item since an earlier session of the "
        "same instrument in this folder.",
        "app.compare_earlier",
    ),
    Entry(
        "Add a participant (late arrival)",
        "Add someone who arrived late; they take turns from now on.",
        "add_participant",
    ),
    Entry(
        "Correct a participant's name",
        "Fix a name (Name | Organization); the change is in the change log, u undoes it.",
        "rename_participant",
        _has_participants,
    ),
    Entry(
        "Remove a participant (no answers yet)",
        "Someone added by mistake or who never came; u brings them back.",
        "remove_participant",
        _has_participants,
    ),
    Entry(
        "About You: everyone, one after another",
        "Each person's About-You questions in turn (Esc skips a person).",
        "profiles",
        lambda session: bool(session.instrument.profile and session.participants),
    ),
    Entry("Add an action step", "What, what is needed, who, by when.", "action_step('add')"),
    Entry(
        "Edit an action step",
        "Change an agreed action step.",
        "action_step('edit')",
        _has_actions,
    ),
    Entry(
        "Delete an action step",
        "Remove an action step (u undoes).",
        "action_step('delete')",
        _has_actions,
    ),
)

ENTRIES = KEYS + MORE


def offered(screen: Screen) -> Iterator[Entry]:
    """The entries that apply on this screen now (none off a session: the home screen)."""
    meeting = meeting_of(screen)
    if meeting is None:
        return
    for entry in ENTRIES:
        namespace, name, parameters = parse(entry.action)
        target = screen.app if namespace == "app" else screen
        if not callable(getattr(target, f"action_{name}", None)) or not entry.when(meeting.session):
            continue
        if target.check_action(name, parameters):  # None (greyed out) is not offered either
            yield entry


class BcrCommands(Provider):
    """bcr's entries and Textual's own, in one list (`App.COMMANDS`)."""

    def _commands(self) -> list[SystemCommand]:
        """bcr's entries that apply here (their help is text, the palette reads markup), then
        Textual's own but those bcr offers itself (a second "Quit" beside "Quit  [ctrl+q]")."""
        screen = self.screen
        commands = [
            SystemCommand(entry.title, escape(entry.help), partial(screen.run_action, entry.action))
            for entry in offered(screen)
        ]
        ours = {command.title.split("  [", 1)[0] for command in commands}
        return commands + [
            command for command in self.app.get_system_commands(screen) if command.title not in ours
        ]

    async def discover(self) -> Hits:
        """Every command before anything is typed, by title (as Textual's provider lists)."""
        for title, help_text, run, discover in sorted(self._commands(), key=_title):
            if discover:
                yield DiscoveryHit(Content(title), run, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands whose titles match what is typed. Equal scores keep the order yielded
        (the palette's sort is stable): the meeting's keys first, as in their help."""
        matcher = self.matcher(query)
        for title, help_text, run, _ in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, _highlight(matcher, title), run, text=title, help=help_text)


def _title(command: SystemCommand) -> str:
    return command.title


def _highlight(matcher: Matcher, title: str) -> Content:
    """The title with the typed letters marked: as `Matcher.highlight`, but the title is text,
    not markup (its `[i]` is a key to show, not a style)."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
