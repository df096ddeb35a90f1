"""`bcr export`: sessions as one tidy table (one row per answer) in CSV, Parquet, JSON or Excel.

The rows come from `bcr_tui.tidy`; this module types them (date as a date, score Float64, count
Int64, the rest text), writes the file and, for Excel, adds a per-domain summary sheet for each
session. Files are written to a temporary file in the output folder and moved into place, so a
failed export never leaves half a file, and they are readable by their owner only (mode 0600):
exports hold people's answers. polars and xlsxwriter are imported only when an export runs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bcr_tui import tidy
from bcr_tui.errors import SaveError, UsageError
from bcr_tui.palette import CIVIDIS
from bcr_tui.tomlio import fsync_file, fsync_folder

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from bcr_tui.session import Session

FORMATS = ("csv", "parquet", "json", "xlsx")
FILE_MODE = 0o600
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


def export_files(sessions: Sequence[Path], fmt: str, out: Path, *,
                 anonymize: bool) -> tuple[int, int]:
    """Write the tidy table of the session files to `out`; returns (rows, sessions)."""
    from bcr_tui.store import load_session

    if fmt not in FORMATS:
        raise UsageError(f"the format must be one of {', '.join(FORMATS)}")
    out = Path(out)
    check_out(out)
    loaded = [load_session(path) for path in sessions]
    df = frame_from_columns(merge([tidy.table(s, anonymize=anonymize) for s in loaded]))
    if fmt == "csv":
        write_atomically(out, lambda tmp: df.write_csv(tmp))
    elif fmt == "parquet":
        write_atomically(out, lambda tmp: df.write_parquet(tmp))
    elif fmt == "json":
        write_atomically(out, lambda tmp: df.write_json(tmp))
    else:
        sheets = _summary_sheets(loaded)
        write_atomically(out, lambda tmp: write_xlsx(tmp, df, sheets))
    return df.height, len(loaded)


# --------------------------------------------------------------------------- the table


def polars_type(column: str) -> Any:
    """The polars dtype of a tidy column."""
    import polars as pl

    return {"date": pl.Date, "float": pl.Float64, "int": pl.Int64}.get(
        tidy.column_type(column), pl.String)


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


# --------------------------------------------------------------------------- Excel

SUMMARY_HEADER = ("domain", "answers", "abstentions", "mean score", "strength share",
                  "priority share", "consensus")
Sheet = tuple[str, Sequence[str], Sequence[Sequence[Any]]]


def _summary_sheets(sessions: Sequence[Session]) -> list[Sheet]:
    """(sheet name, header, rows): the per-domain summary of each session."""
    from bcr_tui.analysis import summarize

    out = []
    for n, session in enumerate(sessions, 1):
        name = "summary" if len(sessions) == 1 else f"summary-{n}"
        titles = {d.id: d.title for d in session.instrument.domains}
        # The data sheet holds every answer, so the summary counts blind items not yet revealed.
        summary = summarize(session, include_hidden=True)
        rows = [[titles.get(d.domain_id, d.domain_id), d.n, d.abstain, d.mean, d.strength,
                 d.priority, d.consensus] for d in summary.domains]
        out.append((name[:SHEET_NAME_MAX], SUMMARY_HEADER, rows))
    return out


def write_xlsx(path: Path, data: pl.DataFrame, sheets: Sequence[Sheet]) -> None:
    """An Excel workbook: sheet "data" with the table, then each (name, header, rows) sheet."""
    import xlsxwriter

    if data.height >= XLSX_MAX_ROWS:
        raise UsageError(f"{data.height} rows do not fit in an Excel sheet (at most "
                         f"{XLSX_MAX_ROWS - 1}); write .parquet or .csv instead")
    workbook = xlsxwriter.Workbook(str(path))
    try:
        data.write_excel(workbook=workbook, worksheet="data", autofit=data.height <= 5000,
                         freeze_panes="A2", float_precision=3)
        for name, header, rows in sheets:
            write_sheet(workbook, name, header, rows)
    finally:
        workbook.close()


def write_sheet(workbook: Any, name: str, header: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """A plain sheet with `header` and `rows`; columns named in `COLOURED` get the cividis scale."""
    sheet = workbook.add_worksheet(name[:SHEET_NAME_MAX])
    bold = workbook.add_format({"bold": True})
    share = workbook.add_format({"num_format": "0.00"})
    white = workbook.add_format({"font_color": "#FFFFFF"})
    sheet.write_row(0, 0, header, bold)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, float):
                sheet.write_number(r, c, value, share)
            else:
                sheet.write(r, c, value)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, max([len(str(h)) for h in header[:1]]
                               + [len(str(row[0])) for row in rows if row]) + 2)
    sheet.set_column(1, len(header) - 1, 14)
    if not rows:
        return
    for c, title in enumerate(header):
        if title not in COLOURED:
            continue
        sheet.conditional_format(1, c, len(rows), c, {
            "type": "3_color_scale",
            "min_type": "num", "min_value": 0, "min_color": CIVIDIS[0],
            "mid_type": "num", "mid_value": 0.5, "mid_color": CIVIDIS[4],
            "max_type": "num", "max_value": 1, "max_color": CIVIDIS[-1],
        })
        # The dark half of cividis needs white text (palette.ink); blanks stay as they are.
        sheet.conditional_format(1, c, len(rows), c, {
            "type": "formula",
            "criteria": f"=AND(ISNUMBER({_cell(1, c)}),{_cell(1, c)}<{DARK_BELOW})",
            "format": white,
        })


def _cell(row: int, col: int) -> str:
    """A relative A1 reference (0-based row and column)."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(row, col)


# --------------------------------------------------------------------------- files


def check_out(out: Path) -> None:
    """Raise UsageError (one sentence naming the folder) unless `out` can be written."""
    folder = out.parent
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give --out a file name")
    if not folder.exists():
        blocker = next((p for p in folder.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise UsageError(f"cannot write to the folder {folder}: {blocker} is a file, "
                             "not a folder")
        raise UsageError(f"there is no folder {folder} to write {out.name} into; create it "
                         "first")
    if not folder.is_dir():
        raise UsageError(f"cannot write to the folder {folder}: it is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to the folder {folder}: it is read-only or not yours")


def write_atomically(out: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a temporary file beside `out` (mode 0600), then move it into place,
    durably: the file is on the disk before it replaces `out`, and the move is too (as
    `tomlio.write_durably` does for sessions), so a crash leaves the old file or the new one.

    A folder that cannot be written to is a UsageError naming it; any other failure to write is a
    SaveError. On failure the temporary file is removed and `out` is left as it was.
    """

    folder = out.parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=f".tmp{out.suffix}",
                                    dir=folder)
    except OSError as exc:
        raise _folder_error(folder, exc) from None
    tmp = Path(name)
    try:
        os.fchmod(fd, FILE_MODE)
        os.close(fd)
        write(tmp)
        os.chmod(tmp, FILE_MODE)
        fsync_file(tmp)
        os.replace(tmp, out)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _folder_error(folder, exc, out) from None
        raise
    with contextlib.suppress(OSError):
        os.chmod(out, FILE_MODE)
    fsync_folder(folder)


def _folder_error(folder: Path, exc: OSError, out: Path | None = None) -> Exception:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR):
        return UsageError(f"cannot write to the folder {folder}: it is read-only, missing or "
                          "not yours")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return SaveError(f"could not write {out or folder}: the disk is full")
    return SaveError(f"could not write {out or folder} ({exc.strerror or exc})")
