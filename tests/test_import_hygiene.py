"""The core never imports Textual, and polars only where it is used: proved in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = [
    "instrument.model",
    "instrument.load",
    "session.state",
    "session.records",
    "session.values",
    "session.history",
    "session.roster_steps",
    "session.folds",
    "storage.render",
    "storage.parse",
    "storage.store",
    "session.turns",
    "session.roster",
    "session.demo",
    "cli",
    "commands",
    "plaintext",
    "gcpause",
    "analysis.counts",
    "analysis.figures",
    "analysis.segments",
    "analysis.perspective_gaps",
    "outputs.report",
    "outputs.report_sections",
    "outputs.dataset",
    "outputs.dataset_parts",
    "instrument.validation",
    "instrument.checks",
]
HEAVY = ["textual", "polars"]

PROBE = f"""
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
print(json.dumps(heavy))
"""


def _heavy_after_importing(*modules: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_core_modules_together_load_neither_textual_nor_polars():
    assert _heavy_after_importing(*(f"bcr_tui.{m}" for m in CORE)) == []


@pytest.mark.parametrize("module", CORE)
def test_each_core_module_alone(module):
    assert _heavy_after_importing(f"bcr_tui.{module}") == []


def test_building_the_command_line_stays_light():
    probe = PROBE.replace(
        "for name in sys.argv[1:]:\n    importlib.import_module(name)\n",
        "from bcr_tui.cli import build_parser\nbuild_parser()\n",
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_the_probe_can_see_a_heavy_import():
    # Without this, a broken probe would pass every test above.
    assert _heavy_after_importing("textual.app") == ["textual"]


#: What the meeting screen's first frame must not wait for: the analysis across a session (the
#: live heatmap needs only `counts`), exports, writing TOML (the first save imports it), the
#: bundled instrument files, and the phones (their join panel is mounted after the first frame;
#: the phone server only with `j` or `--phones`). A name covers its submodules.
NOT_FOR_THE_FIRST_FRAME = [
    "polars",
    "xlsxwriter",
    "bcr_tui.analysis.figures",
    "bcr_tui.analysis.segments",
    "bcr_tui.analysis.perspective_gaps",
    "bcr_tui.outputs.export",
    "tomli_w",
    "importlib.resources",
    "bcr_tui.web",
    "bcr_tui.tui.widgets.joinpanel",
    "aiohttp",
    "segno",
]


def test_the_meeting_screen_first_frame_imports_only_what_it_needs(tmp_path):
    """A real `bcr open`, headless, to its first full frame: the modules loaded by then (when
    Textual reports the first frame on screen: `on_ready`)."""
    from bcr_tui.session.demo import demo_session
    from bcr_tui.storage.store import SessionStore

    path = tmp_path / "demo.toml"
    SessionStore.create(path, demo_session()).close()
    probe = (
        "import os, sys, json\n"
        "os.environ['BCR_EXIT_AFTER_FIRST_FRAME'] = '1'\n"
        "from pathlib import Path\n"
        "from bcr_tui.storage.store import SessionStore\n"
        "from bcr_tui.tui.factory import make_app\n"
        "from bcr_tui.tui.app import BcrApp\n"
        "seen = []\n"
        "ready = BcrApp.on_ready\n"
        "def on_ready(self):\n"
        "    seen.extend(sys.modules)\n"
        "    ready(self)\n"
        "BcrApp.on_ready = on_ready\n"
        f"app = make_app(SessionStore.open(Path({str(path)!r})))\n"
        "app.run(headless=True, size=(100, 30))\n"
        f"heavy = {NOT_FOR_THE_FIRST_FRAME!r}\n"
        "print(json.dumps(sorted(m for m in seen if any(m == h or m.startswith(h + '.') "
        "for h in heavy))))\n"
        "print(json.dumps('bcr_tui.tui.screens.meeting' in seen))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded, meeting = result.stdout.strip().splitlines()[-2:]
    assert json.loads(meeting) is True  # it did get as far as the meeting screen
    assert json.loads(loaded) == []
