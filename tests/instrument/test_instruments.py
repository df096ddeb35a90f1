"""Instruments: the shipped files validate and hold what the sources hold; validation is strict."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bcr_tui.errors import InstrumentError
from bcr_tui.instrument.load import (
    find_instrument,
    load_instrument,
    parse_instrument,
    shipped_paths,
)
from bcr_tui.instrument.model import fill

SHIPPED_IDS = {
    "communities-of-care",
    "community-partner-assessment-tool",
    "leadership-self-assessment",
    "levels-of-engagement",
    "partnership-assessment-inventory",
}

PAI_TITLES = [
    "Trust",
    "Shared Values",
    "Organizational Culture",
    "Capacity Building",
    "Integrated Learning",
    "Systems, Structure, and Accountability",
]


def _write(tmp_path: Path, text: str, name: str = "inst.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


MINIMAL = """
format = "bcr-instrument/1"
id = "mini"
title = "Mini"
version = "1"
source = "Tests"

[scales.yn]
points = [{ key = "yes", label = "Yes", score = 1.0 }, { key = "no", label = "No", score = 0.0 }]

[[domains]]
id = "d"
title = "D"

[[domains.items]]
id = "a"
scale = "yn"
text = "Item A"
"""


# --------------------------------------------------------------------------- shipped files


def test_five_instruments_are_shipped():
    ids = {load_instrument(p).id for p in shipped_paths()}
    assert ids == SHIPPED_IDS


@pytest.mark.parametrize("path", shipped_paths(), ids=lambda p: p.stem)
def test_every_shipped_instrument_validates(path):
    inst = load_instrument(path)
    assert inst.domains and inst.items
    # Every rating item has a scale the instrument defines; ids are unique.
    for item in inst.rating_items:
        assert item.scale is not None and inst.scales[item.scale.id] is item.scale
    ids = [i.id for i in (*inst.items, *inst.profile)]
    assert len(ids) == len(set(ids))
    assert path.stem == inst.id


def test_pai_domains_and_items(pai):
    assert pai.short_title == "PAI"
    assert [d.title for d in pai.domains] == PAI_TITLES
    assert len(pai.domains) == 6
    assert len(pai.items) == 31
    assert all(i.is_rating for i in pai.items)
    scale = pai.items[0].scale
    assert [p.key for p in scale.points] == ["maintain", "immediate", "future"]
    assert scale.ordinal
    # Display order is not score order: the score order runs immediate < future < maintain.
    assert [p.key for p in scale.score_order()] == ["immediate", "future", "maintain"]
    assert pai.domain_of("trust-3").title == "Trust"
    assert pai.item("no-such-item") is None


@pytest.mark.parametrize("name", ["pai", "PAI", "partnership-assessment-inventory"])
def test_find_instrument_by_id_short_title_or_stem(name):
    assert find_instrument(name).stem == "partnership-assessment-inventory"


def test_find_instrument_unknown_name_lists_shipped_ones():
    with pytest.raises(InstrumentError) as info:
        find_instrument("no-such-thing")
    assert "partnership-assessment-inventory" in str(info.value)


def test_find_instrument_missing_toml_file(tmp_path):
    with pytest.raises(InstrumentError, match="no such instrument file"):
        find_instrument(str(tmp_path / "missing.toml"))


def test_cpat_rating_items_have_anchors_and_three_profile_questions():
    cpat = load_instrument(find_instrument("cpat"))
    ratings = cpat.rating_items
    assert len(ratings) == 12
    for item in ratings:
        assert item.low and item.low.strip(), item.id
        assert item.high and item.high.strip(), item.id
        assert item.low != item.high
    assert len(cpat.profile) == 3
    assert all(q.kind in ("choice", "multichoice") for q in cpat.profile)
    assert all(q.options for q in cpat.profile)


def test_levels_of_engagement_expands_perspectives():
    loe = load_instrument(find_instrument("levels-of-engagement"))
    assert loe.perspectives == {"now": "Where we are now", "want": "Where we want to be"}
    ids = [i.id for i in loe.items]
    assert ids[:2] == ["information-now", "information-want"]
    assert len(ids) == 6
    for item in loe.items:
        base, _, perspective = item.id.rpartition("-")
        assert item.pair == base
        assert item.perspective == perspective
        assert item.perspective_label == loe.perspectives[perspective]
        assert item.point_text, "each cell of the chart has its text"
    assert {i.pair for i in loe.items} == {"information", "resources", "decisions"}


def test_perspectives_must_be_declared(tmp_path):
    path = _write(tmp_path, MINIMAL + 'perspectives = ["later"]\n')
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    assert "domains[0].items[0].perspectives[0]: no perspective 'later' in [perspectives]" in (
        info.value.problems
    )


def test_expanded_perspective_ids_clash_with_existing_ids(tmp_path):
    text = (
        MINIMAL.replace('id = "a"', 'id = "a-now"')
        + """
[[domains.items]]
id = "a"
scale = "yn"
text = "Item A"
perspectives = ["now"]
"""
    )
    text = text.replace('source = "Tests"', 'source = "Tests"\nperspectives = { now = "Now" }')
    with pytest.raises(InstrumentError) as info:
        load_instrument(_write(tmp_path, text))
    assert any('duplicate id "a-now"' in p for p in info.value.problems)


# --------------------------------------------------------------------------- validation

MANY_ERRORS = """
format = "bcr-instrument/1"
id = "broken"
title = "Broken"
version = "1"
source = "Tests"
colour = "red"

[scales.bad-score]
points = [{ key = "yes", label = "Yes", score = 2 }, { key = "no", label = "No", score = 0 }]

[scales.mixed]
points = [{ key = "yes", label = "Yes", score = 1.0 }, { key = "no", label = "No" }]

[[domains]]
id = "d"
title = "D"

[[domains.items]]
id = "a"
scale = "mixed"
text = "First"

[[domains.items]]
id = "a"
scale = "bad-score"
text = "Second, same id"

[[domains.items]]
id = "c"
text = "A rating item without a scale"
"""


def test_validation_reports_every_problem_with_key_paths(tmp_path):
    path = _write(tmp_path, MANY_ERRORS)
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    exc = info.value
    problems = exc.problems
    expected = {
        "duplicate": "domains[0].items[1].id: duplicate id",
        "unknown key": "colour: unknown key",
        "missing scale": "domains[0].items[2].scale: missing",
        "bad score": "scales.bad-score.points[0].score: must be a number from 0 to 1",
        "mixed": "scales.mixed.points: give every point a score, or none",
    }
    for what, fragment in expected.items():
        assert any(fragment in p for p in problems), f"{what} not reported: {problems}"
    assert len(problems) == 5, problems
    # The duplicate names where the first one is.
    dup = next(p for p in problems if "duplicate id" in p)
    assert dup == 'domains[0].items[1].id: duplicate id "a" (also at domains[0].items[0])'
    # The exception names the file, and its text lists every problem.
    assert exc.path == path
    assert str(exc).startswith(f"{path}: 5 problems:")
    for problem in problems:
        assert problem in str(exc)


def test_unknown_keys_are_errors_at_every_level(tmp_path):
    text = MINIMAL.replace('text = "Item A"', 'text = "Item A"\ncolour = "blue"')
    text = text.replace('title = "D"', 'title = "D"\nshape = "round"')
    with pytest.raises(InstrumentError) as info:
        load_instrument(_write(tmp_path, text))
    assert sorted(info.value.problems) == [
        "domains[0].items[0].colour: unknown key",
        "domains[0].shape: unknown key",
    ]


def test_missing_required_top_level_keys(tmp_path):
    path = _write(tmp_path, 'format = "bcr-instrument/1"\n')
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    for key in ("id", "title", "version", "source", "domains"):
        assert f"{key}: missing" in info.value.problems


def test_wrong_format_is_refused(tmp_path):
    path = _write(tmp_path, MINIMAL.replace("bcr-instrument/1", "bcr-session/1"))
    with pytest.raises(InstrumentError, match="this is not a bcr instrument file"):
        load_instrument(path)


@pytest.mark.parametrize("bad_id", ["Trust", "trust_1", "-trust", "trust 1", "trust\n", ""])
def test_invalid_ids_are_refused(tmp_path, bad_id):
    text = MINIMAL.replace('id = "a"', f"id = {_toml_str(bad_id)}")
    with pytest.raises(InstrumentError) as info:
        load_instrument(_write(tmp_path, text))
    assert any(p.startswith("domains[0].items[0].id:") for p in info.value.problems)


def test_reserved_abstain_key_and_scale_size(tmp_path):
    text = MINIMAL.replace(
        '{ key = "no", label = "No", score = 0.0 }',
        '{ key = "abstain", label = "Pass", score = 0.0 }',
    )
    with pytest.raises(InstrumentError, match="reserved for abstentions"):
        load_instrument(_write(tmp_path, text))
    one_point = MINIMAL.replace(', { key = "no", label = "No", score = 0.0 }', "")
    with pytest.raises(InstrumentError, match="must have 2 to 9 points"):
        load_instrument(_write(tmp_path, one_point, "one.toml"))


def test_options_required_for_choice_and_fields_only_where_they_apply(tmp_path):
    text = (
        MINIMAL
        + """
[[domains.items]]
id = "b"
kind = "choice"
text = "Pick"
scale = "yn"
"""
    )
    with pytest.raises(InstrumentError) as info:
        load_instrument(_write(tmp_path, text))
    assert sorted(info.value.problems) == [
        "domains[0].items[1].options: missing (this kind of item needs them)",
        "domains[0].items[1].scale: does not apply to a choice item",
    ]


def test_broken_toml_names_the_line(tmp_path):
    path = _write(tmp_path, 'format = "bcr-instrument/1"\nid = "x"\ntitle = "unterminated\n')
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    text = str(info.value)
    assert text.startswith(f"{path}: is not valid TOML")
    assert "line 3" in text


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder, not a file"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00bad"), "is not a text file (not UTF-8)"),
    ],
    ids=["missing", "folder", "binary"],
)
def test_unreadable_files_give_one_sentence(tmp_path, setup, expected):
    path = tmp_path / "inst.toml"
    setup(path)
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    assert str(info.value) == f"{path}: {expected}"


def test_parse_instrument_rejects_non_tables():
    for data in (None, [], "text", 3):
        with pytest.raises(InstrumentError) as info:
            parse_instrument(data, "here.toml")
        assert "must be a table" in str(info.value)
        assert str(info.value).startswith("here.toml: ")


def test_minimal_instrument_loads(tmp_path):
    inst = load_instrument(_write(tmp_path, MINIMAL))
    assert inst.id == "mini"
    assert inst.default_mode == "round-robin"
    assert [i.id for i in inst.items] == ["a"]


# --------------------------------------------------------------------------- {community}


def test_fill_replaces_community():
    assert fill("Welcome, {community}!", "Ventura") == "Welcome, Ventura!"
    assert fill("No placeholder", "Ventura") == "No placeholder"


def test_fill_avoids_county_county():
    text = "{community} County Collaborative serves {community} County."
    assert fill(text, "Ventura County") == "Ventura County Collaborative serves Ventura County."
    assert fill(text, "Ventura") == "Ventura County Collaborative serves Ventura County."
    assert fill(text, "  ventura county ") == "ventura county Collaborative serves ventura county."
    # "County" followed by more letters is a different word.
    assert fill("{community} Countywide", "Kern County") == "Kern County Countywide"


@pytest.mark.parametrize("community", ["", None])
def test_fill_without_community_shows_the_source_placeholder(community):
    assert fill("{community} County plan", community) == "[COUNTY NAME] County plan"


def test_cpat_intro_never_reads_county_county():
    cpat = load_instrument(find_instrument("cpat"))
    assert "{community} County" in cpat.intro
    filled = fill(cpat.intro, "Ventura County")
    assert "County County" not in filled
    assert "{community}" not in filled
    assert "Ventura County Family & Children's Mental Health" in filled


def _toml_str(text: str) -> str:
    from bcr_tui.tomlio import toml_string

    return toml_string(text)


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ("[actions]\nprompt = 3\n", "actions.prompt: must be a string, not a number"),
        ('[actions]\nstep = "Step"\n', "actions.prompt: missing"),
        ('[actions]\nprompt = "P"\nwhen = "x"\n', "actions.when: unknown key"),
    ],
)
def test_actions_table_is_validated(tmp_path, table, problem):
    with pytest.raises(InstrumentError) as info:
        load_instrument(_write(tmp_path, MINIMAL + table))
    assert info.value.problems == [problem]


def test_every_text_is_limited_in_length(tmp_path):
    huge = "x" * 20_001
    text = MINIMAL.replace('text = "Item A"', f'text = "Item A"\npoint_text = {{ yes = "{huge}" }}')
    text = text.replace(
        'source = "Tests"', f'source = "Tests"\nperspectives = {{ now = "{huge}" }}'
    )
    with pytest.raises(InstrumentError) as info:
        load_instrument(_write(tmp_path, text))
    assert sorted(info.value.problems) == [
        "domains[0].items[0].point_text.yes: longer than 20000 characters",
        "perspectives.now: longer than 20000 characters",
    ]
