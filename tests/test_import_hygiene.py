"""The core never imports Textual, and polars only where it is used: proved in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = ["instruments", "session", "sessionfile", "store", "turns", "roster", "demo", "cli",
        "commands"]
HEAVY = ["textual", "polars"]

PROBE = f"""
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
print(json.dumps(heavy))
"""


def _heavy_after_importing(*modules: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_core_modules_together_load_neither_textual_nor_polars():
    assert _heavy_after_importing(*(f"bcr_tui.{m}" for m in CORE)) == []


@pytest.mark.parametrize("module", CORE)
def test_each_core_module_alone(module):
    assert _heavy_after_importing(f"bcr_tui.{module}") == []


def test_building_the_command_line_stays_light():
    probe = PROBE.replace("for name in sys.argv[1:]:\n    importlib.import_module(name)\n",
                          "from bcr_tui.cli import build_parser\nbuild_parser()\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_the_probe_can_see_a_heavy_import():
    # Without this, a broken probe would pass every test above.
    assert _heavy_after_importing("textual.app") == ["textual"]
