"""`bcr export`: sessions as one tidy table (one row per answer) in CSV, Parquet, JSON or Excel.

The rows come from `bcr_tui.analysis.tidy`; this module types them (date as a date, score Float64,
count Int64, the rest text), writes the file and, for Excel, adds a per-domain summary sheet for
each session. Files are written to a temporary file in the output folder and moved into place, so a
failed export never leaves half a file, and they are readable by their owner only (mode 0600):
exports hold people's answers. polars and xlsxwriter are imported only when an export runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bcr_tui.analysis import tidy
from bcr_tui.errors import UsageError
from bcr_tui.outputs.colour_scale import CIVIDIS
from bcr_tui.outputs.outfile import FILE_MODE, check_out, csv_safe, write_private, xlsx_workbook

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from bcr_tui.session.state import Session

FORMATS = ("csv", "parquet", "json", "xlsx")
#: The one private, atomic, durable writer (`outfile.write_private`), by its old name here.
write_atomically = write_private
__all__ = ["FILE_MODE", "check_out", "write_atomically"]
#: Excel's limit, header row included.
XLSX_MAX_ROWS = 1_048_576
SHEET_NAME_MAX = 31
#: Summary columns coloured on the cividis scale (values in [0, 1]); "mean_score": bcr rollup.
COLOURED = ("mean score", "strength share", "priority share", "mean_score")
#: Below this value the cividis colour is dark: white text reads better there (palette.ink).
DARK_BELOW = 0.5


def run_export(sessions: Sequence[Path], fmt: str, out: Path, *, anonymize: bool) -> int:
    """Load `sessions`, write their tidy table to `out` in `fmt`; prints one line, returns 0."""
    rows, count = export_files(sessions, fmt, out, anonymize=anonymize)
    print(f"Wrote {rows} rows from {count} session(s) to {out}")
    return 0


def export_files(
    sessions: Sequence[Path], fmt: str, out: Path, *, anonymize: bool
) -> tuple[int, int]:
    """Write the tidy table of the session files to `out`; returns (rows, sessions)."""
    from bcr_tui.storage.store import load_session

    if fmt not in FORMATS:
        raise UsageError(f"the format must be one of {', '.join(FORMATS)}")
    out = Path(out)
    check_out(out, fmt, sessions=sessions)
    loaded = [load_session(path) for path in sessions]
    df = frame_from_columns(merge([tidy.table(s, anonymize=anonymize) for s in loaded]))
    write_frame(out, fmt, df, lambda: _summary_sheets(loaded))
    return df.height, len(loaded)


def write_frame(
    out: Path, fmt: str, df: pl.DataFrame, sheets: Callable[[], Sequence[Sheet]] = list
) -> None:
    """Write a tidy frame to `out` (private, atomic): CSV with `outfile.csv_safe`'s rule, Parquet
    and JSON with the exact text, Excel with text as text and `sheets()` after the data."""
    if fmt == "csv":
        write_private(out, lambda tmp: csv_safe(df).write_csv(tmp))
    elif fmt == "parquet":
        write_private(out, lambda tmp: df.write_parquet(tmp))
    elif fmt == "json":
        write_private(out, lambda tmp: df.write_json(tmp))
    else:
        extra = sheets()
        write_private(out, lambda tmp: write_xlsx(tmp, df, extra))


# --------------------------------------------------------------------------- the table


def polars_type(column: str) -> Any:
    """The polars dtype of a tidy column."""
    import polars as pl

    return {"date": pl.Date, "float": pl.Float64, "int": pl.Int64}.get(
        tidy.column_type(column), pl.String
    )


def frame(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> pl.DataFrame:
    """The typed DataFrame of tidy rows (a column a row lacks is null there)."""
    rows = list(rows)
    return frame_from_columns({c: [r.get(c) for r in rows] for c in columns})


def merge(tables: Sequence[dict[str, list[Any]]]) -> dict[str, list[Any]]:
    """Tables by column (`tidy.table`) one after the other; a column a table lacks is null there.
    Columns keep their first-seen order."""
    if len(tables) == 1:
        return tables[0]
    out: dict[str, list[Any]] = {}
    height = 0
    for data in tables:
        n = len(next(iter(data.values()), []))
        for col in data:
            if col not in out:
                out[col] = [None] * height
        for col, values in out.items():
            values.extend(data[col] if col in data else [None] * n)
        height += n
    return out


def frame_from_columns(data: dict[str, list[Any]]) -> pl.DataFrame:
    """The typed DataFrame of tidy columns (dates as ISO strings)."""
    import polars as pl

    schema = {c: (pl.String if polars_type(c) == pl.Date else polars_type(c)) for c in data}
    df = pl.DataFrame(data, schema=schema)
    dates = [c for c in data if polars_type(c) == pl.Date]
    return df.with_columns(pl.col(c).str.to_date("%Y-%m-%d") for c in dates) if dates else df


def anonymize_frame(df: pl.DataFrame) -> pl.DataFrame:
    """A tidy frame as `tidy.table(..., anonymize=True)` gives it: no names, no free text (rows
    without an answer label: text and table answers) and no `<id>_other` profile columns. For
    tables built without `anonymize` (the roll-up's); `bcr export` anonymizes as it builds."""
    import polars as pl

    if df.is_empty() and "participant_name" not in df.columns:
        return df
    other = [c for c in df.columns if c.endswith("_other")]
    return (
        df.filter(pl.col("answer_label") != "")
        .with_columns(pl.lit(None, pl.String).alias("participant_name"))
        .drop(other)
    )


# --------------------------------------------------------------------------- Excel

SUMMARY_HEADER = (
    "domain",
    "answers",
    "abstentions",
    "mean score",
    "strength share",
    "priority share",
    "consensus",
)
#: Summary columns shown as percentages in Excel, as the report shows them.
PERCENT = COLOURED
#: Excel's reserved sheet name, and the characters a sheet name cannot hold.
RESERVED_SHEET = "history"
SHEET_FORBIDDEN = "[]:*?/\\"
Sheet = tuple[str, Sequence[str], Sequence[Sequence[Any]]]


def _summary_sheets(sessions: Sequence[Session]) -> list[Sheet]:
    """(sheet name, header, rows): the per-domain summary of each session, named "summary" for
    one session, else after each session's title (`sheet_name`). A domain with no answers has
    empty figures, not a consensus of 1 or shares of 0."""
    from bcr_tui.analysis.figures import summarize

    out: list[Sheet] = []
    taken = {"data"}
    for session in sessions:
        name = "summary" if len(sessions) == 1 else sheet_name(session.title, taken)
        taken.add(name.lower())
        titles = {d.id: d.title for d in session.instrument.domains}
        # The data sheet holds every answer, so the summary counts blind items not yet revealed.
        summary = summarize(session, include_hidden=True)
        rows = [
            [
                titles.get(d.domain_id, d.domain_id),
                d.n,
                d.abstain,
                *((d.mean, d.strength, d.priority, d.consensus) if d.n else (None,) * 4),
            ]
            for d in summary.domains
        ]
        out.append((name, SUMMARY_HEADER, rows))
    return out


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel-safe sheet name from a session title: no `[]:*?/\\` or control characters, no
    apostrophe at either end, at most 31 characters, not "History", and unlike every name in
    `taken` (lower case; Excel compares names without case): "Title (2)" when it is."""
    from bcr_tui.plaintext import one_line

    base = one_line("".join(" " if c in SHEET_FORBIDDEN else c for c in title))
    base = " ".join(base.split()).strip("'").strip() or "session"
    if base.lower() == RESERVED_SHEET:
        base += " (session)"
    name, n = base[:SHEET_NAME_MAX].strip(), 1
    while name.lower() in taken:
        n += 1
        tail = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(tail)].strip() + tail
    return name


def write_xlsx(path: Path, data: pl.DataFrame, sheets: Sequence[Sheet]) -> None:
    """An Excel workbook: sheet "data" with the table, then each (name, header, rows) sheet.
    Text stays text (`outfile.XLSX_OPTIONS`: never a formula or a link); answers that are numbers
    on a numbered scale ("1"…"5", the answer and its label alike) are stored as numbers."""
    if data.height >= XLSX_MAX_ROWS:
        raise UsageError(
            f"{data.height} rows do not fit in an Excel sheet (at most "
            f"{XLSX_MAX_ROWS - 1}); write .parquet or .csv instead"
        )
    workbook = xlsx_workbook(path)
    try:
        data.write_excel(
            workbook=workbook,
            worksheet="data",
            autofit=data.height <= 5000,
            freeze_panes="A2",
            float_precision=3,
        )
        _numbers_as_numbers(workbook.get_worksheet_by_name("data"), data)
        for name, header, rows in sheets:
            write_sheet(workbook, name, header, rows)
    finally:
        workbook.close()


def _numbers_as_numbers(sheet: Any, data: pl.DataFrame) -> None:
    """Rewrite the answer cells of numbered scales ("3", labelled "3") as numbers: Excel flags
    numbers stored as text, and cannot sum or sort them."""
    import polars as pl

    if "answer" not in data.columns or "answer_label" not in data.columns:
        return
    cols = (data.columns.index("answer"), data.columns.index("answer_label"))
    rows = (
        data.with_row_index("_row")
        .filter(
            (pl.col("answer") == pl.col("answer_label"))
            & pl.col("answer").str.contains(r"^[0-9]{1,9}$")
        )
        .select("_row", "answer")
    )
    for row, answer in rows.iter_rows():
        for col in cols:
            sheet.write_number(row + 1, col, int(answer))


def write_sheet(
    workbook: Any, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """A plain sheet with `header` and `rows`; columns named in `COLOURED` get the cividis scale
    and a percent format. Text is written as text, numbers as numbers, None as an empty cell."""
    sheet = workbook.add_worksheet(name[:SHEET_NAME_MAX])
    bold = workbook.add_format({"bold": True})
    share = workbook.add_format({"num_format": "0.00"})
    percent = workbook.add_format({"num_format": "0%"})
    white = workbook.add_format({"font_color": "#FFFFFF"})
    for c, title in enumerate(header):
        sheet.write_string(0, c, str(title), bold)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                sheet.write_string(r, c, str(value))
            elif isinstance(value, float):
                sheet.write_number(r, c, value, percent if header[c] in PERCENT else share)
            else:
                sheet.write_number(r, c, value)
    sheet.freeze_panes(1, 0)
    sheet.set_column(
        0, 0, max([len(str(h)) for h in header[:1]] + [len(str(row[0])) for row in rows if row]) + 2
    )
    sheet.set_column(1, len(header) - 1, 14)
    if not rows:
        return
    for c, title in enumerate(header):
        if title not in COLOURED:
            continue
        sheet.conditional_format(
            1,
            c,
            len(rows),
            c,
            {
                "type": "3_color_scale",
                "min_type": "num",
                "min_value": 0,
                "min_color": CIVIDIS[0],
                "mid_type": "num",
                "mid_value": 0.5,
                "mid_color": CIVIDIS[4],
                "max_type": "num",
                "max_value": 1,
                "max_color": CIVIDIS[-1],
            },
        )
        # The dark half of cividis needs white text (palette.ink); blanks stay as they are.
        sheet.conditional_format(
            1,
            c,
            len(rows),
            c,
            {
                "type": "formula",
                "criteria": f"=AND(ISNUMBER({_cell(1, c)}),{_cell(1, c)}<{DARK_BELOW})",
                "format": white,
            },
        )


def _cell(row: int, col: int) -> str:
    """A relative A1 reference (0-based row and column)."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(row, col)
