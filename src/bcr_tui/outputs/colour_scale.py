"""The one colour scale for heatmaps: cividis, designed to read the same with every common
colour-vision deficiency and in greyscale (Nuñez, Anderton & Renslow 2018, PLOS ONE 13(7)).

Its lightness rises steadily from dark blue (0) to yellow (1), so a projector that washes out hue
still shows the order. Cells always carry their number too: colour is never the only signal.

A terminal with 256 colours cannot show cividis: Rich maps each colour to the nearest of xterm's
palette (a 6 × 6 × 6 cube and a grey ramp), and cividis' greyish middle lands on greys and its
olive on pink, out of order (0.70 came out lighter than 0.75). There `colour(..., colours=256)`
steps through `RAMP_256`: nine of xterm's own colours, from dark blue through grey to yellow,
whose lightness rises at every step; Rich leaves them as they are.
"""

from __future__ import annotations

#: Cividis sampled at nine even steps from 0 to 1.
CIVIDIS = (
    "#00224E",
    "#1D3A6E",
    "#434E6C",
    "#5F636E",
    "#7B7B78",
    "#9A9177",
    "#BAA971",
    "#DCC262",
    "#FEE838",
)
#: Cells with no figure (no answers, or hidden) are neutral grey.
EMPTY = "#3A3A3A"
#: Cividis for 256-colour terminals: xterm colours 17, 24, 60, 243, 101, 143, 179, 185, 227,
#: each lighter than the one before (relative luminance 0.008 … 0.94).
RAMP_256 = (
    "#00005F",
    "#005F87",
    "#5F5F87",
    "#767676",
    "#87875F",
    "#AFAF5F",
    "#D7AF5F",
    "#D7D75F",
    "#FFFF5F",
)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def colour(value: float | None, colours: int | None = None) -> str:
    """The cividis colour for `value` in [0, 1] (clamped); EMPTY for None. With `colours=256`
    (a terminal with 256 colours), the nearest step of `RAMP_256`."""
    if value is None or value != value:
        return EMPTY
    value = min(1.0, max(0.0, value))
    if colours is not None and colours <= 256:
        return RAMP_256[round(value * (len(RAMP_256) - 1))]
    position = value * (len(CIVIDIS) - 1)
    low = int(position)
    if low >= len(CIVIDIS) - 1:
        return CIVIDIS[-1]
    t = position - low
    a, b = _rgb(CIVIDIS[low]), _rgb(CIVIDIS[low + 1])
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b, strict=True))


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.x) of a colour."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink(background: str) -> str:
    """Black or white, whichever reads better on `background`."""
    return (
        "#000000"
        if contrast(background, "#000000") >= contrast(background, "#FFFFFF")
        else "#FFFFFF"
    )
