"""Instruments as frozen dataclasses: scales, items, domains, reflection questions, action steps.

The format is documented in `docs/instrument-format.md`. This module imports nothing of bcr
above it (the validation and the loading import it), so every layer can hold an instrument.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FORMAT = "bcr-instrument/1"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")  # \Z: "$" would allow a trailing newline
KINDS = ("rating", "choice", "multichoice", "text", "table")
MODES = ("group", "round-robin", "tally")
ROLES = ("strength", "priority")
ABSTAIN = "abstain"
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Point:
    """One answer on a scale, e.g. "Needs immediate attention"."""

    key: str
    label: str
    score: float | None = None
    role: str | None = None
    description: str | None = None
    short_label: str | None = None

    @property
    def short(self) -> str:
        """The label for narrow places (falls back to the full label)."""
        return self.short_label or self.label


@dataclass(frozen=True)
class Scale:
    """An answer scale; `points` are in display order (digit keys 1..n)."""

    id: str
    points: tuple[Point, ...]
    low: str | None = None
    high: str | None = None
    question: str | None = None
    """What the scale answers, shown with each item (CoC Step 5: "Does the condition exist?")."""
    _by_key: Mapping[str, Point] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {p.key: p for p in self.points})

    @property
    def ordinal(self) -> bool:
        """True when every point has a score, so means and consensus are defined."""
        return all(p.score is not None for p in self.points)

    def point(self, key: str) -> Point | None:
        """The point with this key, or None."""
        return self._by_key.get(key)

    def score_order(self) -> tuple[Point, ...]:
        """Points sorted from the lowest score to the highest (display order if nominal)."""
        if not self.ordinal:
            return self.points
        return tuple(sorted(self.points, key=lambda p: p.score or 0.0))


@dataclass(frozen=True)
class Option:
    """A choice among options (profile questions) or a column of a table item."""

    key: str
    label: str


@dataclass(frozen=True)
class Item:
    """One question. `kind` says how it is answered; `scale` is set for rating items."""

    id: str
    kind: str
    text: str
    domain_id: str
    number: str | None = None
    scale: Scale | None = None
    low: str | None = None
    high: str | None = None
    point_text: Mapping[str, str] = field(default_factory=dict)
    note_prompt: str | None = None
    options: tuple[Option, ...] = ()
    other: bool = False
    columns: tuple[Option, ...] = ()
    perspective: str | None = None
    perspective_label: str | None = None
    pair: str | None = None

    @property
    def is_rating(self) -> bool:
        """True for items answered on a scale."""
        return self.kind == "rating"


@dataclass(frozen=True)
class Domain:
    """A section of the instrument, e.g. the PAI's "Trust"."""

    id: str
    title: str
    items: tuple[Item, ...]
    description: str | None = None
    short_title: str | None = None

    @property
    def short(self) -> str:
        """The title for narrow places (falls back to the full title)."""
        return self.short_title or self.title

    @property
    def rating_items(self) -> tuple[Item, ...]:
        """The items of this domain answered on a scale."""
        return tuple(i for i in self.items if i.is_rating)


@dataclass(frozen=True)
class Reflection:
    """A group of discussion questions, e.g. the PAI's Step 2."""

    title: str
    questions: tuple[str, ...]
    prompt: str | None = None


@dataclass(frozen=True)
class ActionsSpec:
    """The instrument's wording for its action-step table."""

    prompt: str
    step: str = "Action step"
    needs: str = "What is needed"
    due: str = "Due"
    owner: str = "Owner"


@dataclass(frozen=True)
class Instrument:
    """A validated instrument. `raw` is the parsed document, embedded in sessions as a snapshot."""

    id: str
    title: str
    version: str
    source: str
    domains: tuple[Domain, ...]
    scales: Mapping[str, Scale]
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    short_title: str | None = None
    instructions: str | None = None
    intro: str | None = None
    default_mode: str = "round-robin"
    perspectives: Mapping[str, str] = field(default_factory=dict)
    profile: tuple[Item, ...] = ()
    reflection: tuple[Reflection, ...] = ()
    actions: ActionsSpec | None = None
    _by_id: Mapping[str, Item] = field(init=False, repr=False, compare=False)
    _profile_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        every = (*self.items, *self.profile)
        object.__setattr__(self, "_by_id", {i.id: i for i in every})
        object.__setattr__(self, "_profile_ids", frozenset(q.id for q in self.profile))

    def is_profile(self, item_id: str) -> bool:
        """True if this id is an About-You question (answered per participant, not rated)."""
        return item_id in self._profile_ids

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item of every domain, in order (profile questions excluded)."""
        return tuple(i for d in self.domains for i in d.items)

    @property
    def rating_items(self) -> tuple[Item, ...]:
        """The items answered on a scale, in order."""
        return tuple(i for i in self.items if i.is_rating)

    def item(self, item_id: str) -> Item | None:
        """The item (or profile question) with this id, or None."""
        return self._by_id.get(item_id)

    def domain_of(self, item_id: str) -> Domain | None:
        """The domain that holds this item, or None."""
        item = self.item(item_id)
        return next((d for d in self.domains if item and d.id == item.domain_id), None)


def fill(text: str, community: str | None) -> str:
    """Fill `{community}` placeholders; with no community the source's `[COUNTY NAME]` shows."""
    if "{community}" not in text:
        return text
    if not community:
        return text.replace("{community}", "[COUNTY NAME]")
    name = community.strip()
    if name.lower().endswith(" county"):
        # "{community} County …" with community "Ventura County" must not read "County County".
        text = re.sub(r"\{community\}\s+County\b", "{community}", text)
    return text.replace("{community}", name)
