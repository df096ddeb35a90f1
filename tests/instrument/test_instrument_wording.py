"""The shipped instruments carry the source documents' wording exactly.

Each test reads a source document from the shared seeds folder (skipped when it is not there) and
compares it with the shipped TOML, read directly with tomllib so a loader bug cannot hide a wording
change. Only the normalisations the seeds README allows are applied: whitespace, the markdown
emphasis markers of the extraction, and the "ways of ways of" glitch.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

INSTRUMENTS = Path(__file__).resolve().parents[2] / "src/bcr_tui/data/instruments"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

PAI_SEED = "001_e9c7fca2baf59d10.txt"
CPAT_SEED = "000_e419ff5a031f1a8e.txt"
LOE_SEED = "004_468b289a55fab802.txt"

PAI_TITLES = [
    "Trust",
    "Shared Values",
    "Organizational Culture",
    "Capacity Building",
    "Integrated Learning",
    "Systems, Structure, and Accountability",
]


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"source document {path} is not available")
    return path.read_text(encoding="utf-8")


def _instrument(name: str) -> dict:
    with (INSTRUMENTS / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _norm(text: str) -> str:
    text = text.replace("ways of ways of", "ways of").replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def _pai_table_rows(seed: str) -> list[tuple[str, str]]:
    """(element, attribute) for every row of the inventory table, in the seed's order."""
    rows: list[tuple[str, str]] = []
    in_table = False
    element = ""
    for line in seed.splitlines():
        if line.startswith("Element\tPartnership Attributes"):
            in_table = True
            continue
        if not line.strip():
            continue
        if "\t" not in line:
            # A heading between the table's pages ("Partnership Assessment Inventory") or the
            # end of the table ("Notes:").
            in_table = in_table and line.strip() == "Partnership Assessment Inventory"
            continue
        if in_table:
            cells = line.split("\t")
            if cells[0].strip():
                element = cells[0].replace("(continued)", "").strip()
            rows.append((element, cells[1].strip()))
    return rows


def test_pai_domain_titles_are_the_table_elements() -> None:
    seed = _seed(PAI_SEED)
    instrument = _instrument("partnership-assessment-inventory")
    titles = [domain["title"] for domain in instrument["domains"]]
    assert titles == PAI_TITLES
    elements = list(dict.fromkeys(element for element, _ in _pai_table_rows(seed)))
    assert elements == PAI_TITLES


def test_pai_item_texts_follow_the_table_in_order() -> None:
    seed = _seed(PAI_SEED)
    instrument = _instrument("partnership-assessment-inventory")
    rows = _pai_table_rows(seed)
    assert len(rows) == 31
    shipped = [
        (domain["title"], item["text"])
        for domain in instrument["domains"]
        for item in domain["items"]
    ]
    assert len(shipped) == 31
    position = 0
    for title, text in shipped:
        while position < len(rows) and text not in rows[position][1]:
            position += 1
        assert position < len(rows), f"{text!r} is not in the seed's table (in order)"
        assert rows[position][0] == title, f"{text!r} belongs to {rows[position][0]!r}"
        position += 1


def test_cpat_items_and_anchors_are_verbatim() -> None:
    seed = _norm(_seed(CPAT_SEED))
    instrument = _instrument("community-partner-assessment-tool")
    rating = [
        item
        for domain in instrument["domains"]
        for item in domain["items"]
        if item.get("kind", "rating") == "rating"
    ]
    assert [item["number"] for item in rating] == [str(n) for n in range(1, 13)]
    for item in rating:
        for key in ("text", "low", "high"):
            assert _norm(item[key]) in seed, f"item {item['number']} {key}: {item[key]!r}"
        # The item's statement is introduced by its number in the seed.
        assert f"{item['number']}. {_norm(item['text'])}" in seed
    for domain in instrument["domains"]:
        if "description" in domain:
            assert f"{domain['title']}: {_norm(domain['description'])}" in seed
    intro = instrument["intro"].replace("{community}", "[COUNTY NAME]")
    assert _norm(intro) in seed
    for question in instrument["profile"]:
        assert _norm(question["text"]) in seed
        for option in question["options"]:
            assert f"□ {option['label']}" in seed, option["label"]


def test_levels_of_engagement_cells_match_the_chart() -> None:
    seed = _seed(LOE_SEED)
    instrument = _instrument("levels-of-engagement")
    lines = seed.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("\tIndependent\t"))
    columns = lines[header].split("\t")[1:]
    chart = [line.split("\t")[1:] for line in lines[header + 1 : header + 4]]
    scale = instrument["scales"]["engagement"]
    points = {point["key"]: point["label"] for point in scale["points"]}
    assert list(points.values()) == columns
    items = [item for domain in instrument["domains"] for item in domain["items"]]
    assert [item["id"] for item in items] == ["information", "resources", "decisions"]
    for item, row in zip(items, chart, strict=True):
        cells = dict(zip(columns, (cell.strip() for cell in row), strict=True))
        for key, label in points.items():
            assert item["point_text"][key] == cells[label], f"{item['id']} / {label}"
