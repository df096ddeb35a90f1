"""Garbage collection kept out of start-up's way.

While bcr starts it builds many objects that live as long as it does (Textual's widgets and
styles, a session's answers and change log) and frees few, so a collection then frees nothing and
costs time: opening a 200-person session spent ~160 ms of a 0.9 s start in collections. The
commands that open the app turn collection off (`pause`) until the first frame is on screen;
then what start-up built is frozen out of the collector's way and collection resumes (`resume`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def pause() -> None:
    """No garbage collection until `resume()`."""
    gc.disable()


def resume() -> None:
    """Freeze every object made so far (later collections never look at them again) and turn
    collection back on."""
    gc.freeze()
    gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """No collection while building long-lived objects (e.g. a session's change log); then
    freeze them and resume."""
    pause()
    try:
        yield
    finally:
        resume()
