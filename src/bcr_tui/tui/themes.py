"""Projector themes: high contrast (WCAG AA or better), colour-blind safe (Okabe–Ito hues).

Meaning is never carried by colour alone: every state also has a glyph or a word (✓ saved,
⚠ not saved, ▶ turn, ✗ absent). Styles in `app.tcss` use these themes' variables only.
"""

from __future__ import annotations

from textual.theme import Theme

#: Okabe & Ito (2008) colours, distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

PROJECTOR_DARK = Theme(
    name="projector-dark",
    primary=OKABE_ITO["sky"],
    secondary=OKABE_ITO["yellow"],
    accent=OKABE_ITO["orange"],
    warning=OKABE_ITO["orange"],
    error=OKABE_ITO["vermillion"],
    success=OKABE_ITO["green"],
    foreground="#FFFFFF",
    background="#000000",
    surface="#101418",
    panel="#1C232B",
    dark=True,
    variables={"block-cursor-background": OKABE_ITO["sky"], "block-cursor-foreground": "#000000"},
)

PROJECTOR_LIGHT = Theme(
    name="projector-light",
    primary=OKABE_ITO["blue"],
    secondary="#5A3A00",
    accent="#8A4B00",
    warning="#8A4B00",
    error="#A33A00",
    success="#00664A",
    foreground="#000000",
    background="#FFFFFF",
    surface="#F2F2F2",
    panel="#E2E6EA",
    dark=False,
    variables={"block-cursor-background": OKABE_ITO["blue"], "block-cursor-foreground": "#FFFFFF"},
)

THEMES = (PROJECTOR_DARK, PROJECTOR_LIGHT)
DEFAULT_THEME = PROJECTOR_DARK.name
