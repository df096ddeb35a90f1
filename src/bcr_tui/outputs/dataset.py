"""`bcr rollup DIR --out FOLDER/`: a state's sessions as a Parquet dataset any engine reads as it
is, kept up to date by reading only the session files that changed.

    FOLDER/instrument=pai/year=2026/part-<run>-<n>.parquet   the rows (one schema in every file)
    FOLDER/summary.csv                                       community × instrument × domain
    FOLDER/bcr-manifest.json                                 what was read, from which file

The rows are the roll-up's table (`tidy`) with `instrument` and `year` in the folder names (hive
partitioning; engines add them as columns) and the profile answers as one JSON text column,
`profile` (its keys in name order, unanswered ones left out): every file then has the same
columns, whichever instruments a state uses, so `read_parquet('FOLDER/**/*.parquet',
hive_partitioning=true)` reads them all without a schema to reconcile. Communities are not a
partition level: a state's few sessions per community and year would make a folder per handful
of rows (engines read many small files slowly) and community names are free text; each part is
sorted by community and date instead, so engines skip row groups by their statistics.

Incremental: the manifest keeps each session file's size and times, its session id and the part
holding its rows. A rerun reads only files added or changed, takes the rows of files changed or
removed out of the parts holding them (each such part is written again without them, under a new
name) and writes the new rows to new parts; a partition's one small part is merged with its new
rows, so parts do not pile up. Copies of one session count once (`rollfiles.copies`).

Durable (`dataset_parts` writes the parts): parts are written under hidden temporary names and
synced, then renamed into place, the parts they replace deleted, the summary and last the
manifest written (atomically). A crash leaves every `.parquet` file whole; the next run deletes
what the manifest does not name, reads again the files of parts that are gone, and so completes
the work. (Between the renames and the deletions, milliseconds, a reader may see a changed
session twice.) One run at a time: a second is refused while the first holds the folder's lock
(`LOCK`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bcr_tui.analysis import tidy
from bcr_tui.errors import UsageError
from bcr_tui.outputs.dataset_parts import KEYS, Writer, part_key

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from bcr_tui.outputs.rollfiles import Found

MANIFEST = "bcr-manifest.json"
#: Held while a run updates the folder (hidden: no engine reads it).
LOCK = ".bcr-rollup.lock"
SUMMARY = "summary.csv"
FORMAT = "bcr-dataset/1"
#: The columns of every part file, in order (the partition keys are in the folder names).
COLUMNS = (*(c for c in tidy.COLUMNS if c != "instrument"), tidy.SOURCE, "profile")


def run_dataset(root: Path, folder: Path, *, anonymize: bool = False) -> int:
    """Bring the dataset in `folder` up to date with the sessions under `root` (one run at a
    time: two coordinators updating one shared folder at once would undo each other).
    `anonymize`: no names, no free text (`export.anonymize_frame`); a folder is built one way or
    the other, and a rerun the other way is refused (it would mix the two)."""
    manifest = _open(folder)
    built = manifest.setdefault("anonymized", anonymize if not manifest["files"] else False)
    if built != anonymize:
        raise UsageError(
            f"{folder} was built {'with' if built else 'without'} --anonymize; "
            f"run again {'with' if built else 'without'} it, or into a new folder"
        )
    lock = _lock(folder)
    try:
        return _update(root, folder, manifest)
    finally:
        os.close(lock)


def _update(root: Path, folder: Path, manifest: dict[str, Any]) -> int:
    from bcr_tui.outputs import rollfiles
    from bcr_tui.outputs.rollup import SKIPPED_EXIT, note
    from bcr_tui.tomlio import fsync_folder

    found, passed = rollfiles.find(root)
    for path, problem in passed:
        note(f"skipped {path}: {problem}")
    current = {f.source: f for f in found}
    files, parts = manifest["files"], manifest["parts"]
    gone_parts = {p for p in parts if not (folder / p).is_file()}
    stale = {
        s
        for s, e in files.items()
        if s not in current or e["stamp"] != current[s].stamp or e["part"] in gone_parts
    }
    added = sum(s not in files for s in current)
    changed = sum(s in current for s in stale)
    for p in gone_parts:
        del parts[p]
    writer = Writer(folder, parts, files)
    writer.anonymize = manifest["anonymized"]
    writer.remove({s for s in stale if files[s]["part"]})
    for s in stale:
        del files[s]
    _read(writer, [current[s] for s in current if s not in files], root, current)
    ids = {s: e["id"] for s, e in files.items() if e["id"] is not None}
    copies = rollfiles.copies(ids, current)
    losers = {s for others in copies.values() for s in others}
    writer.remove(losers)
    for s in losers:
        files[s]["counted"] = False
    _read(
        writer,
        [
            current[s]
            for s, e in files.items()
            if e["id"] is not None and not e["counted"] and s not in losers
        ],
        root,
        current,
    )
    problems = sorted(
        (str(current[s].path), e["problem"]) for s, e in files.items() if e["problem"]
    )
    read = sum(1 for e in files.values() if e["counted"])
    if not read:  # nothing readable (an unmounted drive?): the dataset is left as it was
        for tmp in writer.new.values():
            tmp.unlink()
        if not problems:
            raise UsageError(f"there are no .toml session files under {root}")
        raise UsageError(
            f"none of the {len(files)} .toml file(s) under {root} could be read as "
            f"a bcr session (first: {problems[0][0]}: {problems[0][1]})"
        )
    writer.finish()
    for kept, others in copies.items():
        note(rollfiles.copies_message(kept, others, ids[kept]))
    for path, problem in problems:
        note(f"skipped {path}: {problem}")
    folder.mkdir(mode=0o700, exist_ok=True)
    if (
        stale
        or added
        or writer.written
        or writer.old
        or gone_parts
        or not (folder / MANIFEST).exists()
    ):
        _write_summary(folder, parts)
        _write_manifest(folder, manifest)  # last: the run is complete
        fsync_folder(folder)
    print(
        f"Read {read} sessions ({len(problems) + len(passed)} skipped) from {root}: "
        f"{sum(parts.values())} rows in {folder} ({added} added, {changed} changed, "
        f"{len(stale) - changed} removed; {writer.written} part file(s) written)"
    )
    return SKIPPED_EXIT if problems or passed else 0


def _read(writer: Writer, todo: list[Found], root: Path, current: dict[str, Found]) -> None:
    """Read `todo`, in batches; note each file in the manifest and hand its rows to the writer."""
    from bcr_tui.outputs.rollup import batches, read_stream

    if not todo:
        return
    for result in batches(read_stream([f.path for f in todo], root)):
        for chunk in result.chunks:
            for path, problem in chunk.skipped:
                source = _source(Path(path), root)
                writer.files[source] = _entry(current[source], None, problem)
            for source, session_id in chunk.ids:
                writer.files[source] = _entry(current[source], session_id, None)
        if writer.anonymize:  # as export.anonymize_frame, with the "Other" texts left out first
            from bcr_tui.outputs.export import anonymize_frame

            table = anonymize_frame(
                result.table(
                    lambda t: profile_json(t.drop([c for c in t.columns if c.endswith("_other")]))
                )
            )
        else:
            table = result.table(profile_json)
        writer.add(to_dataset(table))


def _entry(found: Found, session_id: str | None, problem: str | None) -> dict[str, Any]:
    return {
        "stamp": found.stamp,
        "id": session_id,
        "problem": problem,
        "part": None,
        "counted": session_id is not None,
    }


def _source(path: Path, root: Path) -> str:
    from bcr_tui.outputs.rollfiles import relative

    return relative(path, root)


def profile_json(table: pl.DataFrame) -> pl.DataFrame:
    """`table` with its profile columns as one JSON text column, `profile` (keys in name order,
    unanswered ones left out; null for no answer at all): one schema for every instrument."""
    import polars as pl

    fixed = {*tidy.COLUMNS, tidy.SOURCE, "file", "f"}
    profile_cols = sorted(c for c in table.columns if c not in fixed)
    if profile_cols:
        text = (
            pl.struct(pl.col(profile_cols).cast(pl.String))
            .struct.json_encode()
            .str.replace_all(r'"[A-Za-z0-9_-]+":null,?', "")
            .str.replace(r",\}$", "}")
        )
        profile = pl.when(text == "{}").then(None).otherwise(text)
    else:
        profile = pl.lit(None, pl.String)
    return table.with_columns(profile.alias("profile")).drop(profile_cols)


def to_dataset(table: pl.DataFrame) -> pl.DataFrame:
    """The roll-up's rows (`Result.table(profile_json)`) in the dataset's columns, with the
    partition keys (`KEYS`) last."""
    import polars as pl

    return table.select(
        *(pl.col(c) for c in COLUMNS), pl.col("instrument"), pl.col("date").dt.year().alias("year")
    )


def scan(folder: Path, parts: list[str] | None = None) -> pl.LazyFrame:
    """The dataset's rows, lazily, with `instrument` and `year` (from the manifest's parts)."""
    import polars as pl

    if parts is None:
        parts = sorted(_open(folder, create=False)["parts"])
    frames = [
        pl.scan_parquet(folder / p).with_columns(
            pl.lit(part_key(p)[0]).alias(KEYS[0]), pl.lit(part_key(p)[1], pl.Int64).alias(KEYS[1])
        )
        for p in parts
    ]
    if not frames:
        from bcr_tui.outputs.export import frame

        return frame([], [*COLUMNS, *KEYS]).lazy()
    return pl.concat(frames, how="vertical")


def _write_summary(folder: Path, parts: dict[str, int]) -> None:
    from bcr_tui.outputs.outfile import csv_safe, write_private
    from bcr_tui.outputs.rollup import summarize

    summary = summarize(scan(folder, sorted(parts))).sort("community", "instrument", "domain")
    write_private(folder / SUMMARY, lambda tmp: csv_safe(summary).write_csv(tmp))


def _open(folder: Path, *, create: bool = True) -> dict[str, Any]:
    """The folder's manifest (a new one for a new or empty folder), after deleting what an
    interrupted run left: temporary files, and parts the manifest does not name."""
    from bcr_tui.outputs.outfile import check_out

    path = folder / MANIFEST
    if not folder.is_dir():
        if not create:
            raise UsageError(f"there is no dataset folder {folder}")
        check_out(folder)
    if not path.exists():
        if folder.is_dir() and any(p.name != LOCK for p in folder.iterdir()):
            raise UsageError(
                f"{folder} is not empty and holds no bcr dataset ({MANIFEST}); "
                "give a new or empty folder"
            )
        if not create:
            raise UsageError(f"there is no bcr dataset in {folder}")
        return {"format": FORMAT, "files": {}, "parts": {}}
    try:
        manifest = json.loads(path.read_text("utf-8"))
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
            raise ValueError
    except (OSError, ValueError, AttributeError):
        raise UsageError(
            f"{path} is damaged or not a bcr dataset's manifest; delete the "
            "folder to build the dataset again"
        ) from None
    if create:
        for part in folder.glob(f"{KEYS[0]}=*/{KEYS[1]}=*/*"):
            name = part.relative_to(folder).as_posix()
            if part.name.endswith(".parquet.tmp") or (
                part.name.startswith("part-") and name not in manifest["parts"]
            ):
                part.unlink()
    return manifest


def _lock(folder: Path) -> int:
    """Hold the folder's lock (`LOCK`) until the returned descriptor is closed; UsageError if
    another run holds it. (Where `fcntl` does not exist, nothing is locked.)"""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        raise UsageError(f"cannot write to the folder {folder} ({exc.strerror or exc})") from None
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise UsageError(
                f"another bcr rollup is updating {folder} now; run this one when it has finished"
            ) from None
    return fd


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    from bcr_tui.tomlio import write_durably

    write_durably(folder / MANIFEST, json.dumps(manifest, separators=(",", ":")))
