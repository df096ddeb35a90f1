"""Every file bcr writes for people to read (export, report, MOU, roll-up) passes through here:
one set of checks on `--out`, one private, atomic, durable write, and one rule for text that a
spreadsheet would run as a formula.

- `check_out`: the extension says the format written (`r.pdf` for a report is refused, not
  written as HTML), the file is not a session file (however it is spelled: through a symlink,
  `..`, a hard link, or a session with another extension, open in a meeting or not), and the folder
  exists and can be written. Each refusal is one sentence (UsageError, exit 2), before anything is
  written.
- `write_private`: a temporary file beside `out` (mode 0600: outputs hold people's answers), synced
  to the disk, then moved over `out`, and the folder synced: a crash leaves the old file or the
  whole new one, never half.
- `csv_safe` (frames) and `csv_cell` (one value): OWASP's advice against CSV injection, a leading
  `'` on text that begins with = + - @ TAB or CR. `XLSX_OPTIONS`: text is written as text.

Standard library only at import; polars and xlsxwriter are imported where they are used.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bcr_tui.errors import SaveError, UsageError
from bcr_tui.tomlio import fsync_file, fsync_folder

FILE_MODE = 0o600
#: The extensions each format may be written to.
EXTENSIONS = {
    "csv": (".csv",),
    "parquet": (".parquet",),
    "json": (".json",),
    "xlsx": (".xlsx",),
    "md": (".md", ".markdown"),
    "html": (".html", ".htm"),
}
#: What every bcr session file says near its top (storage/render.py writes it).
SESSION_MARK = b'format = "bcr-session/'
#: A text cell beginning with one of these is a formula to Excel, LibreOffice or Sheets (OWASP).
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: xlsxwriter Workbook options: strings are written as strings, never as formulas, links or
#: numbers (polars sets only the first, and only for workbooks it makes itself).
XLSX_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
}


def format_for(out: Path, allowed: Iterable[str]) -> str | None:
    """The format among `allowed` whose extension `out` has, or None."""
    suffix = out.suffix.lower()
    return next((f for f in allowed if suffix in EXTENSIONS[f]), None)


def check_out(out: Path, fmt: str | None = None, *, sessions: Iterable[Path] = ()) -> None:
    """Raise UsageError (one sentence) unless `out` can take a `fmt` file (None: the caller
    has checked the extension); `sessions` are the files being read (never written over, whatever
    the name)."""
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give --out a file name")
    endings = EXTENSIONS[fmt] if fmt else ()
    if endings and out.suffix.lower() not in endings:
        kind = {"md": "Markdown", "parquet": "Parquet"}.get(fmt or "", (fmt or "").upper())
        raise UsageError(
            f"{out.name} does not end in {' or '.join(endings)}, but a {kind} file "
            f"is what is written; give --out a name ending in {endings[0]}"
        )
    if _is_session(out, sessions):
        raise UsageError(
            f"{out} is a bcr session file; choose another --out so the session is not written over"
        )
    folder = out.parent
    if not folder.exists():
        blocker = next((p for p in folder.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise UsageError(
                f"cannot write to the folder {folder}: {blocker} is a file, not a folder"
            )
        raise UsageError(f"there is no folder {folder} to write {out.name} into; create it first")
    if not folder.is_dir():
        raise UsageError(f"cannot write to the folder {folder}: it is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to the folder {folder}: it is read-only or not yours")


def _is_session(out: Path, sessions: Iterable[Path]) -> bool:
    """Whether writing `out` would replace a session file: one being read, one whose real path
    ends in .toml or has a lock beside it, or any regular file that says it is a session."""
    real = out.resolve()
    if real.suffix.lower() == ".toml" or real.with_name(f".{real.name}.lock").exists():
        return True
    try:
        info = os.stat(out)
    except OSError:
        return False
    for path in sessions:
        with contextlib.suppress(OSError):
            there = os.stat(path)
            if (there.st_dev, there.st_ino) == (info.st_dev, info.st_ino):
                return True
    if not stat.S_ISREG(info.st_mode):
        return False
    try:  # never blocks: a regular file, opened without waiting
        fd = os.open(out, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        head = os.read(fd, 4096)
    except OSError:
        return False
    finally:
        os.close(fd)
    return SESSION_MARK in head


def write_private(out: Path, write: Callable[[Path], None] | str) -> None:
    """Write `out` atomically, durably and privately (0600): `write(tmp)` fills a temporary file
    beside it (or `write` is the text itself), which is synced and moved into place, then the
    folder is synced. A folder that cannot be written to is a UsageError naming it; any other
    failure is a SaveError. On failure the temporary file is removed and `out` is as it was."""
    out = Path(out)
    if isinstance(write, str):
        text = write

        def write(tmp: Path) -> None:
            tmp.write_text(text, encoding="utf-8")

    folder = out.parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=f".tmp{out.suffix}", dir=folder)
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
        return UsageError(
            f"cannot write to the folder {folder}: it is read-only, missing or not yours"
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return SaveError(f"could not write {out or folder}: the disk is full")
    return SaveError(f"could not write {out or folder} ({exc.strerror or exc})")


# --------------------------------------------------------------------------- spreadsheets


def csv_cell(value: Any) -> Any:
    """One value as a CSV cell may hold it: text beginning with = + - @ TAB or CR gets a leading
    `'` (OWASP, CSV injection), so a spreadsheet shows it instead of running it. Anything else
    is returned as it is."""
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS):
        return "'" + value
    return value


def csv_safe(frame: Any) -> Any:
    """A polars DataFrame or LazyFrame with `csv_cell`'s rule applied to every text column (what
    `bcr export` and `bcr rollup` write as CSV; streaming works on the LazyFrame)."""
    import polars as pl

    schema = frame.collect_schema() if hasattr(frame, "collect_schema") else frame.schema
    text = [name for name, dtype in schema.items() if dtype == pl.String]
    if not text:
        return frame
    pattern = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in CSV_TRIGGERS) + "]"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(pattern))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def xlsx_workbook(path: Path) -> Any:
    """A new xlsxwriter Workbook at `path` that writes text as text (`XLSX_OPTIONS`)."""
    import xlsxwriter

    return xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
