"""`bcr trend DIR`: how a community's domains moved across all its sessions of an instrument.

A coordinator comparing a collaborative year after year wants more than `bcr compare`'s two
sessions. For each session (in date order) and each domain: answers, abstentions and the mean
score, pooled as `bcr rollup`'s summary pools them (`rollup.summarize`, per session). DIR is a
folder of session files (read in batches, as the roll-up reads them) or a roll-up dataset folder
(`outputs/dataset.py`): the figures come from its rows, the same figures, and anyone can compute
them there with the query in the README.

Shown as a table in the terminal (one row per domain, one column per session, an arrow beside
each figure for the move from the session before), a Markdown table, a CSV of the figures, or an
HTML page of small multiples: one small chart per domain, each point coloured on the cividis
scale (colour-blind safe) with its number beside it, and the same table under the charts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bcr_tui.analysis import tidy
from bcr_tui.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

FORMATS = (".html", ".md", ".csv")
FIGURES = (
    "community",
    "instrument",
    "date",
    "session",
    "source",
    "domain",
    "domain_title",
    "answers",
    "abstentions",
    "mean_score",
)
#: A move smaller than this is shown as level (→).
LEVEL = 0.005
#: Sessions shown in the terminal (the latest); files hold all of them.
TERMINAL_SESSIONS = 10


def run_trend(folder: Path, community: str | None, instrument: str | None, out: Path | None) -> int:
    """Compute the figures and show them (or write them to `out`)."""
    from bcr_tui.outputs.outfile import check_out, csv_safe, write_private

    ext = out.suffix.lower() if out is not None else ""
    if out is not None:
        if ext not in FORMATS:
            raise UsageError(
                f"the output file must end in {', '.join(FORMATS)} (not "
                f"{out.suffix or 'nothing'}): {out.name}"
            )
        check_out(out)
    table = figures(folder, community, instrument)
    if out is None:
        show(table)
        return 0
    if ext == ".csv":
        write_private(out, lambda tmp: csv_safe(table).write_csv(tmp))
    else:
        text = to_html(table) if ext == ".html" else to_markdown(table)
        write_private(out, lambda tmp: tmp.write_text(text, "utf-8"))
    print(f"Wrote the trend of {table['session'].n_unique()} session(s) to {out}")
    return 0


def figures(
    folder: Path, community: str | None = None, instrument: str | None = None
) -> pl.DataFrame:
    """Per session and domain: answers, abstentions, mean score (`FIGURES`), date order."""
    import polars as pl

    from bcr_tui.outputs.dataset import MANIFEST, scan

    if not Path(folder).is_dir():
        raise UsageError(f"there is no folder {folder}")
    keep = pl.lit(True)
    if community is not None:
        keep = keep & (pl.col("community") == community)
    if instrument is not None:
        keep = keep & (pl.col("instrument") == instrument)
    if (Path(folder) / MANIFEST).is_file():
        frames = [per_session(scan(Path(folder)).filter(keep))]
        known = scan(Path(folder)).select("community").unique().collect()["community"]
    else:
        frames, known = _from_sessions(Path(folder), keep)
    table = pl.concat(frames, how="vertical") if frames else None
    if table is None or not table.height:
        names = ", ".join(sorted(str(k) for k in set(known))[:8]) or "none"
        what = f"community {community!r}" if community is not None else "any community"
        if instrument is not None:
            what += f" and instrument {instrument}"
        raise UsageError(f"no sessions of {what} under {folder} (communities: {names})")
    return table.sort("community", "instrument", "date", "source", maintain_order=True)


def _from_sessions(folder: Path, keep: pl.Expr) -> tuple[list[pl.DataFrame], list[str]]:
    from bcr_tui.outputs import rollfiles
    from bcr_tui.outputs.rollup import batches, read_stream

    found, _ = rollfiles.find(folder)
    frames, known = [], set()
    for result in batches(read_stream([f.path for f in found], folder)):
        rows = result.table()
        known.update(rows["community"].unique().to_list())
        frames.append(per_session(rows.lazy().filter(keep)))
    return frames, sorted(known)


def per_session(rows: pl.LazyFrame) -> pl.DataFrame:
    """`rollup.summarize`'s figures for each session (its file) rather than pooled."""
    import polars as pl

    answered = pl.col("answer") != "abstain"
    scored = pl.col("score").is_not_null()
    n_scored = pl.col("count").filter(scored).sum()
    return (
        rows.filter(pl.col("answer_label") != "")
        .group_by(
            "community", "instrument", "date", "session", tidy.SOURCE, "domain", maintain_order=True
        )
        .agg(
            pl.col("domain_title").first(),
            pl.col("count").filter(answered).sum().alias("answers"),
            pl.col("count").filter(~answered).sum().alias("abstentions"),
            pl.when(n_scored > 0)
            .then((pl.col("score") * pl.col("count")).filter(scored).sum() / n_scored)
            .alias("mean_score"),
        )
        .select(FIGURES)
        .collect()
    )


def blocks(table: pl.DataFrame) -> list[tuple[str, str, list[str], list[tuple[str, list]]]]:
    """Per community and instrument: (community, instrument, session labels, [(domain title,
    [mean or None per session])]), domains in the order first seen."""
    out = []
    for (community, instrument), part in table.group_by(
        "community", "instrument", maintain_order=True
    ):
        sessions = part.select("date", tidy.SOURCE).unique(maintain_order=True)
        labels = [f"{d}" for d in sessions["date"]]
        labels = [
            lbl if labels.count(lbl) == 1 else f"{lbl} ({s})"
            for lbl, s in zip(labels, sessions[tidy.SOURCE], strict=True)
        ]
        where = {s: n for n, s in enumerate(sessions[tidy.SOURCE])}
        rows: dict[str, tuple[str, list]] = {}
        for r in part.iter_rows(named=True):
            title, values = rows.setdefault(
                r["domain"], (r["domain_title"] or r["domain"], [None] * len(labels))
            )
            values[where[r[tidy.SOURCE]]] = r["mean_score"]
        out.append((str(community), str(instrument), labels, list(rows.values())))
    return out


def arrow(before: float | None, now: float | None) -> str:
    """↑, ↓ or → for the move from the session before ("" for the first or a blank)."""
    if before is None or now is None:
        return ""
    return "↑" if now - before > LEVEL else "↓" if before - now > LEVEL else "→"


def cells(values: list) -> list[str]:
    """Each figure as text with its arrow: "0.62 ↑"; "–" where there is none."""
    out, before = [], None
    for v in values:
        out.append("–" if v is None else f"{v:.2f} {arrow(before, v)}".rstrip())
        before = v if v is not None else before
    return out


def show(table: pl.DataFrame) -> None:
    """The figures as Rich tables (text from files is never read as markup)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from bcr_tui.plaintext import one_line

    console = Console()
    for community, instrument, labels, rows in blocks(table):
        first = max(0, len(labels) - TERMINAL_SESSIONS)
        grid = Table(title=Text(one_line(f"{community} — {instrument}")), title_justify="left")
        grid.add_column(Text("domain"), min_width=18)
        for label in labels[first:]:
            grid.add_column(Text(one_line(label)), justify="right")
        for title, values in rows:
            grid.add_row(Text(one_line(title)), *(Text(c) for c in cells(values)[first:]))
        console.print(grid)
        if first:
            console.print(
                Text(
                    f"(the latest {TERMINAL_SESSIONS} of {len(labels)} sessions; "
                    "--out trend.html shows them all)"
                )
            )


def to_markdown(table: pl.DataFrame) -> str:
    from bcr_tui.plaintext import one_line

    def md(text: str) -> str:
        return one_line(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")

    parts = ["# Trend: mean score by domain, session by session", ""]
    for community, instrument, labels, rows in blocks(table):
        parts += [
            f"## {md(community)} — {md(instrument)}",
            "",
            "| domain | " + " | ".join(md(x) for x in labels) + " |",
            "|---|" + "---:|" * len(labels),
        ]
        parts += [f"| {md(title)} | " + " | ".join(cells(values)) + " |" for title, values in rows]
        parts.append("")
    parts.append("↑ / ↓: up or down from the session before; → level (within 0.005).")
    return "\n".join(parts) + "\n"


def to_html(table: pl.DataFrame) -> str:
    """Small multiples: an inline SVG chart per domain, the table under them."""
    from bcr_tui.outputs.pages import CSS, e

    body = [
        "<h1>Trend: mean score by domain, session by session</h1>",
        '<p class="small">Each point is one session\'s mean score (0 to 1), coloured on the '
        "cividis scale with its number beside it; ↑ ↓ → in the table: the move from the "
        "session before.</p>",
    ]
    for community, instrument, labels, rows in blocks(table):
        body.append(f"<h2>{e(community)} — {e(instrument)}</h2>")
        body.append(
            '<div style="display:flex;flex-wrap:wrap;gap:1rem">'
            + "".join(chart(title, labels, values) for title, values in rows)
            + "</div>"
        )
        body.append(
            '<table><thead><tr><th scope="col">domain</th>'
            + "".join(f'<th scope="col" class="n">{e(x)}</th>' for x in labels)
            + "</tr></thead><tbody>"
            + "".join(
                f"<tr><td>{e(title)}</td>"
                + "".join(f'<td class="n">{e(c)}</td>' for c in cells(values))
                + "</tr>"
                for title, values in rows
            )
            + "</tbody></table>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Trend</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def chart(title: str, labels: list[str], values: list, w: int = 240, h: int = 150) -> str:
    """One domain's line: sessions left to right, the mean score 0 (bottom) to 1 (top)."""
    from bcr_tui.outputs.colour_scale import colour
    from bcr_tui.outputs.pages import e

    left, right, top, bottom = 12, 34, 28, 22
    step = (w - left - right) / max(1, len(labels) - 1)

    def xy(n: int, v: float) -> tuple[float, float]:
        return left + n * step, top + (1 - min(1.0, max(0.0, v))) * (h - top - bottom)

    points = [(n, v) for n, v in enumerate(values) if v is not None]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(n, v) for n, v in points))
    label = title if len(title) <= 30 else title[:29] + "…"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="{e(title)}">',
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{e(label)}</text>',
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{w - right}" y2="{top}" stroke="#ddd"/>',
    ]
    if len(points) > 1:
        parts.append(f'<polyline points="{line}" fill="none" stroke="#5F636E" stroke-width="1.5"/>')
    for n, v in points:
        x, y = xy(n, v)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour(v)}" '
            f'stroke="#1b1b1b"><title>{e(labels[n])}: {v:.2f}</title></circle>'
            f'<text x="{x + 7:.1f}" y="{y - 6:.1f}" font-size="11">{v:.2f}</text>'
        )
    if labels:
        parts.append(f'<text x="{left}" y="{h - 6}" font-size="10">{e(labels[0])}</text>')
        if len(labels) > 1:
            parts.append(
                f'<text x="{w - right}" y="{h - 6}" font-size="10" '
                f'text-anchor="end">{e(labels[-1])}</text>'
            )
    return "".join(parts) + "</svg>"
