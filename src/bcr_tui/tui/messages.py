"""Messages the screens react to."""

from __future__ import annotations

from textual.message import Message

from bcr_tui.driver import Outcome


class SessionChanged(Message):
    """The session changed (and was saved, or failed to save: see `outcome.saved`)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome
