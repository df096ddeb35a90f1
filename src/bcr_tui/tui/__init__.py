"""The Textual app: screens, widgets, styles, themes and the command palette."""

import os

# Textual draws at most TEXTUAL_FPS frames a second (60 unless set), and after a frame its frame
# timer sleeps one to two frame periods before it can draw the next: a rating keyed within ~33 ms
# of the last frame (a quick room, a key held down) waited for that timer, not for bcr. bcr draws
# only when something changed, so a higher cap costs nothing while the screen is still (Textual's
# animations keep their own 60 a second). A TEXTUAL_FPS the user set wins. This must run before
# Textual is imported: every module that imports Textual is inside this package.
FRAMES_PER_SECOND = "240"
os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)
