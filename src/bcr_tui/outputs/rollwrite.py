"""`bcr rollup DIR --out FILE`: the table written as it is read, so memory stays flat however many
sessions a state has.

Sessions are read in batches (`rollup.batches`); each batch's rows are written at once to a part
file (Parquet, in a hidden folder beside the output) and let go. At the end the parts are joined
into the one output file by polars' streaming engine (`sink_parquet`: row group after row group;
CSV: one batch's rows appended after the other, through `DataFrame.write_csv` like every other
CSV bcr writes), the summary is computed from the parts the same way, and the hidden folder is
removed. The parts may differ in their profile columns (sessions of different instruments): the
output has their union, first seen first, null where a session has no such column.

A session held by two files is known only once both are read: the copies not counted
(`rollfiles.copies`) are left out when the parts are joined. Excel holds at most a million rows
(`export.XLSX_MAX_ROWS`): a bigger roll-up to .xlsx is refused before anything is collected.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bcr_tui.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from bcr_tui.outputs.rollfiles import Found


@dataclass
class Outcome:
    """What a roll-up read: sessions, rows written, files skipped (path, problem)."""

    read: int = 0
    rows: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def write_file(out: Path, found: list[Found], root: Path, *, anonymize: bool = False) -> Outcome:
    """Read `found` in batches and write the table and its summary to `out` (nothing is written
    when no session could be read); `anonymize`: each batch as `export.anonymize_frame` gives it."""
    from bcr_tui.outputs.rollup import batches, read_stream

    outcome = Outcome()
    parts_dir = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".parts", dir=out.parent))
    try:
        parts: list[Path] = []
        schema: dict[str, Any] = {}
        ids: dict[str, str] = {}
        for result in batches(read_stream([f.path for f in found], root)):
            outcome.read += result.read
            outcome.skipped += result.skipped
            ids.update(pair for chunk in result.chunks for pair in chunk.ids)
            table = result.table()
            if anonymize:
                from bcr_tui.outputs.export import anonymize_frame

                table = anonymize_frame(table)
            if not table.height:
                continue
            for column, dtype in table.schema.items():
                schema.setdefault(column, dtype)
            parts.append(parts_dir / f"part-{len(parts):05d}.parquet")
            table.write_parquet(parts[-1], compression="snappy")
        drop = left_out(ids, found, outcome)
        if outcome.read:
            outcome.rows = _write(out, parts, schema, drop)
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    return outcome


def left_out(ids: dict[str, str], found: list[Found], outcome: Outcome) -> list[str]:
    """Name each skipped file and each session's copies on stderr; the sources not counted."""
    from bcr_tui.outputs.rollfiles import copies, copies_message
    from bcr_tui.outputs.rollup import note

    if not outcome.read:
        return []  # nothing to write: the caller says so in one sentence
    for path, problem in outcome.skipped:
        note(f"skipped {path}: {problem}")
    drop: list[str] = []
    for kept, others in copies(ids, {f.source: f for f in found if f.source in ids}).items():
        note(copies_message(kept, others, ids[kept]))
        drop += others
    outcome.read -= len(drop)
    return drop


def _write(out: Path, parts: list[Path], schema: dict[str, Any], drop: list[str]) -> int:
    """Join the parts into `out` (and its summary); returns the rows written."""
    import polars as pl

    from bcr_tui.analysis import tidy
    from bcr_tui.outputs.export import XLSX_MAX_ROWS, frame, write_xlsx
    from bcr_tui.outputs.outfile import check_out, csv_safe, write_private
    from bcr_tui.outputs.rollup import SUMMARY_COLUMNS, summarize, summary_path

    keep = ~pl.col(tidy.SOURCE).is_in(drop) if drop else pl.lit(True)
    if parts:
        lazy = pl.scan_parquet(parts, schema=schema, missing_columns="insert").filter(keep)
    else:
        lazy = frame([], [*tidy.COLUMNS, tidy.SOURCE]).lazy()
        schema = dict(lazy.collect_schema())
    rows = lazy.select(pl.len()).collect().item()
    ext = out.suffix.lower()
    if ext == ".xlsx":
        if rows >= XLSX_MAX_ROWS:
            raise UsageError(
                f"{rows} rows do not fit in an Excel sheet (at most "
                f"{XLSX_MAX_ROWS - 1}); write .parquet or .csv, or a folder, instead"
            )
        table = lazy.collect()
        summary = [list(r) for r in summarize(table).iter_rows()]
        write_private(
            out, lambda tmp: write_xlsx(tmp, table, [("summary", SUMMARY_COLUMNS, summary)])
        )
        return rows
    side = summary_path(out)
    check_out(side)
    summary = summarize(lazy)
    if ext == ".csv":
        write_private(out, lambda tmp: _append_csv(tmp, parts, schema, keep))
        write_private(side, lambda tmp: csv_safe(summary).write_csv(tmp))
    else:
        write_private(out, lambda tmp: lazy.sink_parquet(tmp))
        write_private(side, lambda tmp: summary.write_parquet(tmp))
    return rows


def _append_csv(path: Path, parts: list[Path], schema: dict[str, Any], keep: pl.Expr) -> None:
    """One part after the other, appended to a CSV file (the header once; text cells escaped
    against spreadsheet formulas, `outfile.csv_safe`)."""
    import polars as pl

    from bcr_tui.outputs.outfile import csv_safe

    with open(path, "wb") as handle:
        if not parts:
            pl.DataFrame(schema=schema).write_csv(handle)  # the header alone
        for n, part in enumerate(parts):
            table = pl.read_parquet(part)
            table = table.select(
                pl.col(c) if c in table.columns else pl.lit(None, dtype).alias(c)
                for c, dtype in schema.items()
            ).filter(keep)
            csv_safe(table).write_csv(handle, include_header=n == 0)
