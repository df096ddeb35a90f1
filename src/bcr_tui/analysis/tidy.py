"""A session as a tidy table: one row per answer, the shape `bcr export` and `bcr rollup` write.

Standard library only (no polars): exports build their typed table from these rows, and anything
else (tests, other tools) can use them as plain dicts.

Columns, in order (`COLUMNS`): session, community, date, instrument, participant,
participant_name, domain, domain_title, item, item_text, answer, answer_label, score, count; then
`source` (the file, when given), then one column per profile question of the instrument (and
`<id>_other` for the free text of its "Other" option).

- `participant` is the participant id (p01, p02 … in roster order), "group" for group answers and
  "tally" for counted hands. Tally rows are one per (item, point) with the hands in `count`; every
  other row has count 1.
- `answer` is the point or option key, "abstain", the text of a text item, the keys of a
  multichoice answer joined with ";", or for a table item one row per table row with its cells
  as "column=value; …". `answer_label` is the point's or options' label ("" for text and tables).
- `score` is the point's score, None for abstentions, nominal scales, choices and text.

With `anonymize=True` names are left out (the participant ids are the pseudonyms: stable, and
assigned by roster order), rows with free text (text and table items) are dropped, and so are the
`<id>_other` profile columns. Notes, organizations and action steps are never part of the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bcr_tui.instrument.model import ABSTAIN, Item
from bcr_tui.session.records import GROUP, TALLY
from bcr_tui.session.state import Session

#: The fixed columns, in order; profile columns follow (see `profile_columns`).
COLUMNS = (
    "session",
    "community",
    "date",
    "instrument",
    "participant",
    "participant_name",
    "domain",
    "domain_title",
    "item",
    "item_text",
    "answer",
    "answer_label",
    "score",
    "count",
)
#: The column naming the session file, present when `rows(..., source=…)` is given one.
SOURCE = "source"
#: The type of each fixed column for typed output ("str" for every column not listed here,
#: profile columns included). `date` holds ISO `yyyy-mm-dd` strings in the rows.
SCHEMA = {"date": "date", "score": "float", "count": "int"}
#: Kinds of item whose answers are free text (dropped when anonymizing).
FREE_TEXT = ("text", "table")
ABSTAIN_LABEL = "Abstain"
OTHER_LABEL = "Other"
JOIN = ";"


def column_type(column: str) -> str:
    """ "str", "date", "float" or "int": the type of a column in typed output."""
    return SCHEMA.get(column, "str")


def profile_columns(session: Session, *, anonymize: bool = False) -> list[str]:
    """The profile columns of this session's instrument, in question order."""
    out = []
    for question in session.instrument.profile:
        out.append(question.id)
        if question.other and not anonymize:
            out.append(f"{question.id}_other")
    return out


def columns(session: Session, *, source: str = "", anonymize: bool = False) -> list[str]:
    """Every column `rows` gives for this session, in order."""
    return [*COLUMNS, *([SOURCE] if source else []), *profile_columns(session, anonymize=anonymize)]


def rows(session: Session, *, source: str = "", anonymize: bool = False) -> list[dict[str, Any]]:
    """One row per answer (see the module docstring); participants in roster order, then group
    answers, then tallies; items in instrument order."""
    data = table(session, source=source, anonymize=anonymize)
    names = list(data)
    return [dict(zip(names, values, strict=True)) for values in zip(*data.values(), strict=True)]


def table(session: Session, *, source: str = "", anonymize: bool = False) -> dict[str, list[Any]]:
    """The same rows as `rows`, by column: {column: values} in `columns` order (faster to build
    and what a DataFrame is made from)."""
    instrument = session.instrument
    names = columns(session, source=source, anonymize=anonymize)
    profile_cols = profile_columns(session, anonymize=anonymize)
    out: dict[str, list[Any]] = {c: [] for c in names}
    who_col, name_col, count_col = out["participant"], out["participant_name"], out["count"]
    domain_col, title_col, item_col, text_col = (
        out["domain"],
        out["domain_title"],
        out["item"],
        out["item_text"],
    )
    answer_col, label_col, score_col = out["answer"], out["answer_label"], out["score"]
    profile_lists = [out[c] for c in profile_cols]
    titles = {d.id: d.title for d in instrument.domains}
    # Per item: what its rows share, and (rating items) each point's (answer, label, score).
    prepared = []
    for item in instrument.items:
        if anonymize and item.kind in FREE_TEXT:
            continue
        head = (item.domain_id, titles.get(item.domain_id, ""), item.id, item_text(item))
        points = None
        if item.kind == "rating":
            points = (
                {p.key: [(p.key, p.label, p.score)] for p in item.scale.points}
                if item.scale
                else {}
            )
            points[ABSTAIN] = [(ABSTAIN, ABSTAIN_LABEL, None)]
        prepared.append((item, head, points))

    def add(
        head: tuple[str, str, str, str],
        answers: list[tuple[str, str, float | None]],
        counts: int | None = None,
    ) -> int:
        for answer, label, score in answers:
            domain_col.append(head[0])
            title_col.append(head[1])
            item_col.append(head[2])
            text_col.append(head[3])
            answer_col.append(answer)
            label_col.append(label)
            score_col.append(score)
            if counts is not None:
                count_col.append(counts)
        return len(answers)

    def emit(who: str, name: str | None, profile: list[Any], answers: dict[str, Any]) -> None:
        n = 0
        for item, head, points in prepared:
            value = answers.get(item.id)
            if value is None:
                continue
            found = points.get(value) if points is not None and isinstance(value, str) else None
            if found is None:
                n += add(head, _answers(item, value))
                continue
            # The common case (a point of a rating scale), inline: this loop is a roll-up's cost.
            domain_col.append(head[0])
            title_col.append(head[1])
            item_col.append(head[2])
            text_col.append(head[3])
            answer, label, score = found[0]
            answer_col.append(answer)
            label_col.append(label)
            score_col.append(score)
            n += 1
        who_col.extend([who] * n)
        name_col.extend([name] * n)
        count_col.extend([1] * n)
        for values, value in zip(profile_lists, profile, strict=True):
            values.extend([value] * n)

    for person in session.participants:
        emit(
            person.id,
            None if anonymize else person.name,
            profile_values(person.profile, profile_cols),
            session.answers.get(person.id, {}),
        )
    no_profile = [None] * len(profile_cols)
    if GROUP in session.answers:
        emit(GROUP, None, no_profile, session.answers[GROUP])
    for item, head, points in prepared:
        counts = session.tally.get(item.id)
        if not counts or points is None:
            continue
        keys = list(points)
        n = 0
        for key in sorted(counts, key=lambda k: (keys.index(k) if k in keys else len(keys), k)):
            if counts[key]:
                n += add(head, points.get(key) or [(key, "", None)], counts[key])
        who_col.extend([TALLY] * n)
        name_col.extend([None] * n)
        for values in profile_lists:
            values.extend([None] * n)
    height = len(answer_col)
    out["session"] = [session.id] * height
    out["community"] = [session.community] * height
    out["date"] = [session.created.date().isoformat()] * height
    out["instrument"] = [instrument.id] * height
    if source:
        out[SOURCE] = [source] * height
    return out


def item_text(item: Item) -> str:
    """The item's wording; an item asked from a perspective names it: "… (Where we are now)"."""
    if item.perspective_label:
        return f"{item.text} ({item.perspective_label})"
    return item.text


def _answers(item: Item, value: Any) -> list[tuple[str, str, float | None]]:
    """(answer, label, score) for each row this answer becomes (a table answer: one per row)."""
    if isinstance(value, str) and value == ABSTAIN and item.kind in ("rating", "choice"):
        return [(ABSTAIN, ABSTAIN_LABEL, None)]
    if item.kind == "rating":
        point = item.scale.point(value) if item.scale else None
        return [(value, point.label if point else "", point.score if point else None)]
    if item.kind in ("choice", "multichoice"):
        keys = value if isinstance(value, list) else [value]
        return [(JOIN.join(map(str, keys)), JOIN.join(_option_label(item, k) for k in keys), None)]
    if item.kind == "table":
        return [(_table_row(item, row), "", None) for row in value if isinstance(row, dict)]
    return [(str(value), "", None)]


def _option_label(item: Item, key: str) -> str:
    if key == "other" and item.other:
        return OTHER_LABEL
    return next((o.label for o in item.options if o.key == key), str(key))


def _table_row(item: Item, row: dict[str, Any]) -> str:
    order = [c.key for c in item.columns]
    keys = sorted(row, key=lambda k: (order.index(k) if k in order else len(order), k))
    return "; ".join(f"{k}={row[k]}" for k in keys)


def profile_values(profile: dict[str, Any], cols: Iterable[str]) -> list[Any]:
    """A participant's profile answers, one per profile column (None: not answered)."""
    out: list[Any] = []
    for col in cols:
        key = f"{col.removesuffix('_other')}-other" if col.endswith("_other") else col
        value = profile.get(key)
        if isinstance(value, list):
            value = JOIN.join(map(str, value))
        out.append(value)
    return out
