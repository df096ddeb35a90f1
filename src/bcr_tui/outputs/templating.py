"""The one place bcr's output templates (`outputs/templates/`) are loaded and filled in.

The report's page (`report.html.j2`, its blocks and heatmaps in `blocks.html.j2`, its style in
`report.css`) and the MOU draft (`mou.md.j2`) are files beside the code rather than Python
strings, so their wording and markup read (and diff) as what they are.

Why Jinja2 (3.1), not `str.format` or `string.Template`: it is already installed (textual-serve
brings it through aiohttp-jinja2), pure Python, and it makes the safe thing the default:

- every value is escaped on its way into a template, for the format the template writes: with
  `html.escape` in an `.html.j2` (the same entities as before, `&#x27;` and `&quot;`, where
  markupsafe's own escape writes `&#39;` and `&#34;`), with `pages.md` in a `.md.j2` (no tag,
  link, emphasis or table cell from a name). Session text (names, notes, organisations, the
  community) is hostile; a template cannot forget to escape it. Only `Markup` passes unescaped:
  the CSS and what the HTML macros themselves write;
- `StrictUndefined`: a misspelt field is an error when the file is written (and in the tests),
  not a silent blank in a signed MOU.

Markdown templates use no macros: outside autoescape a macro's output is a plain string, which
would be escaped a second time. Jinja2 is imported only here, inside `_environment`, so that
starting bcr never pays for it (tests/outputs/test_templates.py).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

#: The folder of templates inside this package (shipped in the wheel:
#: tests/outputs/test_templates.py).
FOLDER = "templates"


def render(name: str, /, **values: Any) -> str:
    """The template `name` (e.g. "mou.md.j2") filled in with `values`, each escaped for the
    template's format (HTML or Markdown, from the name)."""
    return _environment(_format(name)).get_template(name).render(**values)


def read(name: str) -> str:
    """A data file from the templates folder as it is (the report's CSS)."""
    return files("bcr_tui.outputs").joinpath(FOLDER, name).read_text("utf-8")


def trusted(text: str) -> Any:
    """`text` to be written into an HTML template as it is, unescaped: only for bcr's own files
    (the CSS), never for anything a session holds."""
    from markupsafe import Markup

    return Markup(text)


def _format(name: str) -> str:
    kind = name.removesuffix(".j2").rpartition(".")[2]
    if kind not in ("html", "md"):
        raise ValueError(f"no escaping is known for the template {name!r}")
    return kind


@cache
def _environment(kind: str) -> Any:
    """One environment per output format: HTML (autoescaped) or Markdown (every value through
    `pages.md`). Blocks lose the newline after them (`trim_blocks`) and the indentation before
    them (`lstrip_blocks`); a template's last newline is kept."""
    import jinja2
    from markupsafe import Markup

    if kind == "html":
        from bcr_tui.outputs.pages import e

        def finalize(value: Any) -> Any:
            return value if isinstance(value, Markup) else Markup(e(value))

    else:
        from bcr_tui.outputs.pages import md as finalize

    return jinja2.Environment(
        loader=jinja2.PackageLoader("bcr_tui.outputs", FOLDER),
        autoescape=kind == "html",
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
