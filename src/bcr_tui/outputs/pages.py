"""A report's blocks (text, bullet lists, tables, heatmap grids) and how they are written: as
GitHub-flavoured Markdown or as one self-contained HTML page (inline CSS, heatmaps as inline SVG,
no scripts, fonts or links to anything): the page itself is templates/report.html.j2 and
blocks.html.j2, its style templates/report.css (why templates, and why Jinja2: templating.py).

Every text is escaped for where it goes: HTML-escaped in a page; in Markdown, the characters that
would make a tag, a link, emphasis or a table cell are escaped, and so are bare addresses that a
renderer would turn into links.

The Markdown writer stays code: it holds no wording and no markup but Markdown's own syntax, and
as a template it would be only whitespace rules (every line break a `trim_blocks` question).
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass

from bcr_tui.analysis import grids
from bcr_tui.outputs import colour_scale as palette


@dataclass(frozen=True)
class Text:
    kind: str  #: "h1", "h2", "h3", "p" or "small" (a note in smaller type)
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[tuple[str, str], ...]  #: (bold lead, rest)
    meta: bool = False  #: the facts under the title (no bullet marks in HTML)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()  #: columns aligned right
    keep: frozenset[int] = frozenset()  #: columns never wrapped (dates)


Block = Text | Bullets | Table | grids.Grid


# --------------------------------------------------------------------------- Markdown


def md(text: str) -> str:
    """Markdown-safe text: one line, markup characters escaped (no tag, link, emphasis or table
    cell), and no bare address that a renderer would make a link of (`http\\://`, `www\\.`)."""
    flat = "".join("\\" + c if c in "\\`*_[]<>|#~" else c for c in " ".join(str(text).split()))
    return re.sub(r"(?i)(www)\.", r"\1\\.", flat.replace("://", "\\://"))


def to_markdown(blocks: list[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown."""
    parts = []
    for b in blocks:
        if isinstance(b, Text):
            level = int(b.kind[1]) if b.kind[0] == "h" else 0
            parts.append(
                "#" * level + " " + md(b.text)
                if level
                else f"_{md(b.text)}_"
                if b.kind == "small"
                else md(b.text)
            )
        elif isinstance(b, Bullets):
            parts.append(
                "\n".join(
                    (f"- **{md(a)}** {md(r)}" if a.strip() else f"- {md(r)}").rstrip()
                    for a, r in b.items
                )
            )
        elif isinstance(b, Table):
            parts.append(_md_table(b.header, b.rows, b.numeric))
        else:
            parts.append(
                _md_table(
                    ("", *b.columns),
                    tuple((label, *(c.text for c in cells)) for label, cells in b.rows),
                    frozenset(range(1, len(b.columns) + 1)),
                )
            )
    return "\n\n".join(parts) + "\n"


def _md_table(
    header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], numeric: frozenset[int]
) -> str:
    lines = [
        "| " + " | ".join(md(h) for h in header) + " |",
        "|" + "|".join("---:" if i in numeric else "---" for i in range(len(header))) + "|",
    ]
    return "\n".join(lines + ["| " + " | ".join(md(c) for c in row) + " |" for row in rows])


# --------------------------------------------------------------------------- HTML


def e(text: str) -> str:
    """HTML-escaped text (the entities the report's template writes too: templating.py)."""
    return html.escape(str(text), quote=True)


#: Which macro of templates/blocks.html.j2 writes a block (a grid is laid out first: `heatmap`).
KINDS: dict[type, str] = {Text: "text", Bullets: "bullets", Table: "table"}


def to_html(blocks: list[Block]) -> str:
    """The blocks as one self-contained HTML document (templates/report.html.j2)."""
    from bcr_tui.outputs.templating import read, render, trusted

    title = blocks[0].text if blocks and isinstance(blocks[0], Text) else "Report"
    return render(
        "report.html.j2",
        title=title,
        css=trusted(read("report.css")),
        blocks=[
            (KINDS[type(b)], b) if type(b) in KINDS else ("heatmap", heatmap(b, f"legend{n}"))
            for n, b in enumerate(blocks)
        ],
    )


def __getattr__(name: str) -> str:
    """`CSS`: the report's style sheet (templates/report.css, read when first asked for), with
    the newline that puts it on its own line in `<style>{CSS}</style>` (outputs/trend.py)."""
    if name == "CSS":
        from bcr_tui.outputs.templating import read

        return "\n" + read("report.css")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Heatmap:
    """Where a heatmap's parts go, drawn as SVG by templates/blocks.html.j2."""

    title: str
    gid: str  #: the legend gradient's id, unique in the page
    width: int
    height: int
    left: int  #: where the cells start (the row labels end 10 before)
    legend_y: int
    cell_w: int
    cell_h: int
    heads: tuple[tuple[int, int, str], ...]  #: (x, y, line) of the column heads' lines
    #: (y, full label, shown label, cells as (x, fill or "" when empty, ink, text))
    rows: tuple[tuple[int, str, str, tuple[tuple[int, str, str, str], ...]], ...]
    stops: tuple[tuple[str, str], ...]  #: the legend's gradient: (offset, colour)


def heatmap(grid: grids.Grid, gid: str, cell_w: int = 96, cell_h: int = 34) -> Heatmap:
    """A heatmap's layout: coloured cells with their numbers, labels (cut at 40 characters, the
    whole label as a tooltip), column heads wrapped at 12, and a legend."""
    labels = [lbl if len(lbl) <= 40 else lbl[:39] + "…" for lbl, _ in grid.rows]
    left = min(330, max(90, 7 * max((len(x) for x in labels), default=0) + 16))
    heads = [textwrap.wrap(c, 12, break_long_words=False) or [""] for c in grid.columns]
    top = 16 * max((len(h) for h in heads), default=1) + 10
    width, ly = left + cell_w * len(grid.columns), top + cell_h * len(grid.rows) + 18
    rows = []
    for i, ((full, cells), label) in enumerate(zip(grid.rows, labels, strict=True)):
        drawn = []
        for j, cell in enumerate(cells):
            bg = palette.colour(cell.value)
            known = cell.value is not None
            ink = palette.ink(bg) if known else "#000000"
            drawn.append((left + cell_w * j, bg if known else "", ink, cell.text))
        rows.append((top + cell_h * i, full, label, tuple(drawn)))
    return Heatmap(
        title=grid.title,
        gid=gid,
        width=width,
        height=ly + 22,
        left=left,
        legend_y=ly,
        cell_w=cell_w,
        cell_h=cell_h,
        heads=tuple(
            (left + cell_w * j + cell_w // 2, top - 8 - 16 * (len(h) - 1 - k), line)
            for j, h in enumerate(heads)
            for k, line in enumerate(h)
        ),
        rows=tuple(rows),
        stops=tuple(
            (f"{k / (len(palette.CIVIDIS) - 1):.3f}", c) for k, c in enumerate(palette.CIVIDIS)
        ),
    )
