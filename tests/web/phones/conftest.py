"""Phone tests: the benchmarks folder (phonesim, ptyapp) and this folder (phonekit) on the path."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
for folder in (ROOT / "benchmarks", ROOT / "tests" / "web" / "phones"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
