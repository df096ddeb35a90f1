"""The baseline for start-up ratios: a bare Textual app that shows one line and, like bcr under
the benchmark, quits once its first full frame is on screen."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Hello(App):
    def compose(self) -> ComposeResult:
        yield Static("Hello")

    def on_ready(self) -> None:
        self.call_after_refresh(self.exit)


if __name__ == "__main__":
    Hello().run()
