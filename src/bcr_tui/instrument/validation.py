"""Validation of instrument documents (`docs/instrument-format.md`) into `instruments` dataclasses.

`Checker` walks a parsed TOML document, builds the frozen dataclasses, and collects *every*
problem with its key path (`domains[2].items[4].id: duplicate id "trust-3"`) rather than stopping
at the first; `instruments.parse_instrument` turns the list into one `InstrumentError`. The
checks of single fields (a table's keys, a string, an id, an array) are `instrument_checks`.

Every text is cleaned by `plaintext`'s rule (an escape sequence in an instrument would drive the
terminal of every facilitator who opens a session made from it). An instrument file with such
characters is refused with each named (`strict`: `bcr instruments check`, `bcr new --instrument`);
one embedded in a session file is cleaned, so the session still opens.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bcr_tui.instrument.checks import FieldChecker, kind_of
from bcr_tui.instrument.model import (
    ABSTAIN,
    FORMAT,
    ID_PATTERN,
    KINDS,
    MAX_TEXT,
    MODES,
    ROLES,
    ActionsSpec,
    Domain,
    Instrument,
    Item,
    Point,
    Reflection,
    Scale,
)


class Checker(FieldChecker):
    """Walks a parsed document, building dataclasses and collecting problems with key paths."""

    def instrument(self, data: Any) -> Instrument | None:
        top = {
            "format",
            "id",
            "title",
            "short_title",
            "version",
            "source",
            "instructions",
            "intro",
            "default_mode",
            "scales",
            "perspectives",
            "profile",
            "domains",
            "reflection",
            "actions",
        }
        if not self.table(data, "", top, {"format", "id", "title", "version", "source", "domains"}):
            return None
        fmt = data.get("format")
        if "format" in data and fmt != FORMAT:
            self.bad("format", f"{fmt!r} is not {FORMAT!r}: this is not a bcr instrument file")
            return None
        ident = self.ident(data, "id", "")
        texts = {
            k: self.string(data, k, "", required=k in {"title", "version", "source"})
            for k in ("title", "short_title", "version", "source", "instructions", "intro")
        }
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
            for item in self.item(
                raw, f"profile[{n}]", "profile", scales, perspectives, seen, profile=True
            )
        )
        domains = []
        domain_ids: set[str] = set()
        for n, raw in enumerate(self.array(data, "domains", "", required="domains" in data)):
            domain = self.domain(raw, f"domains[{n}]", scales, perspectives, seen, domain_ids)
            if domain is not None:
                domains.append(domain)
        reflection = tuple(
            r
            for n, raw in enumerate(self.array(data, "reflection", ""))
            if (r := self.reflection(raw, f"reflection[{n}]")) is not None
        )
        actions = self.actions(data["actions"]) if "actions" in data else None
        if self.problems or ident is None:
            return None
        return Instrument(
            id=ident,
            title=texts["title"] or "",
            version=texts["version"] or "",
            source=texts["source"] or "",
            short_title=texts["short_title"],
            instructions=texts["instructions"],
            intro=texts["intro"],
            default_mode=mode,
            domains=tuple(domains),
            scales=scales,
            perspectives=perspectives,
            profile=profile,
            reflection=reflection,
            actions=actions,
            raw=data,
        )

    def scales(self, raw: Any) -> dict[str, Scale]:
        out: dict[str, Scale] = {}
        if not isinstance(raw, dict):
            self.bad("scales", f"must be a table, not {kind_of(raw)}")
            return out
        for sid, spec in raw.items():
            where = f"scales.{sid}"
            if not ID_PATTERN.match(sid):
                self.bad(where, f"{sid!r} is not a valid id")
            if not self.table(spec, where, {"points", "low", "high", "question"}, {"points"}):
                continue
            points: list[Point] = []
            raw_points = self.array(spec, "points", where, required=True)
            if raw_points and not 2 <= len(raw_points) <= 9:
                self.bad(f"{where}.points", "must have 2 to 9 points (one digit key each)")
            keys: set[str] = set()
            for n, p in enumerate(raw_points):
                pw = f"{where}.points[{n}]"
                if not self.table(
                    p,
                    pw,
                    {"key", "label", "short_label", "score", "role", "description"},
                    {"key", "label"},
                ):
                    continue
                key = self.ident(p, "key", pw)
                if key == ABSTAIN:
                    self.bad(f"{pw}.key", '"abstain" is reserved for abstentions')
                elif key in keys:
                    self.bad(f"{pw}.key", f'duplicate key "{key}"')
                if key:
                    keys.add(key)
                score = p.get("score")
                if score is not None and (
                    isinstance(score, bool)
                    or not isinstance(score, int | float)
                    or not 0.0 <= score <= 1.0
                ):
                    self.bad(f"{pw}.score", "must be a number from 0 to 1")
                    score = None
                role = p.get("role")
                if role is not None and role not in ROLES:
                    self.bad(f"{pw}.role", f"{role!r} is not one of {', '.join(ROLES)}")
                    role = None
                label = self.string(p, "label", pw, required=True)
                if key and label is not None:
                    points.append(
                        Point(
                            key,
                            label,
                            None if score is None else float(score),
                            role,
                            self.string(p, "description", pw),
                            self.string(p, "short_label", pw),
                        )
                    )
            scored = [p for p in raw_points if isinstance(p, dict) and "score" in p]
            if scored and len(scored) != len(raw_points):
                self.bad(f"{where}.points", "give every point a score, or none (a nominal scale)")
            out[sid] = Scale(
                sid,
                tuple(points),
                self.string(spec, "low", where),
                self.string(spec, "high", where),
                self.string(spec, "question", where),
            )
        return out

    def perspectives(self, raw: Any) -> dict[str, str]:
        if not isinstance(raw, dict):
            self.bad("perspectives", f"must be a table, not {kind_of(raw)}")
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
                out[key] = self.clean(label, f"perspectives.{key}")
        return out

    def domain(
        self,
        raw: Any,
        where: str,
        scales: dict[str, Scale],
        perspectives: dict[str, str],
        seen: dict[str, str],
        domain_ids: set[str],
    ) -> Domain | None:
        if not self.table(
            raw,
            where,
            {"id", "title", "short_title", "description", "items"},
            {"id", "title", "items"},
        ):
            return None
        did = self.ident(raw, "id", where)
        if did in domain_ids:
            self.bad(f"{where}.id", f'duplicate domain id "{did}"')
        if did:
            domain_ids.add(did)
        items = tuple(
            item
            for n, spec in enumerate(self.array(raw, "items", where, required="items" in raw))
            for item in self.item(
                spec, f"{where}.items[{n}]", did or "", scales, perspectives, seen
            )
        )
        title = self.string(raw, "title", where, required=True)
        if did is None or title is None:
            return None
        return Domain(
            did,
            title,
            items,
            self.string(raw, "description", where),
            self.string(raw, "short_title", where),
        )

    def item(
        self,
        raw: Any,
        where: str,
        domain_id: str,
        scales: dict[str, Scale],
        perspectives: dict[str, str],
        seen: dict[str, str],
        *,
        profile: bool = False,
    ) -> list[Item]:
        allowed = {
            "id",
            "kind",
            "text",
            "number",
            "scale",
            "low",
            "high",
            "point_text",
            "perspectives",
            "note_prompt",
            "options",
            "other",
            "columns",
        }
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
            "choice": {"options", "other"},
            "multichoice": {"options", "other"},
            "table": {"columns"},
            "text": set(),
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
                        point_text[key] = self.clean(value, f"{where}.point_text.{key}")
        options = self.options(raw, "options", where, required=kind in ("choice", "multichoice"))
        columns = self.options(raw, "columns", where, required=kind == "table")
        other = raw.get("other", False)
        if not isinstance(other, bool):
            self.bad(f"{where}.other", "must be true or false")
            other = False
        base = Item(
            id=iid or "",
            kind=kind,
            text=text or "",
            domain_id=domain_id,
            number=self.string(raw, "number", where),
            scale=scale,
            low=self.string(raw, "low", where),
            high=self.string(raw, "high", where),
            point_text=point_text,
            note_prompt=self.string(raw, "note_prompt", where),
            options=options,
            other=other,
            columns=columns,
        )
        wanted = self.strings(raw, "perspectives", where)
        expanded = [base]
        if wanted:
            expanded = []
            for n, pid in enumerate(wanted):
                if pid not in perspectives:
                    self.bad(
                        f"{where}.perspectives[{n}]", f"no perspective {pid!r} in [perspectives]"
                    )
                    continue
                expanded.append(
                    replace(
                        base,
                        id=f"{base.id}-{pid}",
                        perspective=pid,
                        perspective_label=perspectives[pid],
                        pair=base.id,
                    )
                )
        for item in expanded:
            if item.id and item.id in seen:
                self.bad(f"{where}.id", f'duplicate id "{item.id}" (also at {seen[item.id]})')
            elif item.id:
                seen[item.id] = where
        return expanded if iid and text is not None else []

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
        found = {
            k: self.string(raw, k, "actions") for k in ("prompt", "step", "needs", "due", "owner")
        }
        if found["prompt"] is None:  # missing or not text: already reported
            return None
        return ActionsSpec(**{k: v for k, v in found.items() if v is not None})
