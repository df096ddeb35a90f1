"""Instruments: load and validate TOML instrument files into frozen dataclasses.

The format is documented in `docs/instrument-format.md`. Validation collects *every* problem with
its key path (`domains[2].items[4].id: duplicate id "trust-3"`) and raises one `InstrumentError`;
no other exception escapes `load_instrument` or `parse_instrument`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from bcr_tui.errors import InstrumentError
from bcr_tui.tomlio import read_toml

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


# --------------------------------------------------------------------------- loading


def shipped_dir() -> Path:
    """The folder of instruments shipped with the package."""
    return Path(str(resources.files("bcr_tui") / "data" / "instruments"))


def shipped_paths() -> list[Path]:
    """Paths of every shipped instrument file, sorted by name."""
    return sorted(shipped_dir().glob("*.toml"))


def find_instrument(name: str) -> Path:
    """Resolve an instrument argument: a file path, or a shipped id, short title or file stem."""
    path = Path(name).expanduser()
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise InstrumentError(path, ["no such instrument file"])
        return path
    wanted = name.strip().lower()
    for candidate in shipped_paths():
        if candidate.stem == wanted:
            return candidate
    for candidate in shipped_paths():
        try:
            inst = load_instrument(candidate)
        except InstrumentError:
            continue
        if wanted in (inst.id, (inst.short_title or "").lower()):
            return candidate
    known = ", ".join(p.stem for p in shipped_paths())
    raise InstrumentError(name, [f"no instrument of that name (shipped: {known})"])


def load_instrument(path: Path | str) -> Instrument:
    """Read and validate an instrument file; raises `InstrumentError` listing every problem."""
    path = Path(path)
    data = read_toml(path, InstrumentError)
    return parse_instrument(data, path)


def parse_instrument(data: Any, origin: Path | str) -> Instrument:
    """Validate a parsed instrument document; raises `InstrumentError` listing every problem."""
    check = _Checker()
    try:
        instrument = check.instrument(data)
    except RecursionError:
        raise InstrumentError(origin, ["nested too deeply to be an instrument"]) from None
    if check.problems or instrument is None:
        raise InstrumentError(origin, check.problems or ["not an instrument"])
    return instrument


class _Checker:
    """Walks a parsed document, building dataclasses and collecting problems with key paths."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def bad(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    # -- primitives ------------------------------------------------------------------------
    def table(self, value: Any, where: str, allowed: set[str], required: set[str]) -> bool:
        if not isinstance(value, dict):
            self.bad(where, f"must be a table, not {_kind(value)}")
            return False
        for key in value:
            if key not in allowed:
                self.bad(_join(where, key), "unknown key")
        for key in sorted(required - value.keys()):
            self.bad(_join(where, key), "missing")
        return True

    def string(self, table: dict, key: str, where: str, *, required: bool = False) -> str | None:
        value = table.get(key)
        if value is None:
            if required and key in table:
                self.bad(_join(where, key), "missing")
            return None
        if not isinstance(value, str):
            self.bad(_join(where, key), f"must be a string, not {_kind(value)}")
            return None
        if required and not value.strip():
            self.bad(_join(where, key), "must not be empty")
        if len(value) > MAX_TEXT:
            self.bad(_join(where, key), f"longer than {MAX_TEXT} characters")
            return None
        return value

    def ident(self, table: dict, key: str, where: str) -> str | None:
        value = self.string(table, key, where, required=True)
        if value is not None and not ID_PATTERN.match(value):
            self.bad(_join(where, key), f"{value!r} is not a valid id (use a-z, 0-9 and -)")
            return None
        return value

    def array(self, table: dict, key: str, where: str, *, required: bool = False) -> list:
        value = table.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(_join(where, key), f"must be an array, not {_kind(value)}")
            return []
        if required and not value:
            self.bad(_join(where, key), "must not be empty")
        return value

    def strings(self, table: dict, key: str, where: str) -> tuple[str, ...]:
        out = []
        for n, value in enumerate(self.array(table, key, where)):
            if isinstance(value, str) and len(value) <= MAX_TEXT:
                out.append(value)
            else:
                self.bad(f"{_join(where, key)}[{n}]", "must be a string")
        return tuple(out)

    # -- the document ----------------------------------------------------------------------
    def instrument(self, data: Any) -> Instrument | None:
        top = {"format", "id", "title", "short_title", "version", "source", "instructions", "intro",
               "default_mode", "scales", "perspectives", "profile", "domains", "reflection",
               "actions"}
        if not self.table(data, "", top, {"format", "id", "title", "version", "source", "domains"}):
            return None
        fmt = data.get("format")
        if "format" in data and fmt != FORMAT:
            self.bad("format", f"{fmt!r} is not {FORMAT!r}: this is not a bcr instrument file")
            return None
        ident = self.ident(data, "id", "")
        texts = {k: self.string(data, k, "", required=k in {"title", "version", "source"})
                 for k in ("title", "short_title", "version", "source", "instructions", "intro")}
        mode = data.get("default_mode", "round-robin")
        if mode not in MODES:
            self.bad("default_mode", f"{mode!r} is not one of {', '.join(MODES)}")
            mode = "round-robin"
        scales = self.scales(data.get("scales", {}))
        perspectives = self.perspectives(data.get("perspectives", {}))
        seen: dict[str, str] = {}
        profile = tuple(
            item
            for n, raw in enumerate(self.array(data, "profile", ""))
            for item in self.item(raw, f"profile[{n}]", "profile", scales, perspectives, seen,
                                  profile=True)
        )
        domains = []
        domain_ids: set[str] = set()
        for n, raw in enumerate(self.array(data, "domains", "", required="domains" in data)):
            domain = self.domain(raw, f"domains[{n}]", scales, perspectives, seen, domain_ids)
            if domain is not None:
                domains.append(domain)
        reflection = tuple(
            r for n, raw in enumerate(self.array(data, "reflection", ""))
            if (r := self.reflection(raw, f"reflection[{n}]")) is not None
        )
        actions = self.actions(data["actions"]) if "actions" in data else None
        if self.problems or ident is None:
            return None
        return Instrument(
            id=ident, title=texts["title"] or "", version=texts["version"] or "",
            source=texts["source"] or "", short_title=texts["short_title"],
            instructions=texts["instructions"], intro=texts["intro"], default_mode=mode,
            domains=tuple(domains), scales=scales, perspectives=perspectives, profile=profile,
            reflection=reflection, actions=actions, raw=data,
        )

    def scales(self, raw: Any) -> dict[str, Scale]:
        out: dict[str, Scale] = {}
        if not isinstance(raw, dict):
            self.bad("scales", f"must be a table, not {_kind(raw)}")
            return out
        for sid, spec in raw.items():
            where = f"scales.{sid}"
            if not ID_PATTERN.match(sid):
                self.bad(where, f"{sid!r} is not a valid id")
            if not self.table(spec, where, {"points", "low", "high"}, {"points"}):
                continue
            points: list[Point] = []
            raw_points = self.array(spec, "points", where, required=True)
            if raw_points and not 2 <= len(raw_points) <= 9:
                self.bad(f"{where}.points", "must have 2 to 9 points (one digit key each)")
            keys: set[str] = set()
            for n, p in enumerate(raw_points):
                pw = f"{where}.points[{n}]"
                if not self.table(p, pw, {"key", "label", "short_label", "score", "role",
                                          "description"},
                                  {"key", "label"}):
                    continue
                key = self.ident(p, "key", pw)
                if key == ABSTAIN:
                    self.bad(f"{pw}.key", '"abstain" is reserved for abstentions')
                elif key in keys:
                    self.bad(f"{pw}.key", f'duplicate key "{key}"')
                if key:
                    keys.add(key)
                score = p.get("score")
                if score is not None and (isinstance(score, bool)
                                          or not isinstance(score, int | float)
                                          or not 0.0 <= score <= 1.0):
                    self.bad(f"{pw}.score", "must be a number from 0 to 1")
                    score = None
                role = p.get("role")
                if role is not None and role not in ROLES:
                    self.bad(f"{pw}.role", f"{role!r} is not one of {', '.join(ROLES)}")
                    role = None
                label = self.string(p, "label", pw, required=True)
                if key and label is not None:
                    points.append(Point(key, label, None if score is None else float(score), role,
                                        self.string(p, "description", pw),
                                        self.string(p, "short_label", pw)))
            scored = [p for p in raw_points if isinstance(p, dict) and "score" in p]
            if scored and len(scored) != len(raw_points):
                self.bad(f"{where}.points", "give every point a score, or none (a nominal scale)")
            out[sid] = Scale(sid, tuple(points), self.string(spec, "low", where),
                             self.string(spec, "high", where))
        return out

    def perspectives(self, raw: Any) -> dict[str, str]:
        if not isinstance(raw, dict):
            self.bad("perspectives", f"must be a table, not {_kind(raw)}")
            return {}
        out = {}
        for key, label in raw.items():
            if not ID_PATTERN.match(key):
                self.bad(f"perspectives.{key}", f"{key!r} is not a valid id")
            elif not isinstance(label, str) or not label.strip():
                self.bad(f"perspectives.{key}", "must be a non-empty string")
            elif len(label) > MAX_TEXT:
                self.bad(f"perspectives.{key}", f"longer than {MAX_TEXT} characters")
            else:
                out[key] = label
        return out

    def domain(self, raw: Any, where: str, scales: dict[str, Scale], perspectives: dict[str, str],
               seen: dict[str, str], domain_ids: set[str]) -> Domain | None:
        if not self.table(raw, where, {"id", "title", "short_title", "description", "items"},
                          {"id", "title", "items"}):
            return None
        did = self.ident(raw, "id", where)
        if did in domain_ids:
            self.bad(f"{where}.id", f'duplicate domain id "{did}"')
        if did:
            domain_ids.add(did)
        items = tuple(
            item
            for n, spec in enumerate(self.array(raw, "items", where, required="items" in raw))
            for item in self.item(spec, f"{where}.items[{n}]", did or "", scales, perspectives,
                                  seen)
        )
        title = self.string(raw, "title", where, required=True)
        if did is None or title is None:
            return None
        return Domain(did, title, items, self.string(raw, "description", where),
                      self.string(raw, "short_title", where))

    def item(self, raw: Any, where: str, domain_id: str, scales: dict[str, Scale],
             perspectives: dict[str, str], seen: dict[str, str], *, profile: bool = False,
             ) -> list[Item]:
        allowed = {"id", "kind", "text", "number", "scale", "low", "high", "point_text",
                   "perspectives", "note_prompt", "options", "other", "columns"}
        if not self.table(raw, where, allowed, {"id", "text"}):
            return []
        iid = self.ident(raw, "id", where)
        kind = raw.get("kind", "rating")
        if kind not in KINDS:
            self.bad(f"{where}.kind", f"{kind!r} is not one of {', '.join(KINDS)}")
            return []
        if profile and kind not in ("choice", "multichoice", "text"):
            self.bad(f"{where}.kind", "profile questions are choice, multichoice or text")
        text = self.string(raw, "text", where, required=True)
        scale = None
        only = {
            "rating": {"scale", "low", "high", "point_text", "perspectives"},
            "choice": {"options", "other"}, "multichoice": {"options", "other"},
            "table": {"columns"}, "text": set(),
        }
        for key in sorted(set(raw) & (allowed - {"id", "kind", "text", "number", "note_prompt"})):
            if key not in only[kind]:
                self.bad(f"{where}.{key}", f"does not apply to a {kind} item")
        point_text: dict[str, str] = {}
        if kind == "rating":
            sid = raw.get("scale")
            scale = scales.get(sid) if isinstance(sid, str) else None
            if sid is None:
                self.bad(f"{where}.scale", "missing (a rating item needs a scale)")
            elif scale is None:
                self.bad(f"{where}.scale", f"no scale {sid!r} in [scales]")
            pt = raw.get("point_text", {})
            if not isinstance(pt, dict):
                self.bad(f"{where}.point_text", "must be a table of point key = text")
            else:
                for key, value in pt.items():
                    if scale and scale.point(key) is None:
                        self.bad(f"{where}.point_text.{key}", f"no point {key!r} on scale {sid!r}")
                    elif not isinstance(value, str):
                        self.bad(f"{where}.point_text.{key}", "must be a string")
                    elif len(value) > MAX_TEXT:
                        self.bad(f"{where}.point_text.{key}", f"longer than {MAX_TEXT} characters")
                    else:
                        point_text[key] = value
        options = self.options(raw, "options", where, required=kind in ("choice", "multichoice"))
        columns = self.options(raw, "columns", where, required=kind == "table")
        other = raw.get("other", False)
        if not isinstance(other, bool):
            self.bad(f"{where}.other", "must be true or false")
            other = False
        base = Item(
            id=iid or "", kind=kind, text=text or "", domain_id=domain_id,
            number=self.string(raw, "number", where), scale=scale,
            low=self.string(raw, "low", where), high=self.string(raw, "high", where),
            point_text=point_text, note_prompt=self.string(raw, "note_prompt", where),
            options=options, other=other, columns=columns,
        )
        wanted = self.strings(raw, "perspectives", where)
        expanded = [base]
        if wanted:
            expanded = []
            for n, pid in enumerate(wanted):
                if pid not in perspectives:
                    self.bad(f"{where}.perspectives[{n}]",
                             f"no perspective {pid!r} in [perspectives]")
                    continue
                expanded.append(replace(base, id=f"{base.id}-{pid}", perspective=pid,
                                         perspective_label=perspectives[pid], pair=base.id))
        for item in expanded:
            if item.id and item.id in seen:
                self.bad(f"{where}.id", f'duplicate id "{item.id}" (also at {seen[item.id]})')
            elif item.id:
                seen[item.id] = where
        return expanded if iid and text is not None else []

    def options(self, raw: dict, key: str, where: str, *, required: bool) -> tuple[Option, ...]:
        out: list[Option] = []
        keys: set[str] = set()
        values = self.array(raw, key, where)
        if required and not values:
            self.bad(f"{where}.{key}", "missing (this kind of item needs them)")
        for n, spec in enumerate(values):
            ow = f"{where}.{key}[{n}]"
            if not self.table(spec, ow, {"key", "label"}, {"key", "label"}):
                continue
            okey = self.ident(spec, "key", ow)
            if okey in keys:
                self.bad(f"{ow}.key", f'duplicate key "{okey}"')
            label = self.string(spec, "label", ow, required=True)
            if okey and label is not None:
                keys.add(okey)
                out.append(Option(okey, label))
        return tuple(out)

    def reflection(self, raw: Any, where: str) -> Reflection | None:
        if not self.table(raw, where, {"title", "prompt", "questions"}, {"title", "questions"}):
            return None
        title = self.string(raw, "title", where, required=True)
        questions = self.strings(raw, "questions", where)
        return Reflection(title or "", questions, self.string(raw, "prompt", where))

    def actions(self, raw: Any) -> ActionsSpec | None:
        keys = {"prompt", "step", "needs", "due", "owner"}
        if not self.table(raw, "actions", keys, {"prompt"}):
            return None
        found = {k: self.string(raw, k, "actions") for k in ("prompt", "step", "needs", "due",
                                                               "owner")}
        if found["prompt"] is None:  # missing or not text: already reported
            return None
        return ActionsSpec(**{k: v for k, v in found.items() if v is not None})


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else str(key)


def _kind(value: Any) -> str:
    return {dict: "a table", list: "an array", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)
