"""The roll-up's table for sessions of plain ratings, built by joins in polars.

`tidy.table` builds a session's rows in Python, one value at a time: for a roll-up of a thousand
sessions of 40 people × 31 items that is most of the time. The sessions of a roll-up are mostly
plain ratings (every answer a point of a scale, or an abstention), and for those every column but
three (who, item, answer) comes from small tables: the file (session, community, date,
instrument, source), the participant (name, profile answers) and the item (domain, wording,
point label, score). `Batch` collects the three columns straight from the file (`fastread`) and
joins them to those small tables in one go. The result is exactly `tidy.table`'s rows, in its
order, with `export.frame_from_columns`'s types; a session that is not plain ratings (tallies,
text, choices, answers that need cleaning) is left to `tidy.table`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcr_tui import tidy
from bcr_tui.instruments import ABSTAIN, Instrument
from bcr_tui.session import GROUP, Session, check_value

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl


class Batch:
    """Plain-rating sessions collected for one frame (in the order they were added)."""

    def __init__(self) -> None:
        self.columns: list[str] = []  #: tidy columns, first seen first (as `export.merge`)
        self._f: list[int] = []
        self._who: list[str] = []
        self._item: list[str] = []
        self._answer: list[str] = []
        self._files: list[tuple[str, str, str, str, str, int]] = []
        self._people: list[dict[str, Any]] = []
        self._instruments: dict[int, tuple[Instrument, int]] = {}
        self._items: list[dict[str, Any]] = []
        self._points: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self._files)

    def add(self, session: Session, whos: list[str], items: list[str], answers: list[str],
            source: str) -> bool:
        """Take the session if its answers are plain ratings, valid as they are; else False."""
        if session.tally or session.answers or not items:
            return False
        known = {p.id for p in session.participants}
        if not known.union((GROUP,)).issuperset(whos):
            return False
        instrument = session.instrument
        for item_id, answer in set(zip(items, answers, strict=True)):
            item = instrument.item(item_id)
            if (item is None or item.kind != "rating" or item.scale is None
                    or instrument.is_profile(item_id) or not answer.isprintable()
                    or not check_value(item, answer)):
                return False
        f = len(self._files)
        key = self._instrument(instrument)
        self._files.append((session.id, session.community, session.created.date().isoformat(),
                            instrument.id, source, key))
        profile_cols = tidy.profile_columns(session)
        for column in tidy.columns(session, source=source):
            if column not in self.columns:
                self.columns.append(column)
        for n, person in enumerate(session.participants):
            self._people.append({"f": f, "participant": person.id, "who_order": n,
                                 "participant_name": person.name,
                                 **dict(zip(profile_cols, tidy.profile_values(
                                     person.profile, profile_cols), strict=True))})
        self._people.append({"f": f, "participant": GROUP, "who_order": len(known),
                             "participant_name": None})
        self._f.extend([f] * len(items))
        self._who.extend(whos)
        self._item.extend(items)
        self._answer.extend(answers)
        return True

    def _instrument(self, instrument: Instrument) -> int:
        """A small number for this instrument in the batch; its items and points noted once."""
        known = self._instruments.get(id(instrument))
        if known is not None and known[0] is instrument:
            return known[1]
        key = len(self._instruments)
        self._instruments[id(instrument)] = (instrument, key)
        titles = {d.id: d.title for d in instrument.domains}
        for order, item in enumerate(instrument.items):
            self._items.append({"ik": key, "item": item.id, "item_order": order,
                                "domain": item.domain_id,
                                "domain_title": titles.get(item.domain_id, ""),
                                "item_text": tidy.item_text(item)})
            if item.scale is not None:
                for p in item.scale.points:
                    self._points.append({"ik": key, "item": item.id, "answer": p.key,
                                         "answer_label": p.label, "score": p.score})
                self._points.append({"ik": key, "item": item.id, "answer": ABSTAIN,
                                     "answer_label": tidy.ABSTAIN_LABEL, "score": None})
        return key

    def frame(self) -> pl.DataFrame:
        """The batch's rows, as `export.frame_from_columns(merge(tidy tables))` gives them."""
        import polars as pl

        from bcr_tui.export import polars_type

        i32, s = pl.Int32, pl.String
        rows = pl.DataFrame({"f": self._f, "participant": self._who, "item": self._item,
                             "answer": self._answer},
                            schema={"f": i32, "participant": s, "item": s, "answer": s})
        files = pl.DataFrame(
            [list(range(len(self._files))), *map(list, zip(*self._files, strict=True))],
            schema={"f": i32, "session": s, "community": s, "date": s, "instrument": s,
                    tidy.SOURCE: s, "ik": i32}, orient="col")
        profile = [c for c in self.columns if c not in tidy.COLUMNS and c != tidy.SOURCE]
        people = pl.DataFrame(
            {"f": [p["f"] for p in self._people],
             "participant": [p["participant"] for p in self._people],
             "who_order": [p["who_order"] for p in self._people],
             "participant_name": [p["participant_name"] for p in self._people],
             **{c: [p.get(c) for p in self._people] for c in profile}},
            schema={"f": i32, "participant": s, "who_order": i32, "participant_name": s,
                    **{c: s for c in profile}})
        items = pl.DataFrame(self._items, schema={
            "ik": i32, "item": s, "item_order": i32, "domain": s, "domain_title": s,
            "item_text": s})
        points = pl.DataFrame(self._points, schema={
            "ik": i32, "item": s, "answer": s, "answer_label": s, "score": pl.Float64})
        table = (rows.join(files, on="f", how="left")
                 .join(people, on=["f", "participant"], how="left")
                 .join(items, on=["ik", "item"], how="left")
                 .join(points, on=["ik", "item", "answer"], how="left")
                 .sort(["f", "who_order", "item_order"], maintain_order=True)
                 .with_columns(pl.lit(1, pl.Int64).alias("count"),
                               pl.col("date").str.to_date("%Y-%m-%d")))
        return table.select(pl.col(c).cast(polars_type(c)) for c in self.columns)
