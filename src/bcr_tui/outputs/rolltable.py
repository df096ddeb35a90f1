"""The roll-up's table for sessions of plain ratings: small numbers in the workers, rows once.

`tidy.table` builds a session's rows in Python, one value at a time: for a roll-up of a thousand
sessions of 40 people × 31 items that is most of the time. The sessions of a roll-up are mostly
plain ratings (every answer a point of a scale, or an abstention), and for those every column but
three (who, item, answer) comes from small tables: the file (session, community, date,
instrument, source), the participant (name, profile answers) and the item's point (domain,
wording, label, score).

So in a worker a `Batch` takes each such session's small tables and its block of `[ratings.WHO]`
tables as text (`fastread.plain_ratings`), and reads each line of the block by looking it up
whole: every line bcr can write for a rating of an instrument (`render.answer_line`) is a key
of one dictionary, whose value is the number of that rating's row in the table of points. A line
that is not there (a hand edit, an answer that is not a point of a scale, anything written
another way) makes the session not plain, and `tidy.table` reads it instead. What goes back to
the parent is the `Batch` itself: for each rating two numbers (person, point), and the small
tables, in plain Python (the workers never import polars). The parent's `table` then makes every
row at once by gathering from the small tables: the wide text columns (wording, labels, names)
are neither built in Python nor copied between processes. The result is exactly `tidy.table`'s
rows, in its order, with `export.frame_from_columns`'s types.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any

from bcr_tui.analysis import tidy
from bcr_tui.instrument.model import ABSTAIN, Instrument
from bcr_tui.session.records import GROUP
from bcr_tui.session.state import Session
from bcr_tui.storage.render import answer_line, rater_header

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

_HEADER = "\n[ratings."


class Batch:
    """Plain-rating sessions collected in one worker (in the order they were added)."""

    def __init__(self) -> None:
        self._files: list[tuple[int, str, str, str, str, str]] = []
        self._people: list[dict[str, Any]] = []
        self._profile: list[str] = []  #: profile columns, first seen first
        self._points: list[tuple[str, str, str, str, str, str, float | None]] = []
        self._item_of: list[int] = []  #: for each point, its item's number in the batch
        self._items = 0
        self._lines: dict[int, tuple[Instrument, dict[str, int]]] = {}
        self._person = array("i")  #: for each rating, its row in `_people`
        self._point = array("i")  #: and in `_points`

    def __len__(self) -> int:
        return len(self._files)

    @property
    def sources(self) -> list[str]:
        """The files of the sessions taken, as named in the table's `source` column."""
        return [f[-1] for f in self._files]

    def __getstate__(self) -> dict[str, Any]:
        """What goes back to the parent: the tables and numbers, not the lookups."""
        state = dict(self.__dict__)
        del state["_lines"], state["_item_of"]
        return state

    def add(self, f: int, session: Session, block: str, source: str) -> bool:
        """Take file number `f` (its session without answers, its ratings block as text) if every
        answer in the block is a plain rating by someone on its roster, written the bcr way;
        else False (and nothing is taken)."""
        if session.tally or session.answers:
            return False
        lines = self._lines_of(session.instrument)
        base = len(self._people)
        rows = {rater_header(p.id): base + n for n, p in enumerate(session.participants)}
        rows[rater_header(GROUP)] = base + len(session.participants)
        tables = ("\n" + block).split(_HEADER)
        if tables[0]:
            return False  # something before the first table
        person: list[int] = []
        point: list[int] = []
        seen: set[int] = set()
        item_of = self._item_of
        for table in tables[1:]:
            name, closed, body = table.partition("]\n")
            row = rows.get(f"[ratings.{name}]")
            if row is None or not closed or row in seen:
                return False  # not on the roster, not a header bcr writes, or a table twice
            seen.add(row)
            body = body.rstrip("\n")
            if not body:
                continue
            codes = list(map(lines.get, body.split("\n")))
            if None in codes or len(set(map(item_of.__getitem__, codes))) != len(codes):
                return False  # a line bcr would not write for a rating, or an item twice
            point.extend(codes)
            person.extend([row] * len(codes))
        if not point:
            return False
        file = len(self._files)
        self._files.append(
            (
                f,
                session.id,
                session.community,
                session.created.date().isoformat(),
                session.instrument.id,
                source,
            )
        )
        profile_cols = tidy.profile_columns(session)
        self._profile.extend(c for c in profile_cols if c not in self._profile)
        for person_ in session.participants:
            self._people.append(
                {
                    "file": file,
                    "participant": person_.id,
                    "participant_name": person_.name,
                    **dict(
                        zip(
                            profile_cols,
                            tidy.profile_values(person_.profile, profile_cols),
                            strict=True,
                        )
                    ),
                }
            )
        self._people.append({"file": file, "participant": GROUP, "participant_name": None})
        self._person.extend(person)
        self._point.extend(point)
        return True

    def _lines_of(self, instrument: Instrument) -> dict[str, int]:
        """Every line bcr writes for a plain rating of this instrument, and that rating's row in
        the table of points (the points noted once per instrument)."""
        known = self._lines.get(id(instrument))
        if known is not None and known[0] is instrument:
            return known[1]
        lines: dict[str, int] = {}
        titles = {d.id: d.title for d in instrument.domains}
        for item in instrument.items:
            if item.kind != "rating" or item.scale is None or instrument.is_profile(item.id):
                continue  # an answer to it is not a plain rating: its lines are not known here
            head = (item.domain_id, titles.get(item.domain_id, ""), item.id, tidy.item_text(item))
            self._items += 1
            for key, label, score in [
                *((p.key, p.label, p.score) for p in item.scale.points),
                (ABSTAIN, tidy.ABSTAIN_LABEL, None),
            ]:
                if not key.isprintable():
                    continue  # a clean answer is never this: such a session goes to tidy.table
                lines[answer_line(item.id, key)] = len(self._points)
                self._points.append((*head, key, label, score))
                self._item_of.append(self._items)
        self._lines[id(instrument)] = (instrument, lines)
        return lines

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        """The batch in polars (in the parent): its rows (person, point: the rows of `people`
        and `points`), and the tables of files, people and points."""
        import polars as pl

        from bcr_tui.outputs.export import polars_type

        i32, s = pl.Int32, pl.String
        files = pl.DataFrame(
            self._files,
            orient="row",
            schema={
                "f": i32,
                "session": s,
                "community": s,
                "date": s,
                "instrument": s,
                tidy.SOURCE: s,
            },
        ).with_columns(pl.col("date").str.to_date("%Y-%m-%d"))
        points = pl.DataFrame(
            self._points,
            orient="row",
            schema={
                "domain": s,
                "domain_title": s,
                "item": s,
                "item_text": s,
                "answer": s,
                "answer_label": s,
                "score": pl.Float64,
            },
        )
        columns = ("file", "participant", "participant_name", *self._profile)
        people = pl.DataFrame(
            {c: [p.get(c) for p in self._people] for c in columns},
            schema={
                "file": i32,
                "participant": s,
                "participant_name": s,
                **{c: polars_type(c) for c in self._profile},
            },
        )
        rows = pl.DataFrame(
            [pl.Series("person", self._person, i32), pl.Series("point", self._point, i32)]
        )
        return rows, files, people, points


def table(batches: list[Batch], people_hook: Any = None) -> pl.DataFrame:
    """The rows of every batch's sessions, in file order, as `tidy.table` gives them: its columns
    (profile columns: the union) and `f`, the number of each row's file. `people_hook`, if given,
    changes the table of people (a few rows a session) before it is spread over the rows."""
    import polars as pl

    rows, files, people, points = [], [], [], []
    offset = [0, 0, 0]  # files, people, points so far
    for batch in batches:
        at, file, who, point = batch.frames()
        rows.append(at.with_columns(pl.col("person") + offset[1], pl.col("point") + offset[2]))
        people.append(who.with_columns(pl.col("file") + offset[0]))
        files.append(file)
        points.append(point)
        offset = [offset[0] + file.height, offset[1] + who.height, offset[2] + point.height]

    def one(frames: list[pl.DataFrame]) -> pl.DataFrame:
        # In one piece of memory: gathering from a frame of forty chunks is ten times slower.
        return pl.concat(frames, how="diagonal").rechunk() if len(frames) > 1 else frames[0]

    at = one(rows)
    # People are numbered in roster order (the group last), points in item order, and both in
    # file order: sorted by the two numbers, the rows are in tidy.table's order. bcr writes
    # them so; a hand-edited file may not be.
    order = at.select(pl.col("person").cast(pl.Int64) * (1 << 31) + pl.col("point")).to_series()
    if not order.is_sorted():
        at = at.sort("person", "point")
    people_all = one(people)
    if people_hook is not None:
        people_all = people_hook(people_all)
    who = people_all[at["person"]]
    return pl.concat(
        [one(files)[who["file"]], who.drop("file"), one(points)[at["point"]]], how="horizontal"
    ).with_columns(pl.lit(1, pl.Int64).alias("count"))
