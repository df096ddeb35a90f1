"""Reading TOML files safely and writing files durably.

`read_toml` turns every way a file can be unreadable (missing, a folder, no permission, not UTF-8,
broken TOML, absurdly nested) into the caller's error type with one clear sentence.
`write_durably` is how bcr writes a file: temp file in the same folder, flush, fsync, `os.replace`,
fsync the folder — so a crash leaves either the old file or the new one, never half (files that
polars or xlsxwriter write go the same way through `export.write_atomically`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import tomli

from bcr_tui.errors import BcrError

MAX_FILE_BYTES = 64 * 1024 * 1024


def read_toml(path: Path, error: type[BcrError]) -> dict[str, Any]:
    """Parse a TOML file, raising `error(path, …)` with one sentence on any failure."""
    text = read_text(path, error)
    return parse_toml(text, path, error)


def read_text(path: Path, error: type[BcrError]) -> str:
    """Read a UTF-8 text file, raising `error` with one sentence on any failure."""
    return decode(read_bytes(path, error), path, error)


def decode(data: bytes, path: Path, error: type[BcrError]) -> str:
    """`data` (read from `path`) as UTF-8 text, or `error` with one sentence."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error.at(path, "is not a text file (not UTF-8)") from None


def read_bytes(path: Path, error: type[BcrError], limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a file that may be a bcr file, raising `error` with one sentence on any failure.

    Only a regular file is read, and never by a call that can block: a FIFO or a device planted
    in a shared folder under a `.toml` name (or a link to `/dev/zero`) would hang bcr or read
    without end. The file is opened without blocking and checked on the open descriptor (no
    race with a swap), and the size limit counts the bytes actually read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    too_large = f"is larger than {limit // (1024 * 1024)} MiB, too large to be a bcr file"
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error.at(path, "no such file") from None
    except IsADirectoryError:
        raise error.at(path, "is a folder, not a file") from None
    except PermissionError:
        raise error.at(path, "permission denied: bcr may not read this file") from None
    except OSError as exc:
        raise error.at(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise error.at(path, "is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise error.at(
                path, "is not a regular file (a pipe, a device or a socket); bcr reads only files"
            )
        if st.st_size > limit:
            raise error.at(path, too_large)
        chunks, total = [], 0
        while chunk := os.read(fd, max(st.st_size + 1, 65536)):
            total += len(chunk)
            if total > limit:  # the file grew while being read
                raise error.at(path, too_large)
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise error.at(path, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def make_folder(folder: Path) -> None:
    """Create `folder` and any missing parents, each private (0700) whatever the umask: a
    sessions folder holds names and answers. Folders that exist are left as they are."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.is_dir():
            break
        missing.append(parent)
    for new in reversed(missing):
        try:
            new.mkdir(mode=0o700)
        except FileExistsError:
            if not new.is_dir():
                raise
            continue
        os.chmod(new, 0o700)


def parse_toml(text: str, path: Path, error: type[BcrError]) -> dict[str, Any]:
    """Parse TOML text, naming the line of a syntax error."""
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        where = f"line {exc.lineno}" if getattr(exc, "lineno", None) else "somewhere"
        reason = getattr(exc, "msg", str(exc))
        raise error.at(path, f"is not valid TOML ({reason} at {where})") from None
    except RecursionError:
        raise error.at(path, "is nested too deeply to be a bcr file") from None


def write_durably(path: Path, text: str | bytes, *, mode: int = 0o600) -> None:
    """Write `text` to `path` atomically and durably; raises OSError if it did not reach the disk.

    The previous file stays intact until the new one is complete and synced.
    """
    commit_durably(prepare_durably(path, text, mode=mode), path)


def prepare_durably(path: Path, text: str | bytes, *, mode: int = 0o600) -> Path:
    """The first half of `write_durably`: `text` (or bytes, written as they are) written and
    synced to a temporary file beside `path` (returned); nothing at `path` changes. OSError."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        discard(Path(tmp))
        raise
    return Path(tmp)


def commit_durably(tmp: Path, path: Path) -> None:
    """The second half: the synced temporary file `tmp` replaces `path`, durably. OSError."""
    try:
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise
    fsync_folder(path.parent)


def discard(tmp: Path) -> None:
    """Remove a temporary file that will not be committed."""
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def fsync_file(path: Path) -> None:
    """Make what another writer (polars, xlsxwriter) put in `path` durable; OSError if not."""
    fd = os.open(path, os.O_RDWR)  # written to: some systems sync only what is open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (no-op where folders cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- rendering
# Session files are rendered by hand-written code (not tomli_w) so that a save costs one pass over
# what changed: rendering the whole file with tomli_w takes ~100 ms for a large session.

_BARE_KEY = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_key(key: str) -> str:
    """A key, bare where TOML allows it, quoted otherwise."""
    return key if key and set(key) <= _BARE_KEY else toml_string(key)


def toml_string(text: str) -> str:
    """A single-line basic string: every control character escaped, so no line break inside."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'  # the common case: nothing to escape
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """Render a value: strings, booleans, numbers, dates and times, arrays, inline tables."""
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, datetime):
        text = value.isoformat()
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date | time):
        return value.isoformat()  # TOML local date / local time (a session file may hold them)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
