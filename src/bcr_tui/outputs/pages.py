"""A report's blocks (text, bullet lists, tables, heatmap grids) and how they are written: as
GitHub-flavoured Markdown or as one self-contained HTML page (inline CSS, heatmaps as inline SVG,
no scripts, fonts or links to anything).

Every text is escaped for where it goes: HTML-escaped in a page; in Markdown, the characters that
would make a tag, a link, emphasis or a table cell are escaped, and so are bare addresses that a
renderer would turn into links.
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

CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:#1b1b1b;background:#fff;max-width:64rem;margin:2rem auto;padding:0 1.5rem}
h1{font-size:1.9rem;margin-bottom:.4rem}h2{margin-top:2.2rem;border-bottom:2px solid #ccc}
h3{margin:1.4rem 0 .5rem}table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th{background:#f2f2f2}.n{text-align:right;font-variant-numeric:tabular-nums}.k{white-space:nowrap}
ul.meta{list-style:none;padding:0}.small{color:#555;font-size:.9rem}
svg{max-width:100%;height:auto;display:block}
@media print{body{color:#000;background:#fff;margin:0;max-width:none;font-size:11pt}
.small{color:#000}th{background:#fff}h2,h3{break-after:avoid;page-break-after:avoid}
table,svg,ul{break-inside:avoid;page-break-inside:avoid}
svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
"""


def e(text: str) -> str:
    """HTML-escaped text."""
    return html.escape(str(text), quote=True)


def to_html(blocks: list[Block]) -> str:
    """The blocks as one self-contained HTML document."""
    body = []
    for n, b in enumerate(blocks):
        if isinstance(b, Text):
            tag, cls = ("p", ' class="small"') if b.kind == "small" else (b.kind, "")
            body.append(f"<{tag}{cls}>{e(b.text)}</{tag}>")
        elif isinstance(b, Bullets):
            body.append(
                ('<ul class="meta">' if b.meta else "<ul>")
                + "".join(
                    f"<li><strong>{e(a)}</strong>{e(r)}</li>" if a.strip() else f"<li>{e(r)}</li>"
                    for a, r in b.items
                )
                + "</ul>"
            )
        elif isinstance(b, Table):

            def cls_(i: int, t: Table = b) -> str:
                return ' class="n"' if i in t.numeric else ' class="k"' if i in t.keep else ""

            body.append(
                "<table><thead><tr>"
                + "".join(f'<th scope="col"{cls_(i)}>{e(h)}</th>' for i, h in enumerate(b.header))
                + "</tr></thead><tbody>"
                + "".join(
                    "<tr>" + "".join(f"<td{cls_(i)}>{e(c)}</td>" for i, c in enumerate(r)) + "</tr>"
                    for r in b.rows
                )
                + "</tbody></table>"
            )
        else:
            body.append(svg(b, f"legend{n}"))
    title = blocks[0].text if blocks and isinstance(blocks[0], Text) else "Report"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} — report</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def svg(grid: grids.Grid, gid: str, cell_w: int = 96, cell_h: int = 34) -> str:
    """A heatmap as inline SVG: coloured cells with their numbers, labels and a legend."""
    labels = [lbl if len(lbl) <= 40 else lbl[:39] + "…" for lbl, _ in grid.rows]
    left = min(330, max(90, 7 * max((len(x) for x in labels), default=0) + 16))
    heads = [textwrap.wrap(c, 12, break_long_words=False) or [""] for c in grid.columns]
    top = 16 * max((len(h) for h in heads), default=1) + 10
    width, ly = left + cell_w * len(grid.columns), top + cell_h * len(grid.rows) + 18
    parts = [
        f'<text x="{left + cell_w * j + cell_w // 2}" y="{top - 8 - 16 * (len(h) - 1 - k)}" '
        f'text-anchor="middle" font-weight="600">{e(line)}</text>'
        for j, h in enumerate(heads)
        for k, line in enumerate(h)
    ]
    for i, ((full, cells), label) in enumerate(zip(grid.rows, labels, strict=True)):
        y = top + cell_h * i
        parts.append(
            f'<text x="{left - 10}" y="{y + cell_h // 2 + 5}" text-anchor="end">'
            f"<title>{e(full)}</title>{e(label)}</text>"
        )
        for j, cell in enumerate(cells):
            x, bg = left + cell_w * j, palette.colour(cell.value)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{bg}" '
                'stroke="#FFFFFF" stroke-width="2"/>'
                if cell.value is not None
                else f'<rect x="{x + 2}" y="{y + 2}" width="{cell_w - 4}" '
                f'height="{cell_h - 4}" fill="#FFFFFF" stroke="#BBBBBB"/>'
            )
            fg = "#000000" if cell.value is None else palette.ink(bg)
            parts.append(
                f'<text x="{x + cell_w // 2}" y="{y + cell_h // 2 + 5}" '
                f'text-anchor="middle" fill="{fg}">{e(cell.text)}</text>'
            )
    stops = "".join(
        f'<stop offset="{k / (len(palette.CIVIDIS) - 1):.3f}" stop-color="{c}"/>'
        for k, c in enumerate(palette.CIVIDIS)
    )
    parts.append(
        f'<defs><linearGradient id="{gid}">{stops}</linearGradient></defs>'
        f'<text x="{left - 10}" y="{ly + 12}" text-anchor="end">0%</text>'
        f'<rect x="{left}" y="{ly}" width="200" height="14" fill="url(#{gid})"/>'
        f'<text x="{left + 208}" y="{ly + 12}">100%</text>'
    )
    return (
        f'<svg role="img" width="{width}" height="{ly + 22}" viewBox="0 0 {width} {ly + 22}" '
        'font-size="13" font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica,'
        f'Arial,sans-serif"><title>{e(grid.title)}</title>{"".join(parts)}</svg>'
    )
