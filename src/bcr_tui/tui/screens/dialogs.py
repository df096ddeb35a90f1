"""Small dialogs over the meeting: a note, the hands counted in tally mode, a one-line prompt."""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from bcr_tui.instruments import ABSTAIN, ActionsSpec, Item
from bcr_tui.session import Action


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text: Enter keeps it, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="prompt-cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
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
        super().__init__("Note on this item (empty removes it)", current,
                         "What did the room say?")


class FormScreen(ModalScreen):
    """A dialog of several boxes: Enter moves to the next box and saves on the last; Ctrl+S
    saves; Esc cancels. Subclasses define `action_save`."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="form-cancel"),
                Binding("ctrl+s", "save", "save", id="form-save")]

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        boxes = list(self.query(Input))
        if event.input is boxes[-1]:
            self.action_save()
        else:
            boxes[boxes.index(event.input) + 1].focus()

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
                    yield Input(str(self.counts.get(point.key, "")), type="integer",
                                id=f"tally-{point.key}", placeholder="0")
                yield Label("0  Abstain")
                yield Input(str(self.counts.get(ABSTAIN, "")), type="integer",
                            id=f"tally-{ABSTAIN}", placeholder="0")
            yield Static("Tab moves · Enter on the last box (or Ctrl+S) saves · Esc cancels",
                         classes="dialog-help")

    def on_mount(self) -> None:
        """Start in the box of the answer whose number was pressed."""
        boxes = list(self.query(Input))
        index = self.focus_digit - 1 if self.focus_digit else len(boxes) - 1
        boxes[max(0, min(index, len(boxes) - 1))].focus()

    def action_save(self) -> None:
        """Keep the counts."""
        counts = {}
        for box in self.query(Input):
            key = (box.id or "").removeprefix("tally-")
            text = box.value.strip()
            counts[key] = int(text) if text.isdigit() else 0
        self.dismiss(counts)


class ActionScreen(FormScreen):
    """A new action step: what, what is needed, who, by when. Enter on the last box saves."""

    def __init__(self, spec: ActionsSpec | None) -> None:
        super().__init__()
        self.spec = spec or ActionsSpec(prompt="Write down the action steps you agree on.")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.spec.prompt, classes="dialog-title", markup=False)
            for key in ("step", "needs", "owner", "due"):
                yield Label(getattr(self.spec, key), markup=False)
                yield Input(id=f"action-{key}")
            yield Static("Tab moves · Enter on the last box (or Ctrl+S) saves · Esc cancels",
                         classes="dialog-help")

    def on_mount(self) -> None:
        """Start in the first box."""
        self.query_one("#action-step", Input).focus()

    def action_save(self) -> None:
        """Keep the action step (a step needs words)."""
        values = {k: self.query_one(f"#action-{k}", Input).value.strip()
                  for k in ("step", "needs", "owner", "due")}
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
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(*[Option(label, id=value) for label, value in self.options],
                             id="pick", markup=False)
            yield Static("↑ ↓ choose · Enter opens · Esc cancels", classes="dialog-help")

    def on_option_list_option_selected(self, event) -> None:  # noqa: ANN001
        """Return the chosen option's value."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
