"""The report's and the MOU's templates (outputs/templates/): shipped inside the package, found
through importlib.resources, strict about their fields, and loaded only when a file is written."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from bcr_tui.outputs import templating
from bcr_tui.session.demo import demo_session

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "src" / "bcr_tui" / "outputs" / "templates"
#: Every file the outputs read from the templates folder.
TEMPLATES = {"report.html.j2", "blocks.html.j2", "report.css", "mou.md.j2"}


def test_the_templates_are_found_through_the_installed_package() -> None:
    """By importlib.resources, as an installed bcr finds them (not by a path in the source)."""
    found = files("bcr_tui.outputs").joinpath(templating.FOLDER)
    assert {p.name for p in found.iterdir()} >= TEMPLATES
    for name in TEMPLATES:
        assert found.joinpath(name).read_text("utf-8").strip()
    assert {p.name for p in FOLDER.iterdir()} == TEMPLATES  # a new one: add it above


def test_a_built_wheel_ships_the_templates(tmp_path: Path) -> None:
    """pyproject.toml's wheel target: the templates travel inside the package, so `pip install .`
    (not only an editable install from this checkout) can write a report and a draft."""
    builders = pytest.importorskip("hatchling.builders.wheel")
    wheel = next(builders.WheelBuilder(str(ROOT)).build(directory=str(tmp_path)))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"bcr_tui/outputs/templates/{n}" for n in TEMPLATES} <= names


def test_a_misspelt_field_is_an_error_not_a_blank() -> None:
    """StrictUndefined: a field the template names but is not given stops the draft."""
    import jinja2

    with pytest.raises(jinja2.UndefinedError, match="title"):
        templating.render("mou.md.j2", date="1 May 2026", community="Oxnard")


def test_session_text_is_data_never_template_code() -> None:
    """A value that looks like Jinja is written as it is, escaped for the format, never run."""
    from bcr_tui.outputs import mou, report

    s = demo_session()
    s.title = "{{ 7 * 7 }} {% raw %}"
    s.participants[0].name = "{{ config }}"
    page = report.to_html(report.build(s))
    assert "<title>{{ 7 * 7 }} {% raw %} — report</title>" in page
    assert "<li><strong>{{ config }}</strong>" in page
    assert "By: {{ config }} (typed name & signature)" in mou.draft(s)


def test_writing_needs_jinja2_but_starting_does_not() -> None:
    """Jinja2 (and markupsafe) load only when a report or draft is written: not when the
    outputs' modules are imported, nor when the command line is built."""
    probe = (
        "import json, sys\n"
        "import bcr_tui.outputs.report, bcr_tui.outputs.mou, bcr_tui.outputs.templating\n"
        "from bcr_tui.cli import build_parser\n"
        "build_parser()\n"
        "before = sorted({'jinja2', 'markupsafe'} & set(sys.modules))\n"
        "from bcr_tui.outputs.pages import CSS\n"
        "print(json.dumps([before, CSS.startswith('\\nbody{'), 'jinja2' in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [[], True, False]  # the CSS is read without Jinja2
