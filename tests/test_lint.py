"""The house rules, run by the suite: import contracts, ruff's lint rules and ruff's formatting.

Each tool runs from the environment that runs the tests (the venv's bin), on the whole tree, so a
module that reaches across a layer, an unused import or an unformatted file fails here and not
only in CI. A tool that is not installed skips its test with the reason (the `test` extra has them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "tests", "benchmarks"]


def _tool(name: str) -> Path:
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        pytest.skip(f"{name} is not installed in this environment (pip install -e '.[test]')")
    return path


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_import_contracts_are_kept():
    """The layers run one way; no Textual or polars below the UI; the analysis touches no file."""
    result = _run(_tool("lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = _run(_tool("ruff"), "check", "--no-cache", "--output-format", "concise", *CHECKED)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_the_tree_is_formatted():
    result = _run(_tool("ruff"), "format", "--check", "--no-cache", *CHECKED)
    assert result.returncode == 0, (
        "run `ruff format src tests benchmarks` (its own commit):\n"
        + result.stdout[-4000:]
        + result.stderr[-2000:]
    )
