"""Session files on disk: load, durable save, the lock that stops a second writer, and listing.

`SessionStore` is what the app and the commands hold while a session is open. `save()` returns
only once the new file is on disk (atomic replace, fsync'd); a failure raises `SaveError` and the
file on disk is left as it was. A session file changed by another program since the last save is
never silently overwritten.

A session reached through a symbolic link is locked and written at its real path (the link stays a
link: the new file replaces the target, in the target's folder), so the same session opened
through a link and through its real path has one writer.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import socket
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bcr_tui.errors import BcrError, SaveError, SessionFileError, SessionLockedError
from bcr_tui.plaintext import label
from bcr_tui.session.state import Session
from bcr_tui.storage.fastread import PendingLog, read_log, read_session_head, read_session_text
from bcr_tui.storage.render import Renderer
from bcr_tui.tomlio import commit_durably, make_folder, prepare_durably, read_bytes

DEFAULT_DIR = Path("sessions")
STALE_UNREADABLE_LOCK_S = 10.0


def load_session(path: Path | str) -> Session:
    """Read and validate a session file; raises SessionFileError with one sentence.

    Files in the shape bcr writes are read by the shortcuts of `fastread` (a big session opens
    several times faster); anything else is parsed in full.
    """
    return read_session_text(Path(path))


@dataclass(frozen=True)
class Fingerprint:
    """What the file looked like after our last save: to notice another program's edits."""

    mtime_ns: int
    size: int

    @classmethod
    def of(cls, path: Path) -> Fingerprint | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return cls(st.st_mtime_ns, st.st_size)


class SessionStore:
    """An open session file: holds its lock, saves durably, notices outside changes."""

    def __init__(self, path: Path, session: Session, *, lock: bool = True) -> None:
        self.path = path
        #: Where the file really is: what is locked, written and watched (`path` may be a link).
        self.real = Path(os.path.realpath(path))
        self.session = session
        self._renderer = Renderer()
        self._lock = SessionLock(self.real) if lock else None
        self._seen = Fingerprint.of(self.real)
        self._pending_log: PendingLog | None = None

    def read_log(self) -> None:
        """Read the change log `open(log_later=True)` left (a no-op once read): its entries go
        before any change made since. Raises SessionFileError if it is damaged, and then stays
        unread, so no save ever writes the file without it."""
        if self._pending_log is None:
            return
        entries, texts = read_log(self._pending_log)
        self._pending_log = None
        self.session.log[:0] = entries
        self._renderer.seed_log(entries, texts)

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        lock: bool = True,
        log_later: bool = False,
    ) -> SessionStore:
        """Load `path` and take its lock (refused with SessionLockedError if held).

        With `log_later` the change log is read by `read_log()` (the meeting calls it after its
        first frame); until then `session.log` holds only changes made since opening, and a save
        or an undo reads it first.
        """
        path = Path(path)
        session, pending = read_session_head(path)
        store = cls(path, session, lock=False)
        store._pending_log = pending
        if not log_later:
            store.read_log()
        if lock:
            store._lock = SessionLock(store.real)
            store._lock.acquire()
            store._remove_stale_temp_files()
        return store

    def _remove_stale_temp_files(self) -> None:
        """Temp files of a save that was killed midway (we hold the lock: none is in use)."""
        for tmp in self.real.parent.glob(f".{self.real.name}.*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()

    @classmethod
    def create(cls, path: Path, session: Session) -> SessionStore:
        """Write a new session file (never over an existing one) and lock it."""
        try:
            make_folder(path.parent)
        except OSError as exc:
            raise SaveError(
                f"cannot create the folder ({exc.strerror or exc})", path.parent
            ) from None
        if os.path.lexists(path):  # a link, even one to nothing, is not followed to make a file
            raise SaveError("already exists; bcr will not overwrite it", path)
        store = cls(path, session, lock=True)
        assert store._lock is not None
        store._lock.acquire()
        try:
            store.save()
        except BaseException:
            store.close()
            raise
        return store

    def changed_outside(self) -> bool:
        """True if another program has changed or removed the file since our last save."""
        return Fingerprint.of(self.real) != self._seen

    def save(self, *, force: bool = False) -> None:
        """Write the session to disk durably; raises SaveError (state stays in memory)."""
        self.write(self.render(force=force))

    def render(self, *, force: bool = False) -> bytes:
        """What `save` writes (the file's UTF-8 bytes), after its checks (the first half of
        `save`: phone votes render on the event loop and write in a worker thread); raises
        SaveError."""
        now = Fingerprint.of(self.real)
        # A file that is gone is written again (nothing is overwritten); one that another
        # program changed is not, until the facilitator says so (force).
        if not force and self._seen is not None and now is not None and now != self._seen:
            raise SaveError(
                "was changed by another program since bcr last saved it; "
                "bcr has not overwritten it",
                self.path,
                conflict=True,
            )
        try:
            self.read_log()
        except SessionFileError as exc:
            raise SaveError(f"cannot be saved: it {exc.message}", self.path) from None
        return self._renderer.render_bytes(self.session)

    def warm(self, raters: Iterable[str] | None = None) -> None:
        """Render ahead what has changed since the last save (of `raters` only, if given), for
        the next `render` (a no-op while the change log is still unread)."""
        if self._pending_log is None:
            self._renderer.warm(self.session, raters)

    def write(self, data: bytes) -> None:
        """Write what `render` made durably (the second half of `save`); raises SaveError."""
        self.commit(self.prepare(data))

    def prepare(self, data: bytes) -> Path:
        """`data` written and synced beside the file, not yet in its place (the slow part of
        `write`, which two writers may do at once); raises SaveError."""
        try:
            return prepare_durably(self.real, data)
        except OSError as exc:
            raise SaveError(_disk_sentence(exc), self.path) from None

    def commit(self, prepared: Path) -> None:
        """Put a prepared text in the file's place, durably; raises SaveError."""
        try:
            commit_durably(prepared, self.real)
        except OSError as exc:
            raise SaveError(_disk_sentence(exc), self.path) from None
        self._seen = Fingerprint.of(self.real)

    def close(self) -> None:
        """Release the lock (the file is already saved)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _disk_sentence(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "could not be saved: the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "could not be saved: the folder is read-only or not yours"
    return f"could not be saved ({exc.strerror or exc})"


# --------------------------------------------------------------------------- the lock


class SessionLock:
    """`.NAME.lock` beside the session: pid, host, user and time of the bcr writing it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(f".{path.name}.lock")
        self.held = False

    def acquire(self) -> None:
        """Take the lock; a stale lock (its process is gone) is taken over."""
        for _ in range(3):
            try:
                fd = os.open(self.lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                holder = self._holder()
                if holder is not None:
                    raise SessionLockedError(
                        f"is open in another bcr ({holder}); close it there first, or open it "
                        f"read-only with `bcr view`",
                        self.path,
                    ) from None
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.lock_path)
                continue
            except OSError as exc:
                raise SaveError(f"cannot be locked ({exc.strerror or exc})", self.path) from None
            with os.fdopen(fd, "w") as handle:
                handle.write(
                    f'pid = {os.getpid()}\nhost = "{_host()}"\nuser = "{_user()}"\n'
                    f'since = "{datetime.now().astimezone():%Y-%m-%d %H:%M}"\n'
                )
            self.held = True
            return
        raise SessionLockedError("is being opened by another bcr at this moment", self.path)

    def _holder(self) -> str | None:
        """Who holds the lock, or None if it is stale. A lock that is not a regular file (a pipe
        or a device planted in a shared folder) is never read: it is refused, with what to do."""
        try:
            st = os.lstat(self.lock_path)
        except FileNotFoundError:
            return None
        except OSError:
            return "someone else"
        if not stat.S_ISREG(st.st_mode):
            raise SessionLockedError(
                f"cannot be opened: its lock file {label(str(self.lock_path))} is not a regular "
                "file (bcr never makes one like it); if no bcr has this session open, remove it",
                self.path,
            )
        try:
            text = read_bytes(self.lock_path, SessionLockedError, 4096).decode("utf-8", "replace")
        except SessionLockedError:
            return "someone else"
        age = time.time() - st.st_mtime
        fields = dict(re.findall(r'^(\w+) = "?([^"\n]*)"?$', text, re.M))
        pid = int(fields["pid"]) if fields.get("pid", "").isdigit() else None
        if pid is None:
            return None if age > STALE_UNREADABLE_LOCK_S else "another bcr starting up"
        host = fields.get("host", "?")
        if host == _host() and not _alive(pid):
            return None
        held = (
            f"{fields.get('user', '?')} on {host}, process {pid}, since {fields.get('since', '?')}"
        )
        if host != _host():  # bcr cannot tell whether a process on another computer still runs
            held += (
                f"; if bcr is no longer running on {host}, delete "
                f"{label(str(self.lock_path))} to take the session over"
            )
        return held

    def is_held(self) -> bool:
        """True while a bcr holds this lock (or one on another computer may: bcr cannot tell);
        False when there is no lock or its process is gone (e.g. killed)."""
        try:
            return self._holder() is not None
        except SessionLockedError:  # not a regular file: not a lock bcr made
            return False

    def release(self) -> None:
        """Remove the lock file if it is ours."""
        if self.held:
            with contextlib.suppress(OSError):
                os.unlink(self.lock_path)
            self.held = False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _host() -> str:
    return socket.gethostname().replace('"', "")


def _user() -> str:
    try:
        return getpass.getuser().replace('"', "")
    except Exception:  # noqa: BLE001 - no user name is not an error worth a traceback
        return "unknown"


# --------------------------------------------------------------------------- folders


def new_path(folder: Path, title: str, when: datetime) -> Path:
    """A fresh file name in `folder` from the date and title: `2026-11-23-fall-check-in.toml`."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48].strip("-") or "session"
    stem = f"{when:%Y-%m-%d}-{slug}"
    path = folder / f"{stem}.toml"
    n = 2
    while os.path.lexists(path):  # a dangling link is taken too: never written through
        path = folder / f"{stem}-{n}.toml"
        n += 1
    return path


@dataclass(frozen=True)
class Listing:
    """One row of `bcr list`: a session's headline figures, or why the file could not be read."""

    path: Path
    title: str = ""
    community: str = ""
    instrument: str = ""
    created: datetime | None = None
    answered: int = 0
    expected: int = 0
    problem: str | None = None

    @property
    def file(self) -> str:
        """The file's name as a screen may show it (a name can hold an escape sequence)."""
        return label(self.path.name)


def list_sessions(folder: Path) -> list[Listing]:
    """Every `*.toml` in `folder`, newest first; unreadable files are listed with the reason.

    Only each file's head is read (`read_session_head`): a row's figures come from the answers,
    and the change log, most of a long session's file, is left undecoded (a damaged log shows
    when the session is opened)."""
    rows = []
    for path in sorted(folder.glob("*.toml")):
        try:
            s, _ = read_session_head(path)
        except BcrError as exc:
            rows.append(Listing(path, problem=exc.message))
            continue
        rows.append(
            Listing(
                path,
                s.title,
                s.community,
                s.instrument.short_title or s.instrument.title,
                s.created,
                s.answered_count(),
                s.expected(),
            )
        )
    return sorted(
        rows,
        key=lambda r: (
            r.created is None,
            -(r.created.timestamp()) if r.created else 0,
            r.path.name,
        ),
    )
