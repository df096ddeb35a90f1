"""Small dialogs over the meeting: a note, the hands counted in tally mode, a one-line prompt."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from bcr_tui.instrument.model import ABSTAIN, ActionsSpec, Item
from bcr_tui.plaintext import one_line
from bcr_tui.session.records import Action

if TYPE_CHECKING:
    from textual.app import App

    from bcr_tui.driver import Meeting, Outcome


class FirstField:
    """A dialog that opens with its first field focused, and whose keys typed or pasted before
    a field had the keyboard go into that first field (never lost, never a command).

    Mixed into a `ModalScreen` (before it): `first_field()` names the field."""

    def first_field(self) -> Widget | None:
        """The field that has the keyboard when the dialog opens (the first input)."""
        return next(iter(self.query(Input)), None)  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        """Focus the first field now (not after a refresh: the next key is already text)."""
        field = self.first_field()
        if field is not None:  # the dialog's title stays in view above it
            self.set_focus(field, scroll_visible=False)  # type: ignore[attr-defined]

    def on_key(self, event: events.Key) -> None:
        """A key that reached the dialog while no field had the keyboard goes into the first."""
        field = self.first_field()
        if (
            self.focused is None
            and field is not None
            and event.is_printable
            and isinstance(field, Input)
        ):  # type: ignore[attr-defined]
            field.select_on_focus = False  # what was typed stays: the next key adds to it
            self.set_focus(field)  # type: ignore[attr-defined]
            field.insert_text_at_cursor(event.character or "")
            event.stop()
            event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        """Pasted text with no field focused goes into the first field too."""
        field = self.first_field()
        if self.focused is None and isinstance(field, Input):  # type: ignore[attr-defined]
            field.select_on_focus = False
            self.set_focus(field)  # type: ignore[attr-defined]
            field.insert_text_at_cursor(" ".join(event.text.splitlines()))
            event.stop()


class PromptScreen(FirstField, ModalScreen[str | None]):
    """Ask for one line of text: Enter keeps it, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="prompt-cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")  # may hold a name
            yield Input(self.value, placeholder=self.placeholder, id="prompt")
            yield Static("Enter to keep · Esc to cancel", classes="dialog-help")

    @on(Input.Submitted, "#prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


class NoteScreen(PromptScreen):
    """The note on the current item."""

    def __init__(self, current: str) -> None:
        super().__init__("Note on this item (empty removes it)", current, "What did the room say?")


class FormScreen(FirstField, ModalScreen):
    """A dialog of several boxes: Enter moves to the next box and saves on the last; Ctrl+S
    saves; Esc cancels. Subclasses define `action_save`."""

    BINDINGS = [
        Binding("escape", "cancel", "cancel", id="form-cancel"),
        Binding("ctrl+s", "save", "save", id="form-save"),
    ]

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        boxes = list(self.query(Input))
        if event.input is boxes[-1]:
            self.action_save()
        else:  # at once: what is typed next belongs in the next box
            self.set_focus(boxes[boxes.index(event.input) + 1])

    def action_save(self) -> None:
        """Keep what was entered (subclasses)."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


class TallyScreen(FormScreen):
    """How many hands went up for each answer (tally mode). Enter on the last box saves."""

    def __init__(self, item: Item, counts: Mapping[str, int], *, focus_digit: int = 1) -> None:
        super().__init__()
        self.item = item
        self.counts = dict(counts)
        self.focus_digit = focus_digit

    def compose(self) -> ComposeResult:
        assert self.item.scale is not None
        with Vertical(classes="dialog"):
            yield Label("How many hands went up for each answer?", classes="dialog-title")
            with Grid(id="tally-grid"):
                for n, point in enumerate(self.item.scale.points, start=1):
                    yield Label(f"{n}  {point.label}", markup=False)
                    yield Input(
                        str(self.counts.get(point.key, "")),
                        type="integer",
                        id=f"tally-{point.key}",
                        placeholder="0",
                    )
                yield Label("0  Abstain")
                yield Input(
                    str(self.counts.get(ABSTAIN, "")),
                    type="integer",
                    id=f"tally-{ABSTAIN}",
                    placeholder="0",
                )
            yield Static(
                "Tab moves · Enter on the last box (or Ctrl+S) saves · Esc cancels",
                classes="dialog-help",
            )

    def first_field(self) -> Widget | None:
        """Start in the box of the answer whose number was pressed."""
        boxes = list(self.query(Input))
        index = self.focus_digit - 1 if self.focus_digit else len(boxes) - 1
        return boxes[max(0, min(index, len(boxes) - 1))]

    def action_save(self) -> None:
        """Keep the counts."""
        counts = {}
        for box in self.query(Input):
            key = (box.id or "").removeprefix("tally-")
            text = box.value.strip()
            counts[key] = int(text) if text.isdigit() else 0
        self.dismiss(counts)


class ActionScreen(FormScreen):
    """An action step, new or `current` to edit: what, what is needed, who, by when. Enter on
    the last box saves."""

    def __init__(self, spec: ActionsSpec | None, current: Action | None = None) -> None:
        super().__init__()
        self.spec = spec or ActionsSpec(prompt="Write down the action steps you agree on.")
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.spec.prompt), classes="dialog-title")
            for key in ("step", "needs", "owner", "due"):
                yield Label(Text(getattr(self.spec, key)))
                yield Input(getattr(self.current, key, ""), id=f"action-{key}")
            yield Static(
                "Tab moves · Enter on the last box (or Ctrl+S) saves · Esc cancels",
                classes="dialog-help",
            )

    def action_save(self) -> None:
        """Keep the action step (a step needs words)."""
        values = {
            k: self.query_one(f"#action-{k}", Input).value.strip()
            for k in ("step", "needs", "owner", "due")
        }
        if not values["step"]:
            self.query_one("#action-step", Input).focus()
            return
        self.dismiss(Action(**values))


class PickScreen(ModalScreen[str | None]):
    """Choose one of several options (Enter), or cancel (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="pick-cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield OptionList(
                *[
                    Option(Text(label) if isinstance(label, str) else label, id=value)
                    for label, value in self.options
                ],
                id="pick",
            )  # never markup
            yield Static("↑ ↓ choose · Enter opens · Esc cancels", classes="dialog-help")

    def on_option_list_option_selected(self, event) -> None:  # noqa: ANN001
        """Return the chosen option's value."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


def pick(
    app: App, title: str, options: list[tuple[str, str]], then: Callable[[str], object]
) -> None:
    """Ask which of `options` (label, value), then call `then(value)`; one option is not asked."""
    if len(options) == 1:
        then(options[0][1])
    elif options:
        app.push_screen(
            PickScreen(title, options), lambda chosen: None if chosen is None else then(chosen)
        )


def change_action_step(
    app: App, meeting: Meeting, verb: str, done: Callable[[Outcome], object]
) -> None:
    """Add, edit or delete an action step (verb "add", "edit", "delete"): ask which step and
    what it says, change it through the meeting (logged, so u undoes it), `done(outcome)`."""
    actions = meeting.session.actions

    def edit(index: int) -> None:
        current = actions[index] if index < len(actions) else None
        app.push_screen(
            ActionScreen(meeting.session.instrument.actions, current),
            lambda action: None if action is None else done(meeting.change_action(index, action)),
        )

    if verb == "add":
        edit(len(actions))
        return
    steps = [(f"{n}. {one_line(a.step)}", str(n - 1)) for n, a in enumerate(actions, start=1)]
    if verb == "edit":
        pick(app, "Edit which action step?", steps, lambda n: edit(int(n)))
    else:
        pick(
            app,
            "Delete which action step?",
            steps,
            lambda n: done(meeting.change_action(int(n), None)),
        )
