"""`bcr rollup DIR --out FILE`: every session under a folder in one tidy table, plus a
community × domain summary.

Every `*.toml` under DIR (recursively) is read; a file that is damaged or not a bcr session is
named on stderr and skipped. The table is the one `bcr export` writes (one row per answer, see
`bcr_tui.analysis.tidy`) with a `source` column naming each session's file (relative to DIR). The
summary has one row per community, instrument and domain: sessions, answers, abstentions and the
mean score, pooled over every scored answer. Output by extension: `.csv` and `.parquet` write the
summary beside the table as `<stem>-summary.<ext>`; `.xlsx` writes sheets "data" and "summary".

Reading is the cost: with many files they are parsed in worker processes, in chunks. A roll-up
does not need a session's change log, the last and largest part of the file, and the files bcr
writes have a regular shape, so `fastread` takes shortcuts where that is safe (and parses the
whole file as `load_session` does otherwise). Sessions of plain ratings come back from a worker
as small numbers and small tables, joined into rows once, here (`rolltable`); any other session
comes back as its rows (`tidy.table`).
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bcr_tui.analysis import tidy
from bcr_tui.errors import BcrError, SessionFileError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from bcr_tui.session.state import Session

FORMATS = (".csv", ".parquet", ".xlsx")
#: With more files than this, parse in worker processes.
PARALLEL_ABOVE = 50
#: Files per chunk handed to a worker (also the progress bar's step).
CHUNK = 25
SUMMARY_COLUMNS = (
    "community",
    "instrument",
    "domain",
    "domain_title",
    "sessions",
    "answers",
    "abstentions",
    "mean_score",
)


#: Exit status when the output was written but some files were skipped (each named on stderr).
SKIPPED_EXIT = 3
#: Sessions gathered into one table before it is written (bounds the memory of a roll-up).
BATCH = 100


def run_rollup(folder: Path, out: Path, *, anonymize: bool = False) -> int:
    """Read every session under `folder`, write the table and the summary (a file, or a dataset
    folder when `out` ends in a slash or is one); prints one line. Returns 0, or SKIPPED_EXIT
    when files were skipped (the output holds every session that was read). `anonymize`: as
    `bcr export --anonymize` (`export.anonymize_frame`): no names, no free text."""
    from bcr_tui.outputs import rollfiles
    from bcr_tui.outputs.outfile import check_out

    as_folder = str(out).endswith(("/", os.sep)) or Path(out).is_dir()
    folder, out = Path(folder), Path(out)
    ext = out.suffix.lower()
    if not as_folder and ext not in FORMATS:
        raise UsageError(
            f"the output must be a file ending in {', '.join(FORMATS)} or a folder "
            f"ending in / (not {out.suffix or 'nothing'}): {out.name}"
        )
    if not folder.is_dir():
        raise UsageError(f"there is no folder {folder} to roll up")
    if as_folder:
        from bcr_tui.outputs.dataset import run_dataset

        return run_dataset(folder, out, anonymize=anonymize)
    check_out(out)
    found, passed = rollfiles.find(folder)
    for path, problem in passed:
        note(f"skipped {path}: {problem}")
    if not found:
        raise UsageError(f"there are no .toml session files under {folder}")
    from bcr_tui.outputs.rollwrite import write_file

    outcome = write_file(out, found, folder, anonymize=anonymize)
    if not outcome.read:
        first, problem = outcome.skipped[0]
        raise SessionFileError(
            f"none of the {len(found)} .toml file(s) under {folder} could be read as a bcr "
            f"session (first: {first}: {problem})"
        )
    print(
        f"Read {outcome.read} sessions ({len(outcome.skipped) + len(passed)} skipped) from "
        f"{folder}: {outcome.rows} rows to {out}"
    )
    return SKIPPED_EXIT if outcome.skipped or passed else 0


def note(line: str) -> None:
    """One line on stderr, cleaned (file names and problems come from the folder)."""
    from bcr_tui.plaintext import one_line

    sys.stderr.write(f"bcr: {one_line(line)}\n")


# --------------------------------------------------------------------------- reading


@dataclass
class Chunk:
    """What a worker read, in plain Python (workers never import polars): its plain-rating
    sessions (a `rolltable.Batch`), the rows of the others (`tidy.table` columns, one after the
    other) and the file number of each of those rows, the columns of the sessions it read (first
    seen first), how many it read, and the files it skipped."""

    batch: Any = None  #: a rolltable.Batch, or None
    tables: dict[str, list[Any]] = field(default_factory=dict)
    numbers: list[int] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    read: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ids: list[tuple[str, str]] = field(default_factory=list)  #: (source, session id) of each read


@dataclass
class Result:
    """Every chunk's result, in file order."""

    chunks: list[Chunk]

    @property
    def read(self) -> int:
        return sum(c.read for c in self.chunks)

    @property
    def skipped(self) -> list[tuple[str, str]]:
        return [s for c in self.chunks for s in c.skipped]

    def table(self, people_hook: Any = None) -> pl.DataFrame:
        """The whole tidy table, sessions in file order (profile columns: the union, first seen
        first; null where a session lacks one). `people_hook` changes the profile columns, in
        the table of people of plain sessions and in the rows of the others (the dataset makes
        them one column, `dataset.profile_json`)."""
        import polars as pl

        from bcr_tui.outputs.export import frame, frame_from_columns
        from bcr_tui.outputs.rolltable import table

        columns: list[str] = []
        for chunk in self.chunks:
            columns.extend(c for c in chunk.columns if c not in columns)
        batches = [c.batch for c in self.chunks if c.batch is not None]
        frames = [table(batches, people_hook)] if batches else []
        frames += [
            frame_from_columns(c.tables).with_columns(pl.Series("f", c.numbers, pl.Int32))
            for c in self.chunks
            if c.tables
        ]
        if people_hook is not None:
            plain = 1 if batches else 0  # the plain sessions' table has the hook applied
            frames = frames[:plain] + [people_hook(f) for f in frames[plain:]]
            columns = [c for c in columns if c in tidy.COLUMNS or c == tidy.SOURCE]
            columns += ["profile"]
            if not frames:
                return people_hook(frame([], [*tidy.COLUMNS, tidy.SOURCE]))
        if not frames:
            return frame([], [*tidy.COLUMNS, tidy.SOURCE])
        if len(frames) > 1:  # the joined rows are in file order, and so is each frame: merge
            frames = [pl.concat(frames, how="diagonal").sort("f", maintain_order=True)]
        return frames[0].select(columns)


def read_all(paths: Sequence[Path], root: Path) -> Result:
    """Read `paths` (in process, or in worker processes when there are many), in order."""
    return Result(list(read_stream(paths, root)))


def read_stream(paths: Sequence[Path], root: Path) -> Iterator[Chunk]:
    """Read `paths` chunk by chunk, in order (in worker processes when there are many); only a
    few chunks are read ahead of the one given, so memory does not grow with the files."""
    names = [str(p) for p in paths]
    starts = range(0, len(names), CHUNK)
    if len(names) <= PARALLEL_ABOVE or _workers() < 2:
        with _progress(len(names)) as advance:
            for start in starts:
                chunk = read_chunk(names[start : start + CHUNK], str(root), start)
                advance(len(chunk.skipped) + chunk.read)
                yield chunk
        return
    ahead = 3 * _workers()
    # The workers start (all of them, forked, at the first submit) before the progress bar's
    # thread does, and before the parent imports polars.
    with ProcessPoolExecutor(max_workers=_workers(), mp_context=_context()) as pool:
        pending: deque[Future[Chunk]] = deque()
        queue = iter(starts)
        for start in islice(queue, ahead):
            pending.append(pool.submit(read_chunk, names[start : start + CHUNK], str(root), start))
        with _progress(len(names)) as advance:
            while pending:
                chunk = pending.popleft().result()
                for start in islice(queue, 1):
                    pending.append(
                        pool.submit(read_chunk, names[start : start + CHUNK], str(root), start)
                    )
                advance(len(chunk.skipped) + chunk.read)
                yield chunk


def batches(chunks: Iterable[Chunk], size: int | None = None) -> Iterator[Result]:
    """The chunks gathered into results of at least `size` sessions (the last may be fewer)."""
    size = size or BATCH
    group: list[Chunk] = []
    for chunk in chunks:
        group.append(chunk)
        if sum(c.read + len(c.skipped) for c in group) >= size:
            yield Result(group)
            group = []
    if group:
        yield Result(group)


def read_chunk(paths: Sequence[str], root: str, start: int = 0, *, joins: bool = True) -> Chunk:
    """Read some session files, numbered from `start` (runs in a worker process).

    Sessions of plain ratings go to a `rolltable.Batch` (unless `joins` is False), any other to
    `tidy.table`; the rows of those carry their file's number (`f`) to be put in order later.
    """
    from bcr_tui.outputs.export import merge
    from bcr_tui.outputs.rolltable import Batch
    from bcr_tui.storage.fastread import plain_ratings

    out = Chunk()
    batch = Batch()
    tables: list[dict[str, list[Any]]] = []
    for f, name in enumerate(paths, start):
        path = Path(name)
        source = _relative(path, Path(root))
        try:
            plain = plain_ratings(path) if joins else None
            if plain is not None and batch.add(f, *plain, source=source):
                session = plain[0]
            else:
                session = read_session(path)
                tables.append(tidy.table(session, source=source))
                out.numbers += [f] * len(tables[-1]["session"])
        except BcrError as exc:
            out.skipped.append((name, exc.message))
            continue
        out.read += 1
        out.ids.append((source, session.id))
        out.columns.extend(c for c in tidy.columns(session, source=source) if c not in out.columns)
    if len(batch):
        out.batch = batch
    if tables:
        out.tables = merge(tables)
    return out


def read_session(path: Path) -> Session:
    """Load a session for a roll-up: as `store.load_session`, but faster, and without its log.

    A roll-up does not need the change log, the last and largest part of the file; most of the
    rest is the ratings, in a shape bcr always writes the same way; and the embedded instrument
    is usually one already seen. So when the file has that shape, the log is skipped, the ratings
    are read with a pattern, and the instrument is parsed once (`fastread`). Anything else, or
    anything that does not parse, is parsed as a whole, as `load_session` does (so a damaged file
    gets the same one-sentence error). A damaged log alone is not noticed here.
    """
    from bcr_tui.storage.fastread import read_session_text

    return read_session_text(path, log=False)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _context() -> Any:
    """How worker processes start: forked from this one when it runs no other thread (the
    quickest: they have bcr's modules already; polars, once loaded, may run a pool of threads
    that Python does not count), else from a clean server process (forking a process with
    threads can deadlock)."""
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and "polars" not in sys.modules:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(
            [
                "bcr_tui.outputs.rollup",
                "bcr_tui.storage.fastread",
                "bcr_tui.outputs.rolltable",
                "bcr_tui.outputs.export",
            ]
        )
        return ctx
    return multiprocessing.get_context()


class _progress:  # noqa: N801 - used like a function: `with _progress(n) as advance`
    """A rich progress bar on stderr while reading, only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if not sys.stderr.isatty():
            return lambda n: None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("Reading sessions"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.start()
        task = self.bar.add_task("read", total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# --------------------------------------------------------------------------- summary and output


def summarize(table: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Community × instrument × domain: sessions, answers, abstentions, mean score (of a table,
    or of a lazy scan of many files: then in the streaming engine).

    Answers are the rated and chosen ones (rows with a label: text and table rows have none);
    tallies count their hands. The mean is pooled over every scored answer (None if none is).
    """
    import polars as pl

    answered = pl.col("answer") != "abstain"
    scored = pl.col("score").is_not_null()
    n_scored = pl.col("count").filter(scored).sum()
    return (
        table.lazy()
        .filter(pl.col("answer_label") != "")
        .group_by("community", "instrument", "domain", maintain_order=True)
        .agg(
            pl.col("domain_title").first(),
            pl.col(tidy.SOURCE if tidy.SOURCE in table.collect_schema() else "session")
            .n_unique()
            .cast(pl.Int64)
            .alias("sessions"),
            pl.col("count").filter(answered).sum().alias("answers"),
            pl.col("count").filter(~answered).sum().alias("abstentions"),
            pl.when(n_scored > 0)
            .then((pl.col("score") * pl.col("count")).filter(scored).sum() / n_scored)
            .alias("mean_score"),
        )
        .sort("community", "instrument", maintain_order=True)
        .select(SUMMARY_COLUMNS)
        .collect(engine="streaming")
    )


def summary_path(out: Path) -> Path:
    """Where the summary goes beside a .csv or .parquet table: `<stem>-summary.<ext>`."""
    return out.with_name(f"{out.stem}-summary{out.suffix}")
