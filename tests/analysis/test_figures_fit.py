"""Figures that fit each instrument (issue 16, items 4, 5, 10, 14, 15): Communities of Care's
Yes/No/Unsure heatmaps and Step 5 conditions, Levels of Engagement's now/want figures whose gap
adds up, counts read with their labels, written answers, the XLSX summary, the 256-colour ramp
and the answer cards' layouts."""

from __future__ import annotations

import re
import zipfile

import pytest

from bcr_tui.analysis import findings, grids
from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.outputs import colour_scale, export, report
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore

PEOPLE = [(f"P{n}", None) for n in range(16)]


def _session(instrument: str, people=PEOPLE, **options):
    return new_session(load_instrument(find_instrument(instrument)), "T", people, **options)


def _coc_all_no():
    s = _session("communities-of-care", None, mode="group")
    for item in s.instrument.rating_items:
        s.record("group", item.id, "no" if item.scale.id == "yes-no" else "unsure")
    s.record("group", "step-1-why", "So that no student falls through")
    return s


def test_communities_of_care_has_a_heatmap_per_step_and_for_the_conditions():
    """It said "No figures" after Yes/No/Unsure answers (three scales, no scores)."""
    s = _coc_all_no()
    found = grids.grids(s)
    assert [g.title for g in found] == ["Share of answers per domain", "Step 5: each condition"]
    steps = found[0]
    assert steps.columns == ("Yes", "No", "Unsure", "answers")
    rows = {label: [c.text for c in cells] for label, cells in steps.rows}
    assert rows["Step 1"] == ["0%", "0%", "100%", "5"]
    assert rows["Step 5"] == ["0%", "50%", "50%", "10"]
    conditions = found[1]
    assert len(conditions.rows) == 5 and conditions.columns == ("Yes", "No", "answers")
    assert all([c.text for c in cells] == ["0%", "100%", "1"] for _, cells in conditions.rows)


def test_every_condition_answered_no_and_every_written_answer_is_in_the_readout():
    f = findings.findings(_coc_all_no())
    assert [x.title for x in f.missing] == [
        "Regular data collection related to mental health and well-being",
        "Data management and analysis systems in place",
        "Regular evaluation of data",
        "Routines to support executing your vision",
        "Periodic re-evaluation and refinement of vision, goals, and strategies",
    ]
    assert all(x.figures == "not in place · Yes 0 · No 1" for x in f.missing)
    assert f.written == (("Why does your care team exist?", ("So that no student falls through",)),)
    text = report.to_markdown(report.build(_coc_all_no()))
    assert "## Conditions not in place" in text and "Regular evaluation of data" in text


def _loe(now: list[str], want: list[str]):
    s = _session("levels-of-engagement")
    for person, n, w in zip(s.participants, now, want, strict=True):
        s.record(person.id, "information-now", n)
        s.record(person.id, "information-want", w)
    return s


def test_levels_of_engagement_gap_is_the_difference_of_the_figures_shown():
    """ "6% → 69% (gap 62 points)": 0.0625 and 0.6875 round to 6 and 69, whose gap is 63."""
    now = ["informing"] * 4 + ["independent"] * 12  # mean 0.0625
    want = ["aligning"] * 4 + ["involving"] * 4 + ["consulting"] * 8  # mean 0.6875
    s = _loe(now, want)
    f = findings.findings(s)
    assert [g.figures for g in f.gaps] == [
        "now 6% (about Independent) → want 69% (about Involving): +63 points"
    ]
    grid = grids.now_and_want(s)
    assert [c.text for c in grid.rows[0][1]] == ["6%", "69%", "+63"]


def test_levels_of_engagement_never_pools_now_and_want_and_names_the_perspective():
    now = ["independent", "aligning"] * 8  # split: contested
    want = ["aligning"] * 16
    s = _loe(now, want)
    answers = grids.domain_answers(s)
    assert [label for label, _ in answers.rows] == [
        "Flow: now",
        "Flow: want",
        "Links: now",
        "Links: want",
    ]
    assert [c.text for c in answers.rows[0][1]] == ["50%", "0%", "0%", "0%", "50%", "16"]
    assert [c.text for c in answers.rows[1][1]] == ["0%", "0%", "0%", "0%", "100%", "16"]
    f = findings.findings(s)
    assert [x.title for x in f.contested] == ["Flow of information (Where we are now)"]
    text = report.to_markdown(report.build(s))
    assert "answers at none" not in text and "Strength share" not in text
    assert "Priority share" not in text
    assert "| Flow: now | 16 | 0 | 50% |" in text and "| Flow: want | 16 | 0 | 100% |" in text


def test_counts_are_read_with_their_labels():
    s = _session("community-partner-assessment-tool", PEOPLE[:4])
    item = s.instrument.rating_items[0]
    for person, key in zip(s.participants, ["5", "5", "3", "abstain"], strict=True):
        s.record(person.id, item.id, key)
    stats = findings.analysis.item_stats(s, item)
    assert findings.spread(s, stats) == "1 rated it 3 · 2 rated it 5 (high) · 1 abstained"
    pai = _session("pai", PEOPLE[:2])
    pai.record("p01", "trust-1", "future")
    assert (
        findings.spread(pai, findings.analysis.item_stats(pai, pai.instrument.item("trust-1")))
        == "Maintain 0 · Immediate 0 · Future 1"
    )


def test_the_xlsx_summary_leaves_unanswered_domains_empty_and_numbers_as_numbers(tmp_path):
    """Issue 16.15: consensus 1 for a domain with no answers, "3" stored as text, sheets
    summary-1…N, shares as fractions."""
    s = _session("community-partner-assessment-tool", PEOPLE[:2])
    first = s.instrument.rating_items[0]
    s.record("p01", first.id, "3")
    other = _session("community-partner-assessment-tool", PEOPLE[:2])
    other.title = "History"  # Excel's reserved name
    third = _session("community-partner-assessment-tool", PEOPLE[:2])
    third.title = "A very long session title: with [brackets] / and more, and more"
    paths = []
    for n, session in enumerate((s, other, third)):
        session.id = f"s{n}"
        paths.append(tmp_path / f"s{n}.toml")
        SessionStore.create(paths[-1], session).close()
    out = tmp_path / "x.xlsx"
    export.export_files(paths, "xlsx", out, anonymize=False)
    with zipfile.ZipFile(out) as z:
        book = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]*)"', book)
        assert names == ["data", "T", "History (session)", "A very long session title with"]
        assert all(len(n) <= 31 for n in names)
        data = z.read("xl/worksheets/sheet1.xml").decode()
        summary = z.read("xl/worksheets/sheet2.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    # the answer "3" and its label are numbers (no t="s"), the answered domain has figures
    answer_cells = re.findall(r'<c r="K2"[^>]*>(.*?)</c>', data)
    assert answer_cells == ["<v>3</v>"]
    rows = re.findall(r"<row [^>]*>(.*?)</row>", summary)
    assert len(rows) == 1 + len([d for d in s.instrument.domains if d.rating_items])
    unanswered = rows[2]
    assert len(re.findall(r"<c ", unanswered)) == 3  # title, answers 0, abstentions 0
    assert "0%" in styles  # shares in percent, as the report shows them


def test_sheet_names_are_excel_safe_and_unique():
    taken = {"data"}
    names = []
    for title in ("Q1", "q1", "'Quoted'", "a/b\\c?d*e:f[g]", "x" * 40, "x" * 40, "\x1b]0;t"):
        names.append(export.sheet_name(title, taken))
        taken.add(names[-1].lower())
    assert names == ["Q1", "q1 (2)", "Quoted", "a b c d e f g", "x" * 31, "x" * 27 + " (2)", "0;t"]


def test_the_256_colour_ramp_stays_in_order():
    """Rich's downgrade of cividis to 256 colours put 0.70 lighter than 0.75; RAMP_256 does not,
    and each of its colours is one xterm shows as it is."""
    from rich.color import Color, ColorSystem

    def to_256(colour: str) -> str:
        r, g, b = Color.parse(colour).downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
        return f"#{r:02X}{g:02X}{b:02X}"

    light = [colour_scale.luminance(c) for c in colour_scale.RAMP_256]
    assert light == sorted(light) and len(set(light)) == len(light)
    steps = [colour_scale.colour(v / 100, 256) for v in range(101)]
    light = [colour_scale.luminance(c) for c in steps]
    assert light == sorted(light)
    assert all(to_256(c) == c for c in colour_scale.RAMP_256)
    downgraded = [colour_scale.luminance(to_256(colour_scale.colour(v / 20))) for v in range(21)]
    assert downgraded != sorted(downgraded)  # why the ramp exists


@pytest.mark.parametrize(
    "size,layout",
    [((100, 30), "list"), ((80, 24), "list"), ((64, 18), "compact"), ((200, 50), "cards")],
)
def test_answer_cards_never_break_a_word(size, layout):
    from bcr_tui.tui.widgets.scale import _choices, layout_for

    item = load_instrument(find_instrument("levels-of-engagement")).rating_items[0]
    labels = [(label, detail) for _, label, detail in _choices(item)]
    assert layout_for(labels, size[0] - 8, size[1]) == layout
    pai = load_instrument(find_instrument("pai")).rating_items[0]
    assert layout_for([(lbl, d) for _, lbl, d in _choices(pai)], 72, 24) == "cards"


def test_heatmap_headings_never_break_a_word():
    from bcr_tui.tui.widgets.heatmap import _headings

    heads = _headings(("Independent", "Informing", "Consulting", "Needs immediate attention"), 10)
    assert heads == [["Independ…"], ["Informing"], ["Consulti…"], ["Needs", "immediate"]]
