"""Instruments from files: the shipped ones, finding one by name, loading and validating.

Validation collects *every* problem with file, path and expectation before raising
(`instrument.validation`), so an author fixes a file in one pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bcr_tui.errors import InstrumentError
from bcr_tui.instrument.model import Instrument
from bcr_tui.tomlio import read_toml

# --------------------------------------------------------------------------- loading


def shipped_dir() -> Path:
    """The folder of instruments shipped with the package."""
    from importlib import resources  # here, not at the top: opening a session never needs it

    return Path(str(resources.files("bcr_tui") / "data" / "instruments"))


def shipped_paths() -> list[Path]:
    """Paths of every shipped instrument file, sorted by name."""
    return sorted(shipped_dir().glob("*.toml"))


def find_instrument(name: str) -> Path:
    """Resolve an instrument argument: a file path, or a shipped id, short title or file stem."""
    path = Path(name).expanduser()
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise InstrumentError(path, ["no such instrument file"])
        return path
    wanted = name.strip().lower()
    for candidate in shipped_paths():
        if candidate.stem == wanted:
            return candidate
    for candidate in shipped_paths():
        try:
            inst = load_instrument(candidate)
        except InstrumentError:
            continue
        if wanted in (inst.id, (inst.short_title or "").lower()):
            return candidate
    known = ", ".join(p.stem for p in shipped_paths())
    raise InstrumentError(name, [f"no instrument of that name (shipped: {known})"])


def load_instrument(path: Path | str) -> Instrument:
    """Read and validate an instrument file; raises `InstrumentError` listing every problem."""
    path = Path(path)
    data = read_toml(path, InstrumentError)
    return parse_instrument(data, path, strict=True)


def parse_instrument(data: Any, origin: Path | str, *, strict: bool = False) -> Instrument:
    """Validate a parsed instrument document; raises `InstrumentError` listing every problem.

    Texts with control or invisible characters are cleaned, or with `strict` (an instrument
    file) reported as problems."""
    from bcr_tui.instrument.validation import Checker

    check = Checker(strict=strict)
    try:
        instrument = check.instrument(data)
    except RecursionError:
        raise InstrumentError(origin, ["nested too deeply to be an instrument"]) from None
    if check.problems or instrument is None:
        raise InstrumentError(origin, check.problems or ["not an instrument"])
    return instrument
