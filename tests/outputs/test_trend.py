"""`bcr trend`: a community's domain figures session by session, the same from session files and
from a roll-up dataset; arrows in the terminal, small multiples in HTML, hostile text escaped."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from test_rollup import PAI, save

from bcr_tui.outputs import dataset, rollup, trend
from bcr_tui.session.state import new_session

HOSTILE = "<script>alert(1)</script> [bold]x[/] \x1b]0;owned\x07"


def sessions(root: Path) -> None:
    for n in range(3):
        s = new_session(
            PAI, f"Year {n}", [(f"P{k}", None) for k in range(3)], community="Ventura County"
        )
        s.created = datetime(2022 + n, 3, 1, tzinfo=UTC)
        rng = random.Random(n)
        for item in s.items:
            if item.kind == "rating" and not PAI.is_profile(item.id):
                for p in s.participants:
                    s.record(p.id, item.id, rng.choice(["maintain", "immediate", "future"]))
        save(root / f"v{n}.toml", s)
    other = new_session(PAI, "Other", [("Q", None)], community=HOSTILE)
    other.record("p01", PAI.items[1].id, "maintain")
    save(root / "other.toml", other)


def test_the_figures_are_the_summary_per_session_and_the_same_from_the_dataset(tmp_path):
    root = tmp_path / "s"
    sessions(root)
    table = trend.figures(root, "Ventura County")
    assert table["date"].cast(pl.String).unique(maintain_order=True).to_list() == [
        "2022-03-01",
        "2023-03-01",
        "2024-03-01",
    ]
    for source in ("v0.toml", "v2.toml"):
        alone = root.parent / source
        alone.mkdir()
        (alone / source).write_bytes((root / source).read_bytes())
        pooled = rollup.summarize(rollup.read_all([alone / source], alone).table())
        mine = table.filter(pl.col("source") == source)
        assert mine["mean_score"].to_list() == pooled["mean_score"].to_list()
        assert mine["answers"].to_list() == pooled["answers"].to_list()
    dataset.run_dataset(root, tmp_path / "ds")
    assert trend.figures(tmp_path / "ds", "Ventura County").equals(table)


def test_terminal_table_has_arrows_and_files_escape_hostile_text(tmp_path, run_bcr):
    root = tmp_path / "s"
    sessions(root)
    shown = run_bcr("trend", root, "--community", "Ventura County", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    figures = trend.figures(root, "Ventura County")
    trust = figures.filter(pl.col("domain") == "trust")["mean_score"].to_list()
    row = next(line for line in shown.stdout.splitlines() if "Trust" in line)
    assert [c.strip() for c in re.findall(r"\d\.\d\d ?[↑↓→]?", row)] == trend.cells(trust)
    assert trend.cells([0.5, 0.6, 0.6, None, 0.4]) == ["0.50", "0.60 ↑", "0.60 →", "–", "0.40 ↓"]
    everyone = run_bcr("trend", root, cwd=tmp_path)
    assert "\x1b" not in everyone.stdout and "[bold]x[/]" in everyone.stdout
    html_out = tmp_path / "t.html"
    assert run_bcr("trend", root, "--out", html_out, cwd=tmp_path).returncode == 0
    page = html_out.read_text("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "\x1b" not in page
    assert page.count("<svg") == 6 + 1  # a chart per domain of Ventura, one for the other
    assert re.search(r">\d\.\d\d</text>", page)  # numbers beside the colours
    md_out = tmp_path / "t.md"
    assert run_bcr("trend", root, "--out", md_out, cwd=tmp_path).returncode == 0
    assert "<script>" not in md_out.read_text("utf-8")
    missing = run_bcr("trend", root, "--community", "Nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "Ventura County" in missing.stderr
