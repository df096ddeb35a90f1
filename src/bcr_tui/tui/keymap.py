"""The facilitator's keys: each command defined once, yielding its bindings, footer entry, help
line and palette entry, so the four can never disagree (the contract: README "Keys in the meeting").
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    """One thing the facilitator can do, with every key that does it."""

    id: str
    keys: tuple[str, ...]
    action: str
    """The action; `{key}` in it is replaced by the key pressed (the digits)."""
    label: str
    help: str
    key_display: str | None = None
    footer: bool = True
    palette: bool = True
    in_help: bool = True
    """False for a command another one's help line covers (→ under "←→ Previous / next item")."""

    def bindings(self) -> list[Binding]:
        """The Textual bindings: the first key shows in the footer, the others do not."""
        return [
            Binding(
                key,
                self.action.format(key=key),
                self.label,
                show=self.footer and n == 0,
                key_display=self.key_display if n == 0 else None,
                id=f"{self.id}-{n}",
                tooltip=self.help,
            )
            for n, key in enumerate(self.keys)
        ]

    @property
    def keys_text(self) -> str:
        """The keys as shown in help: `u / ctrl+z`."""
        return self.key_display or " / ".join(_pretty(k) for k in self.keys)


def _pretty(key: str) -> str:
    return {
        "left": "←",
        "right": "→",
        "up": "↑",
        "down": "↓",
        "question_mark": "?",
        "escape": "esc",
    }.get(key, key)


DIGITS = tuple(str(n) for n in range(1, 10))

MEETING: tuple[Command, ...] = (
    Command(
        "rate",
        DIGITS,
        "rate_digit({key})",
        "rate",
        "Record the answer with that number for "
        "whoever has the turn (or for the group), save it, and move on.",
        key_display="1-9",
        palette=False,
    ),
    Command(
        "abstain",
        ("0",),
        "rate_digit(0)",
        "abstain",
        "Record an explicit abstention (not a blank) for whoever has the turn.",
    ),
    Command(
        "undo",
        ("u", "ctrl+z"),
        "undo",
        "undo",
        "Undo the last change and go back to it "
        "(works after reopening: the change log is in the file).",
    ),
    Command("redo", ("ctrl+y",), "redo", "redo", "Redo what was undone.", footer=False),
    Command(
        "previous-item",
        ("left",),
        "move('previous')",
        "item",
        "Previous / next item.",
        key_display="←→",
        palette=False,
    ),
    Command(
        "next-item",
        ("right",),
        "move('next')",
        "next item",
        "Next item.",
        footer=False,
        in_help=False,
    ),
    Command(
        "previous-person",
        ("up",),
        "move('up')",
        "person",
        "Previous / next participant: "
        "give them the turn (to correct their answer, or to bring them back).",
        key_display="↑↓",
        palette=False,
    ),
    Command(
        "next-person",
        ("down",),
        "move('down')",
        "next person",
        "Next participant.",
        footer=False,
        palette=False,
        in_help=False,
    ),
    Command(
        "absent",
        ("a",),
        "toggle_absent",
        "absent",
        "Mark the person with the turn absent "
        "from here on (or back in the room); turns skip absent people.",
    ),
    Command("reveal", ("r",), "reveal", "reveal", "Blind round: reveal this item's ratings."),
    Command("note", ("n",), "note", "note", "Write a note on this item.", footer=False),
    Command(
        "profile",
        ("p",),
        "profile",
        "about you",
        "Answer the About-You questions for the person with the turn.",
        footer=False,
    ),
    Command(
        "about",
        ("i",),
        "about",
        "about",
        "The instrument's instructions and the current "
        "domain's description, to read the room in (shown by themselves when the meeting "
        "reaches a domain).",
        footer=False,
    ),
    Command(
        "heatmap",
        ("h",),
        "heatmap",
        "heatmap",
        "Full-screen heatmap of the results so far (blind items not yet revealed are left out).",
    ),
    Command(
        "readout",
        ("o",),
        "readout",
        "read-out",
        "Strengths, priorities, contested items and the reflection questions; add action steps.",
    ),
    Command(
        "save-over",
        ("ctrl+s",),
        "save_over",
        "save over",
        "Only after another program "
        "changed the session file: save bcr's answers over it (bcr never does so by "
        "itself).",
        footer=False,
    ),
    Command("help", ("question_mark",), "help", "help", "Every key, explained.", key_display="?"),
    Command(
        "palette",
        ("ctrl+p",),
        "app.command_palette",
        "commands",
        "Search every command.",
        footer=False,
        palette=False,
    ),
    Command(
        "quit", ("ctrl+q",), "app.quit", "quit", "Quit. Everything is already saved.", footer=False
    ),
    Command(
        "phones",
        ("j",),
        "phones('toggle')",
        "phones",
        "Phones on/off: show the join line "
        "and QR code so people answer on their own phones (round-robin and blind); j again "
        "stops taking answers from phones.",
        footer=False,
    ),
    Command(
        "phones-release",
        (),
        "phones('release')",
        "phones: release a seat",
        "Free a name claimed by a phone (a lost or swapped phone): it can be claimed again.",
        key_display="ctrl+p",
        footer=False,
    ),
    Command(
        "phones-auto-reveal",
        (),
        "phones('auto_reveal')",
        "phones: automatic reveal on/off",
        "Blind rounds on phones: reveal the item as soon as everyone present has answered.",
        key_display="ctrl+p",
        footer=False,
    ),
)


def bindings(commands: tuple[Command, ...]) -> list[Binding]:
    """Every binding of these commands."""
    return [b for c in commands for b in c.bindings()]
