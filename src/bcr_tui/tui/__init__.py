"""The Textual app: screens, widgets, styles, themes and the command palette."""

import os

#: Textual paints a change on the next tick of its update timer, at most TEXTUAL_FPS a second (60
#: unless set), and after a paint the timer sleeps one to two ticks: a key typed soon after the
#: last one waited up to 33 ms for the screen. At 1000 the wait is at most a few ms (through a pty,
#: keys typed back to back: p90 ~25 ms at 120, ~18 at 1000). The timer runs only while something
#: waits to be painted: a still screen costs nothing (Textual's animations keep their own 60 a
#: second). A TEXTUAL_FPS the user set wins. Set here, before Textual is first imported: every
#: bcr module that imports Textual is in this package.
FRAMES_PER_SECOND = "1000"
os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)
