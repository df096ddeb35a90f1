"""`bcr rollup DIR --out FOLDER/`: the dataset any engine reads, kept up to date incrementally,
equal to a full rebuild, and whole after a crash."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_rollup import care_session, pai_session, save, tally_session

from bcr_tui.analysis import tidy
from bcr_tui.errors import SessionFileError, UsageError
from bcr_tui.outputs import dataset, dataset_parts
from bcr_tui.storage.store import load_session


def rows_of(folder: Path) -> pl.DataFrame:
    """The dataset's rows in one order (a dataset's row order is its parts', not meaningful)."""
    table = dataset.scan(folder).collect()
    return table.sort(table.columns, nulls_last=True)


def build(root: Path, out: Path) -> int:
    return dataset.run_dataset(root, out)


def same_as_rebuild(root: Path, folder: Path, scratch: Path) -> None:
    fresh = scratch / f"fresh-{len(list(scratch.iterdir()))}"
    build(root, fresh)
    assert rows_of(folder).equals(rows_of(fresh))
    assert (folder / dataset.SUMMARY).read_text() == (fresh / dataset.SUMMARY).read_text()


def test_duckdb_reads_every_row_with_hive_partitioning(tmp_path, capsys):
    root = tmp_path / "s"
    names = {
        "a/one.toml": pai_session(1, "Ventura County"),
        "b/two.toml": pai_session(2, "Ojai"),
        "care.toml": care_session(),
        "tally.toml": tally_session(),
    }
    for name, session in names.items():
        save(root / name, session)
    assert build(root, tmp_path / "ds") == 0
    assert "Read 4 sessions (0 skipped)" in capsys.readouterr().out
    expected = sum(len(tidy.rows(load_session(root / n))) for n in names)
    query = f"SELECT * FROM read_parquet('{tmp_path / 'ds'}/**/*.parquet', hive_partitioning=true)"
    relation = duckdb.sql(query)
    got = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    assert len(got) == expected
    assert {"instrument", "year", "profile", "source"} <= set(relation.columns)
    assert {r["instrument"] for r in got} == {
        "partnership-assessment-inventory",
        "communities-of-care",
    }
    assert {r["year"] for r in got} == {load_session(root / "care.toml").created.year}
    assert sorted((r["source"], r["item"], r["answer"]) for r in got) == sorted(
        (n, r["item"], r["answer"]) for n in names for r in tidy.rows(load_session(root / n))
    )
    sectors = duckdb.sql(
        f"SELECT DISTINCT profile->>'sector_other' AS o FROM ({query}) WHERE o IS NOT NULL"
    ).fetchall()
    assert sectors == [('Lamp "lighters"\n[[log]]',)]
    # polars reads it as it is too
    assert (
        pl.scan_parquet(tmp_path / "ds" / "**" / "*.parquet", hive_partitioning=True)
        .collect()
        .height
        == expected
    )
    for part in (tmp_path / "ds").rglob("*"):
        assert part.stat().st_mode & 0o777 == (0o700 if part.is_dir() else 0o600), part
    assert (tmp_path / "ds").stat().st_mode & 0o777 == 0o700


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    rounds=st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(["add", "edit", "delete", "copy", "damage"]), st.integers(0, 20)
            ),
            min_size=1,
            max_size=4,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_the_dataset_equals_a_full_rebuild_after_random_changes(tmp_path_factory, rounds):
    base = tmp_path_factory.mktemp("ds")
    root, folder, scratch = base / "s", base / "ds", base / "scratch"
    scratch.mkdir()
    for n in range(4):
        save(root / f"c{n % 2}" / f"s{n}.toml", pai_session(n, f"County {n % 3}", 2, 4))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dataset_parts, "PART_ROWS", 30)  # several parts per partition, small ones merged
        build(root, folder)
        made = 4
        for ops in rounds:
            for op, k in ops:
                files = sorted(root.rglob("*.toml"))
                target = files[k % len(files)] if files else None
                if op == "add" or target is None:
                    made += 1
                    save(
                        root / f"c{made % 3}" / f"s{made}.toml",
                        pai_session(made, f"County {made % 3}", 1 + made % 3, 3 + made % 4),
                    )
                elif op == "edit":
                    try:
                        s = load_session(target)
                    except SessionFileError:  # damaged before: mended
                        s = pai_session(k, "Mended", 2, 3)
                    s.record(s.participants[0].id, s.items[k % 6].id, "abstain")
                    s.community = f"Edited {k}"
                    target.unlink()
                    save(target, s)
                elif op == "delete":
                    target.unlink()
                elif op == "copy":
                    shutil.copy(target, target.with_name(f"copy-{k}-{target.name}"))
                else:
                    target.write_text("not = = toml", "utf-8")
            before = rows_of(folder)
            try:
                build(root, folder)
            except UsageError:  # nothing readable (an unmounted drive?): the dataset is kept
                assert rows_of(folder).equals(before)
                with pytest.raises(UsageError):
                    build(root, scratch / "refused")
                continue
            same_as_rebuild(root, folder, scratch)


def test_a_rerun_reads_only_what_changed(tmp_path, capsys, monkeypatch):
    root = tmp_path / "s"
    for n in range(5):
        save(root / f"s{n}.toml", pai_session(n, "Ojai"))
    build(root, tmp_path / "ds")
    save(root / "new.toml", pai_session(9, "Ojai"))
    (root / "s1.toml").unlink()
    read: list[str] = []
    real = dataset._read
    monkeypatch.setattr(
        dataset,
        "_read",
        lambda w, todo, *a: (read.extend(f.source for f in todo), real(w, todo, *a)),
    )
    capsys.readouterr()
    assert build(root, tmp_path / "ds") == 0
    assert read == ["new.toml"]
    assert "(1 added, 0 changed, 1 removed; 1 part file(s) written)" in capsys.readouterr().out
    assert len(list((tmp_path / "ds").rglob("*.parquet"))) == 1  # the old part was replaced
    same_as_rebuild(root, tmp_path / "ds", tmp_path)


def run_cli(root: Path, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bcr_tui", "rollup", str(root), "--out", f"{out}/"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )


@pytest.mark.parametrize("where", ["written", "renamed"])
def test_a_run_killed_half_way_leaves_a_readable_dataset_and_the_next_completes_it(tmp_path, where):
    root, folder = tmp_path / "s", tmp_path / "ds"
    for n in range(4):
        save(root / f"s{n}.toml", pai_session(n, "Ojai"))
    save(root / "care.toml", care_session())
    assert run_cli(root, folder).returncode == 0
    before = rows_of(folder)
    manifest = (folder / dataset.MANIFEST).read_text()
    save(root / "s9.toml", pai_session(9, "Fillmore"))
    (root / "s0.toml").unlink()
    save(root / "care2.toml", care_session())
    killed = run_cli(root, folder, **{dataset_parts.CRASH_HOOK: where})
    assert killed.returncode == -signal.SIGKILL
    assert (folder / dataset.MANIFEST).read_text() == manifest  # written last: not reached
    for part in folder.rglob("*.parquet"):
        pl.read_parquet(part)  # every file an engine sees is whole
    query = f"SELECT count(*) FROM read_parquet('{folder}/**/*.parquet', hive_partitioning=true)"
    seen = duckdb.sql(query).fetchall()[0][0]
    if where == "written":  # the new parts are still under temporary names: nothing changed
        assert rows_of(folder).equals(before) and seen == before.height
    completed = run_cli(root, folder)
    assert completed.returncode == 0, completed.stderr
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
    same_as_rebuild(root, folder, tmp_path)


def test_a_folder_that_is_not_a_dataset_is_refused(tmp_path, run_bcr):
    root = tmp_path / "s"
    save(root / "one.toml", pai_session(1, "Ojai"))
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"x")
    result = run_bcr("rollup", root, "--out", f"{tmp_path / 'photos'}/", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not empty and holds no bcr dataset" in result.stderr
    assert result.stderr.count("\n") == 1
    assert [p.name for p in (tmp_path / "photos").iterdir()] == ["cat.jpg"]


def test_one_run_at_a_time_updates_a_folder(tmp_path, run_bcr):
    import fcntl

    root = tmp_path / "s"
    save(root / "one.toml", pai_session(1, "Ojai"))
    assert run_bcr("rollup", root, "--out", f"{tmp_path / 'ds'}/", cwd=tmp_path).returncode == 0
    save(root / "two.toml", pai_session(2, "Ojai"))
    with open(tmp_path / "ds" / dataset.LOCK, "rb+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        busy = run_bcr("rollup", root, "--out", f"{tmp_path / 'ds'}/", cwd=tmp_path)
    assert busy.returncode == 2
    assert busy.stderr.count("\n") == 1 and "another bcr rollup is updating" in busy.stderr
    done = run_bcr("rollup", root, "--out", f"{tmp_path / 'ds'}/", cwd=tmp_path)
    assert done.returncode == 0 and "(1 added," in done.stdout
