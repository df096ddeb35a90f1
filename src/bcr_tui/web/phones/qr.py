"""The join QR code drawn in the terminal: two rows of modules per line in half blocks.

The URL is put in capitals (`HTTP://192.168.137.1:8765/J/K7HNP3`): QR's alphanumeric mode then
holds it in a version-2 symbol (25 × 25 modules), 29 columns × 15 lines with its quiet zone, which
fits beside the item at 80 × 24. Phones open it as the same address (scheme and host ignore case,
and the server takes `/J/` like `/j/`). Dark modules are drawn as the black of "black on white",
never as the terminal's own colours, so a dark theme does not invert it.
"""

from __future__ import annotations

import functools

QUIET = 2  # modules of white around the symbol (scanners read 2 well on a bright screen)
UPPER, LOWER, FULL, EMPTY = "▀", "▄", "█", " "


def qr_text(url: str) -> str:
    """What the QR code encodes for this join URL (capitals: the compact alphanumeric mode)."""
    return url.upper()


def matrix(url: str) -> list[list[bool]]:
    """The QR symbol of `qr_text(url)` with its quiet zone: rows of dark (True) modules."""
    import segno

    code = segno.make(qr_text(url), error="m", micro=False)
    return [[bool(m) for m in row] for row in code.matrix_iter(scale=1, border=QUIET)]


@functools.lru_cache(maxsize=4)
def half_blocks(url: str) -> tuple[str, ...]:
    """The QR code as lines of text: each character one module wide and two high.

    A character's foreground is dark and its background light: `▀` is dark above, light below.
    Kept for the few URLs of a meeting: the panel repaints with every batch of votes.
    """
    rows = matrix(url)
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    glyph = {(True, True): FULL, (True, False): UPPER, (False, True): LOWER, (False, False): EMPTY}
    return tuple(
        "".join(glyph[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[0::2], rows[1::2], strict=True)
    )
