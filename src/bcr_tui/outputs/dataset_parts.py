"""The dataset's part files (`outputs/dataset.py`): rows buffered by partition, each part written
under a hidden temporary name and synced, then renamed into place by `Writer.finish`, and the
parts it replaces deleted. Apart from `dataset`, which decides what to read and keeps the
manifest and the lock: this is the one place that writes Parquet into the folder.

    FOLDER/instrument=pai/year=2026/part-<run>-<n>.parquet

A crash leaves every `.parquet` file whole (a part is either absent or complete); `CRASH_HOOK`
lets the tests kill the process between the steps.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bcr_tui.analysis import tidy
from bcr_tui.errors import SaveError

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

#: The partition keys: the levels of folders under the dataset folder, in order.
KEYS = ("instrument", "year")
#: Rows in a part before it is written; a part under a quarter of this is merged with new rows.
PART_ROWS = 60_000
#: Tests only: kill this process at a point ("written": the first new part synced under its
#: temporary name; "renamed": the first part renamed into place).
CRASH_HOOK = "BCR_TEST_DATASET_CRASH"


class Writer:
    """New parts, written under temporary names until `finish` puts them in place."""

    def __init__(self, folder: Path, parts: dict[str, int], files: dict[str, dict]) -> None:
        self.folder, self.parts, self.files = folder, parts, files
        self.tag = f"{time.time_ns():x}"
        self.buffers: dict[tuple[str, int], list[pl.DataFrame]] = {}
        self.new: dict[str, Path] = {}  #: part name → its temporary file
        self.old: set[str] = set()  #: parts replaced (deleted once the new ones are in place)
        self.written = 0
        self.anonymize = False  #: rows without names or free text (`export.anonymize_frame`)

    def add(self, table: pl.DataFrame) -> None:
        """Take rows (the dataset's columns and keys); write a partition's part when full."""
        if not table.height:
            return
        for key, rows in table.partition_by(*KEYS, as_dict=True, include_key=False).items():
            buffer = self.buffers.setdefault(key, [])
            buffer.append(rows)
            if sum(b.height for b in buffer) >= PART_ROWS:
                self._flush(key)

    def remove(self, sources: set[str]) -> None:
        """Take the rows of `sources` out of the parts (old or new) that hold them."""
        import polars as pl

        touched = {self.files[s]["part"] for s in sources if self.files[s]["part"]}
        for s in sources:
            self.files[s]["part"] = None
        for key, buffer in self.buffers.items():
            self.buffers[key] = [b.filter(~pl.col(tidy.SOURCE).is_in(sources)) for b in buffer]
        for name in sorted(touched - self.old):
            key = part_key(name)
            path = self.new.pop(name, None)
            rows = pl.read_parquet(path or self.folder / name)
            for source in rows[tidy.SOURCE].unique():
                if source in self.files:  # its rows are in the buffers now
                    self.files[source]["part"] = None
            self.parts.pop(name, None)
            if path is None:
                self.old.add(name)
            else:
                path.unlink()
            self.add(
                rows.filter(~pl.col(tidy.SOURCE).is_in(sources)).with_columns(
                    pl.lit(key[0]).alias(KEYS[0]), pl.lit(key[1], pl.Int32).alias(KEYS[1])
                )
            )

    def finish(self) -> None:
        """Write what is buffered (with the partition's small part, if it has one), put every
        new part in place, delete the parts they replace."""
        import polars as pl

        from bcr_tui.tomlio import fsync_folder

        for key in [k for k, b in self.buffers.items() if any(x.height for x in b)]:
            small = [
                p
                for p, n in self.parts.items()
                if part_key(p) == key and p not in self.new and n < PART_ROWS // 4
            ]
            if small:
                name = min(small, key=lambda p: (self.parts[p], p))
                self.buffers[key].append(pl.read_parquet(self.folder / name))
                self.old.add(name)
                del self.parts[name]
            self._flush(key)
        for name, tmp in self.new.items():
            os.replace(tmp, self.folder / name)
            _crash_point("renamed")
        for folder in {(self.folder / n).parent for n in self.new}:
            fsync_folder(folder)
        for name in self.old - set(self.parts):
            with contextlib.suppress(FileNotFoundError):
                (self.folder / name).unlink()
            for empty in ((self.folder / name).parent, (self.folder / name).parent.parent):
                with contextlib.suppress(OSError):
                    empty.rmdir()  # only if empty
        for folder in {(self.folder / n).parent for n in self.old} | {self.folder}:
            fsync_folder(folder)

    def _flush(self, key: tuple[str, int]) -> None:
        import polars as pl

        from bcr_tui.tomlio import fsync_file

        buffer = [b for b in self.buffers.pop(key, []) if b.height]
        if not buffer:
            return
        rows = pl.concat(buffer).sort("community", "date", tidy.SOURCE, maintain_order=True)
        name = f"{KEYS[0]}={key[0]}/{KEYS[1]}={key[1]}/part-{self.tag}-{self.written:04d}.parquet"
        final = self.folder / name
        for level in (self.folder, final.parent.parent, final.parent):
            level.mkdir(mode=0o700, exist_ok=True)  # private, like everything bcr writes
        tmp = final.with_name(f".{final.name}.tmp")
        try:
            rows.write_parquet(tmp, compression="snappy", statistics=True)  # the quickest
            os.chmod(tmp, 0o600)
            fsync_file(tmp)
        except OSError as exc:
            raise SaveError(f"could not write {final} ({exc.strerror or exc})") from None
        self.written += 1
        self.new[name] = tmp
        self.parts[name] = rows.height
        for source in rows[tidy.SOURCE].unique():
            self.files[source]["part"] = name  # every source of a row is in the manifest
        _crash_point("written")


def part_key(name: str) -> tuple[str, int]:
    """The partition (instrument, year) of a part, from its name relative to the folder."""
    instrument, year = name.split("/")[:2]
    return instrument.split("=", 1)[1], int(year.split("=", 1)[1])


def _crash_point(where: str) -> None:
    if os.environ.get(CRASH_HOOK) == where:
        os.kill(os.getpid(), signal.SIGKILL)
