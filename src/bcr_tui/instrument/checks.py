"""The primitives of instrument validation: `FieldChecker` reads one value of a parsed TOML
document at a key path (a table and its keys, a string, an id, an array, a list of key/label
tables), cleans its text, and collects a problem with the path (`domains[2].items[4].id: ...`)
instead of raising. Apart from `instrument_validation`, which walks the document's structure
with these, so that the walk reads as the format does (`docs/instrument-format.md`).
"""

from __future__ import annotations

from typing import Any

from bcr_tui.instrument.model import ID_PATTERN, MAX_TEXT, Option
from bcr_tui.plaintext import printable, unclean


class FieldChecker:
    """Checks single fields at key paths, collecting problems; `strict`: unclean text is one."""

    def __init__(self, *, strict: bool = False) -> None:
        self.problems: list[str] = []
        self.strict = strict

    def clean(self, value: str, where: str) -> str:
        """`value` cleaned for the terminal; in `strict` mode what was dropped is a problem."""
        kept = printable(value)
        if kept != value and self.strict:
            self.bad(
                where,
                "contains control or invisible characters ("
                + ", ".join(unclean(value))
                + "); remove them",
            )
        return kept

    def bad(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    # -- primitives ------------------------------------------------------------------------
    def table(self, value: Any, where: str, allowed: set[str], required: set[str]) -> bool:
        if not isinstance(value, dict):
            self.bad(where, f"must be a table, not {kind_of(value)}")
            return False
        for key in value:
            if key not in allowed:
                self.bad(_join(where, key), "unknown key")
        for key in sorted(required - value.keys()):
            self.bad(_join(where, key), "missing")
        return True

    def string(self, table: dict, key: str, where: str, *, required: bool = False) -> str | None:
        value = table.get(key)
        if value is None:
            if required and key in table:
                self.bad(_join(where, key), "missing")
            return None
        if not isinstance(value, str):
            self.bad(_join(where, key), f"must be a string, not {kind_of(value)}")
            return None
        if required and not value.strip():
            self.bad(_join(where, key), "must not be empty")
        if len(value) > MAX_TEXT:
            self.bad(_join(where, key), f"longer than {MAX_TEXT} characters")
            return None
        return self.clean(value, _join(where, key))

    def ident(self, table: dict, key: str, where: str) -> str | None:
        value = self.string(table, key, where, required=True)
        if value is not None and not ID_PATTERN.match(value):
            self.bad(_join(where, key), f"{value!r} is not a valid id (use a-z, 0-9 and -)")
            return None
        return value

    def array(self, table: dict, key: str, where: str, *, required: bool = False) -> list:
        value = table.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(_join(where, key), f"must be an array, not {kind_of(value)}")
            return []
        if required and not value:
            self.bad(_join(where, key), "must not be empty")
        return value

    def strings(self, table: dict, key: str, where: str) -> tuple[str, ...]:
        out = []
        for n, value in enumerate(self.array(table, key, where)):
            if isinstance(value, str) and len(value) <= MAX_TEXT:
                out.append(self.clean(value, f"{_join(where, key)}[{n}]"))
            else:
                self.bad(f"{_join(where, key)}[{n}]", "must be a string")
        return tuple(out)

    def options(self, raw: dict, key: str, where: str, *, required: bool) -> tuple[Option, ...]:
        """An array of {key, label} tables, keys unique: a choice's options, a table's columns."""
        out: list[Option] = []
        keys: set[str] = set()
        values = self.array(raw, key, where)
        if required and not values:
            self.bad(f"{where}.{key}", "missing (this kind of item needs them)")
        for n, spec in enumerate(values):
            ow = f"{where}.{key}[{n}]"
            if not self.table(spec, ow, {"key", "label"}, {"key", "label"}):
                continue
            okey = self.ident(spec, "key", ow)
            if okey in keys:
                self.bad(f"{ow}.key", f'duplicate key "{okey}"')
            label = self.string(spec, "label", ow, required=True)
            if okey and label is not None:
                keys.add(okey)
                out.append(Option(okey, label))
        return tuple(out)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else str(key)


def kind_of(value: Any) -> str:
    """What `value` is, in a problem's words: "a table", "an array", "a string"..."""
    return {
        dict: "a table",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
