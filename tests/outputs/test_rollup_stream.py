"""The roll-up streams (batches give the table read at once), reads byte-level variants of bcr's
files as bcr's own, counts a session's copies once, and names what it passes over (exit 3)."""

from __future__ import annotations

import os
import shutil
import time

import polars as pl
import tomli
import tomli_w
from test_rollup import care_session, pai_session, save, tally_session

from bcr_tui.analysis import tidy
from bcr_tui.outputs import rollup
from bcr_tui.storage import fastread
from bcr_tui.storage.store import load_session


def test_batches_written_as_they_come_give_the_table_read_at_once(tmp_path, monkeypatch):
    root = tmp_path / "s"
    save(root / "a.toml", pai_session(1, "Ojai"))
    save(root / "b.toml", care_session())  # other profile columns: null in the first part
    save(root / "c.toml", tally_session())
    save(root / "d.toml", pai_session(4, "Fillmore"))
    whole = rollup.read_all(sorted(root.rglob("*.toml")), root).table()
    monkeypatch.setattr(rollup, "BATCH", 1)
    monkeypatch.setattr(rollup, "CHUNK", 1)
    for ext in ("parquet", "csv"):
        out = tmp_path / f"all.{ext}"
        assert rollup.run_rollup(root, out) == 0
        if ext == "parquet":
            assert pl.read_parquet(out).equals(whole)
        else:
            assert pl.read_csv(out, schema=whole.schema).equals(whole)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # parts removed


def _tomli_w(text: str) -> str:
    return tomli_w.dumps(tomli.loads(text))


VARIANTS = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "tomli-w": _tomli_w,
    "hand-edited": lambda t: t.replace('trust-1 = "', 'trust-1="', 1).replace(
        "\n[ratings.p02]", "\n# the second person\n[ratings.p02]"
    ),
}


def test_crlf_tomli_w_and_hand_edited_files_give_bcr_s_rows(tmp_path):
    original = save(tmp_path / "s" / "one.toml", pai_session(1, "Ojai", people=3, items=6))
    text = original.read_text("utf-8")
    expected = pl.DataFrame(tidy.rows(load_session(original)))
    for name, variant in VARIANTS.items():
        root = tmp_path / name
        root.mkdir()
        (root / "one.toml").write_bytes(variant(text).encode("utf-8"))
        table = rollup.read_all([root / "one.toml"], root).table()
        assert (
            table.drop(tidy.SOURCE)
            .with_columns(pl.col("date").cast(pl.String))
            .equals(expected.select(table.drop(tidy.SOURCE).columns))
        ), name
    # Windows line endings stay on the fast path: the same session, its block in LF
    fast = fastread.plain_ratings(tmp_path / "crlf" / "one.toml")
    assert fast is not None and "\r" not in fast[1]
    lone = tmp_path / "lone-cr.toml"
    lone.write_bytes(text.replace("\n", "\r\n", 3).replace("\r\n", "\r", 1).encode())
    assert fastread.plain_ratings(lone) is None  # a lone CR: the full parse names it


def test_copies_of_one_session_count_once_the_newest(tmp_path, run_bcr):
    root = tmp_path / "s"
    old = save(root / "2026" / "fall.toml", pai_session(1, "Ojai"))
    save(root / "other.toml", pai_session(2, "Fillmore"))
    newer = root / "mail" / "fall (1).toml"
    newer.parent.mkdir()
    shutil.copy(old, newer)
    now = time.time()
    os.utime(old, (now - 100, now - 100))
    result = run_bcr("rollup", root, "--out", tmp_path / "all.parquet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"bcr: 2026/fall.toml is a copy of session "
        f"{load_session(old).id} in mail/fall (1).toml: counted once, "
        "from mail/fall (1).toml (the newest)\n"
    )
    table = pl.read_parquet(tmp_path / "all.parquet")
    assert set(table["source"]) == {"mail/fall (1).toml", "other.toml"}
    assert "Read 2 sessions (0 skipped)" in result.stdout
    summary = pl.read_parquet(tmp_path / "all-summary.parquet")
    assert set(summary["sessions"]) == {1}


def test_what_is_passed_over_is_named_and_nothing_hangs(tmp_path, run_bcr):
    root = tmp_path / "s"
    save(root / "good.toml", pai_session(1, "Ojai"))
    save(root / "LOUD.TOML", pai_session(2, "Fillmore"))  # read: a copy through Windows
    save(root / "odd.toml" / "inside.toml", pai_session(3, "Ventura"))  # a folder named .toml
    (root / "dangling.toml").symlink_to(tmp_path / "gone.toml")
    (root / "zero.toml").symlink_to("/dev/zero")
    os.mkfifo(root / "pipe.toml")
    (root / "damaged.toml").write_text("id = ", "utf-8")
    out = tmp_path / "all.csv"
    result = run_bcr("rollup", root, "--out", out, cwd=tmp_path)
    assert result.returncode == rollup.SKIPPED_EXIT == 3
    err = result.stderr
    assert f"bcr: skipped {root / 'dangling.toml'}: is a link to nothing" in err
    assert f"bcr: skipped {root / 'zero.toml'}: is not a regular file" in err
    assert f"bcr: skipped {root / 'pipe.toml'}: is not a regular file" in err
    assert f"bcr: skipped {root / 'odd.toml'}: is a folder, not a session file" in err
    assert f"bcr: skipped {root / 'damaged.toml'}: " in err
    assert "Read 3 sessions (5 skipped)" in result.stdout
    assert set(pl.read_csv(out)["source"]) == {"good.toml", "LOUD.TOML", "odd.toml/inside.toml"}
    help_text = run_bcr("rollup", "--help", cwd=tmp_path).stdout
    assert "Exit status 3" in " ".join(help_text.split())
