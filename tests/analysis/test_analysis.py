"""Analysis of one session: consensus, item and domain figures, lists, segments, gaps."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcr_tui.analysis import figures as an
from bcr_tui.analysis import perspective_gaps as pg
from bcr_tui.analysis import segments as sg
from bcr_tui.analysis.counts import CountMemo, domain_counts
from bcr_tui.instrument.load import find_instrument, load_instrument, parse_instrument
from bcr_tui.session.demo import demo_session
from bcr_tui.session.records import GROUP, TALLY
from bcr_tui.session.state import new_session

ABCD = [("Ana", None), ("Ben", None), ("Cy", None), ("Dee", None)]
PAI_SCORE = {"maintain": 1.0, "immediate": 0.0, "future": 0.5}


@pytest.fixture(scope="module")
def loe():
    return load_instrument(find_instrument("levels-of-engagement"))


@pytest.fixture(scope="module")
def coc():
    return load_instrument(find_instrument("communities-of-care"))


@pytest.fixture(scope="module")
def cpat():
    return load_instrument(find_instrument("cpat"))


def _rate(session, item_id, *keys):
    """Record keys for p01, p02, … in order (None skips that person)."""
    for person, key in zip(session.participants, keys, strict=False):
        if key is not None:
            session.record(person.id, item_id, key)


def _item(session, item_id, **kw):
    return an.item_stats(session, session.instrument.item(item_id), **kw)


# --------------------------------------------------------------------------- consensus


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([2, 0, 2], 0.0),  # even split between the extremes
        ([1, 1], 0.0),
        ([4], 1.0),
        ([0, 4, 0], 1.0),
        ([0, 0, 7], 1.0),
        ([1, 1, 1], 1 / 3),  # 1 + (1/3)(2·log2(1/2) + log2 1)
        ([1, 0, 1, 0, 0], 1 + math.log2(0.75)),  # μ = 2, d = 4: both terms log2(3/4)
        ([2, 0, 1], 1 + (2 / 3) * math.log2(2 / 3) + (1 / 3) * math.log2(1 / 3)),
    ],
)
def test_consensus_hand_computed(counts, expected):
    assert an.consensus(counts) == pytest.approx(expected, abs=1e-12)


def test_consensus_uses_scores_as_positions():
    # Positions 0, 0.25, 1: μ = 0.125, d = 1, both terms log2(0.875).
    assert an.consensus([1, 1, 0], [0.0, 0.25, 1.0]) == pytest.approx(1 + math.log2(0.875))
    # Default positions 1, 2, 3: μ = 1.5, d = 2, both terms log2(0.75).
    assert an.consensus([1, 1, 0]) == pytest.approx(1 + math.log2(0.75))
    assert an.consensus([2, 0, 2], [0.0, 0.5, 1.0]) == 0.0


def test_consensus_with_no_answers_is_defined():
    assert an.consensus([0, 0, 0]) == 1.0
    assert an.consensus([]) == 1.0
    assert an.consensus([3], [0.5]) == 1.0


def test_consensus_rejects_bad_input():
    with pytest.raises(ValueError):
        an.consensus([1, 2], [0.0, 0.5, 1.0])
    with pytest.raises(ValueError):
        an.consensus([1, -1, 2])
    with pytest.raises(ValueError):
        an.consensus([1, math.nan])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=9))
def test_consensus_in_unit_interval_and_symmetric(counts):
    value = an.consensus(counts)
    assert 0.0 <= value <= 1.0
    assert an.consensus(counts[::-1]) == pytest.approx(value, abs=1e-9)
    if sum(1 for c in counts if c) <= 1:
        assert value == 1.0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1)), min_size=1, max_size=9))
def test_consensus_with_any_scores_in_unit_interval(pairs):
    counts, scores = zip(*pairs, strict=True)
    assert 0.0 <= an.consensus(counts, sorted(scores)) <= 1.0


# --------------------------------------------------------------------------- items and domains


@pytest.fixture
def rated(pai):
    """Four people on the PAI; the trust items rated by hand."""
    s = new_session(pai, "T", ABCD)
    _rate(s, "trust-1", "maintain", "immediate", "future", "abstain")
    _rate(s, "trust-2", "maintain", "maintain", "immediate", "immediate")
    _rate(s, "trust-3", "future", "future", "future", "future")
    return s


def test_item_figures_exclude_abstentions(rated):
    st1 = _item(rated, "trust-1")
    assert (st1.item_id, st1.domain_id, st1.n, st1.abstain) == ("trust-1", "trust", 3, 1)
    assert list(st1.counts) == ["maintain", "immediate", "future"]  # display order
    assert st1.counts == {"maintain": 1, "immediate": 1, "future": 1}
    assert st1.shares == pytest.approx({"maintain": 1 / 3, "immediate": 1 / 3, "future": 1 / 3})
    assert st1.mean == pytest.approx(0.5)
    assert st1.strength == pytest.approx(1 / 3)
    assert st1.priority == pytest.approx(1 / 3)
    assert st1.consensus == pytest.approx(1 / 3)


def test_consensus_follows_score_order_not_display_order(rated):
    # Display order maintain, immediate, future = [2, 2, 0] would give 1 + log2(0.75);
    # in score order (immediate, future, maintain) it is [2, 0, 2]: the extremes, exactly 0.
    st2 = _item(rated, "trust-2")
    assert st2.consensus == 0.0
    assert st2.mean == pytest.approx(0.5)
    st3 = _item(rated, "trust-3")
    assert (st3.consensus, st3.mean, st3.strength, st3.priority) == (1.0, 0.5, 0.0, 0.0)


def test_unanswered_item(rated):
    st4 = _item(rated, "trust-4")
    assert (st4.n, st4.abstain, st4.mean, st4.strength) == (0, 0, None, 0.0)
    assert set(st4.shares.values()) == {0.0}
    rated.abstain("p01", "trust-5")
    st5 = _item(rated, "trust-5")
    assert (st5.n, st5.abstain, st5.mean) == (0, 1, None)
    assert an.share_of(st5, "abstain") == 1.0


def test_domain_pools_counts(rated, pai):
    d = an.domain_stats(rated, pai.domains[0])
    assert d.domain_id == "trust"
    assert (d.n, d.abstain) == (11, 1)
    assert d.counts == {"maintain": 3, "immediate": 3, "future": 5}
    assert d.mean == pytest.approx(5.5 / 11)
    assert (d.strength, d.priority) == (pytest.approx(3 / 11), pytest.approx(3 / 11))
    assert d.consensus == pytest.approx(1 - 6 / 11)  # [3, 5, 3] on 0, .5, 1
    assert [i.item_id for i in d.items] == ["trust-1", "trust-2", "trust-3", "trust-4", "trust-5"]


def test_who_restricts_raters(rated):
    st2 = _item(rated, "trust-2", who=["p01", "p02", "p01"])
    assert (st2.n, st2.mean, st2.consensus) == (2, 1.0, 1.0)
    assert _item(rated, "trust-2", who=iter(["p03"])).mean == 0.0
    assert _item(rated, "trust-2", who=[]).n == 0


def test_blind_items_count_nothing_until_revealed(pai):
    s = new_session(pai, "T", ABCD, blind=True)
    _rate(s, "trust-1", "maintain", "maintain", "abstain")
    hidden = _item(s, "trust-1")
    assert (hidden.n, hidden.abstain, hidden.mean) == (0, 0, None)
    assert an.summarize(s).domains[0].n == 0
    assert _item(s, "trust-1", include_hidden=True).n == 2
    s.reveal("trust-1")
    shown = _item(s, "trust-1")
    assert (shown.n, shown.abstain, shown.mean) == (2, 1, 1.0)
    assert an.summarize(s).domains[0].n == 2


def test_domain_counts_are_the_summary_counts(pai, coc):
    """The live heatmap's shortcut agrees with the full summary: demo, blind, tally, checklist."""
    blind = new_session(pai, "T", ABCD, blind=True)
    _rate(blind, "trust-1", "maintain", "maintain", "abstain", "future")
    _rate(blind, "trust-2", "immediate", "future", "future", "future")
    blind.reveal("trust-2")
    tally = new_session(pai, "T", mode="tally")
    tally.set_tally("trust-1", {"maintain": 5, "immediate": 2, "abstain": 1})
    checklist = new_session(coc, "T", ABCD)
    for s in (demo_session(), blind, tally, checklist):
        expected = [(d.domain_id, d.counts) for d in an.summarize(s).domains]
        assert [(d.id, c) for d, c in domain_counts(s)] == expected
    assert dict((d.id, c) for d, c in domain_counts(blind))["trust"] == {
        "maintain": 0,
        "immediate": 1,
        "future": 3,
    }


MEMO_STEP = st.one_of(
    st.tuples(
        st.just("rate"),
        st.integers(0, 3),
        st.integers(0, 5),
        st.sampled_from(["maintain", "immediate", "future", "abstain", None]),
    ),
    st.tuples(st.sampled_from(["undo", "redo"])),
    st.tuples(st.just("reveal"), st.integers(0, 5)),
    st.tuples(st.just("absent"), st.integers(0, 3), st.booleans()),
)


@settings(max_examples=60, deadline=None)
@given(blind=st.booleans(), steps=st.lists(MEMO_STEP, max_size=40))
def test_the_live_heatmap_memo_always_agrees_with_counting_everything(pai, blind, steps):
    """Whatever the meeting does (answer, clear, abstain, undo, redo, reveal, absent), the memo's
    counts after each step are the counts made from nothing."""
    s = new_session(pai, "T", ABCD, blind=blind)
    items = [i.id for i in s.instrument.rating_items][:6]
    memo = CountMemo()
    for step in steps:
        if step[0] == "rate":
            s.record(s.participants[step[1]].id, items[step[2]], step[3])
        elif step[0] == "reveal":
            s.reveal(items[step[1]])
        elif step[0] == "absent":
            s.set_absent(s.participants[step[1]].id, step[2])
        else:
            getattr(s, step[0])()
        assert domain_counts(s, memo) == domain_counts(s)


def test_tally_mode(pai):
    s = new_session(pai, "T", mode="tally")
    s.set_tally("trust-1", {"maintain": 5, "immediate": 2, "abstain": 1})
    st1 = _item(s, "trust-1")
    assert (st1.n, st1.abstain, st1.mean) == (7, 1, pytest.approx(5 / 7))
    assert (st1.strength, st1.priority) == (pytest.approx(5 / 7), pytest.approx(2 / 7))
    assert _item(s, "trust-1", who=[TALLY]).n == 7
    assert _item(s, "trust-1", who=["p01"]).n == 0
    assert an.summarize(s).raters == 8
    assert sg.participant_means(s) == {}


def test_group_mode(pai):
    s = new_session(pai, "T", mode="group")
    s.record(GROUP, "trust-1", "immediate")
    summary = an.summarize(s)
    assert summary.raters == 1
    assert summary.item("trust-1").n == 1
    assert [x.item_id for x in an.priorities(summary)] == ["trust-1"]
    assert an.contested(summary) == []


def test_nominal_checklist(coc):
    s = new_session(coc, "T", mode="tally")
    s.set_tally("step-1-1", {"yes": 2, "no": 1, "unsure": 1, "abstain": 1})
    st1 = _item(s, "step-1-1")
    assert (st1.mean, st1.consensus) == (None, None)
    assert an.share_of(st1, "unsure") == 0.25
    assert an.share_of(st1, "no-such-point") == 0.0
    assert an.share_of(st1, "abstain") == pytest.approx(0.2)
    assert (st1.strength, st1.priority) == (0.25, 0.5)  # "change" scale: yes = priority


def test_domain_mixing_scales_uses_each_scales_roles(coc):
    s = new_session(coc, "T", mode="group")
    s.record(GROUP, "step-2-1", "yes")  # needs change: a priority
    s.record(GROUP, "step-2-2", "yes")  # in place: a strength
    d = an.summarize(s).domain("step-2")
    assert d.counts["yes"] == 2 and d.n == 2
    assert (d.strength, d.priority, d.mean, d.consensus) == (0.5, 0.5, None, None)


def test_domain_with_two_ordinal_scales_averages_item_consensus():
    doc = {
        "format": "bcr-instrument/1",
        "id": "mixed",
        "title": "M",
        "version": "1",
        "source": "s",
        "scales": {
            "three": {
                "points": [
                    {"key": k, "label": k, "score": v}
                    for k, v in (("lo", 0.0), ("mid", 0.5), ("hi", 1.0))
                ]
            },
            "two": {
                "points": [
                    {"key": "no", "label": "No", "score": 0.0},
                    {"key": "yes", "label": "Yes", "score": 1.0},
                ]
            },
        },
        "domains": [
            {
                "id": "d",
                "title": "D",
                "items": [
                    {"id": "a", "text": "A", "scale": "three"},
                    {"id": "b", "text": "B", "scale": "two"},
                    {"id": "c", "text": "C", "scale": "two"},
                ],
            }
        ],
    }
    s = new_session(parse_instrument(doc, "mixed.toml"), "T", ABCD[:2])
    _rate(s, "a", "lo", "hi")  # consensus 0
    _rate(s, "b", "yes", "yes")  # consensus 1; "c" unanswered: left out of the average
    d = an.summarize(s).domains[0]
    assert d.consensus == pytest.approx(0.5)
    assert d.mean == pytest.approx(3 / 4)


# --------------------------------------------------------------------------- lists


@pytest.fixture
def three(pai):
    s = new_session(pai, "T", ABCD[:3])
    _rate(s, "trust-1", "maintain", "maintain", "maintain")
    _rate(s, "trust-2", "maintain", "maintain", "future")
    _rate(s, "trust-3", "immediate", "immediate", "immediate")
    _rate(s, "trust-4", "maintain", "immediate", "immediate")
    _rate(s, "trust-5", "maintain", "maintain")  # two answers: below the minimum of 3
    _rate(s, "shared-values-1", "maintain", "maintain", "maintain")
    return s


def test_strengths_priorities_contested(three):
    summary = an.summarize(three)
    assert summary.raters == 3
    ids = [x.item_id for x in an.strengths(summary)]
    assert ids == ["trust-1", "shared-values-1", "trust-2", "trust-4"]  # ties: instrument order
    assert [x.item_id for x in an.strengths(summary, k=2)] == ["trust-1", "shared-values-1"]
    assert [x.item_id for x in an.priorities(summary)] == ["trust-3", "trust-4"]
    contested = an.contested(summary)
    assert [x.item_id for x in contested] == ["trust-4", "trust-2"]
    assert contested[0].consensus == pytest.approx(
        1 + (2 / 3) * math.log2(2 / 3) + (1 / 3) * math.log2(1 / 3)
    )
    assert an.strengths(summary, k=0) == []


def test_fewer_raters_than_the_minimum(pai):
    s = new_session(pai, "T", ABCD[:2])
    _rate(s, "trust-1", "maintain", "maintain")
    _rate(s, "trust-2", "maintain")
    summary = an.summarize(s)
    assert [x.item_id for x in an.strengths(summary)] == ["trust-1"]
    assert an.contested(summary) == []


def test_priorities_tie_broken_by_lower_mean(pai):
    s = new_session(pai, "T", ABCD[:3])
    _rate(s, "trust-1", "immediate", "maintain", "maintain")
    _rate(s, "trust-2", "immediate", "future", "future")
    assert [x.item_id for x in an.priorities(an.summarize(s))] == ["trust-2", "trust-1"]


# --------------------------------------------------------------------------- people, segments


def test_participant_means(three):
    three.abstain("p03", "shared-values-2")
    means = sg.participant_means(three)
    assert list(means) == ["p01", "p02", "p03"]
    assert means["p01"]["trust"] == pytest.approx(4 / 5)  # m, m, i, m, m
    assert means["p02"]["trust"] == pytest.approx(3 / 5)  # m, m, i, i, m
    assert means["p03"]["trust"] == pytest.approx(1.5 / 4)  # m, f, i, i
    assert means["p03"]["shared-values"] == 1.0
    assert means["p01"]["capacity-building"] is None
    assert len(means["p01"]) == 6


def test_demo_segments_are_suppressed_below_min_size():
    s = demo_session()
    groups = sg.segments(s, "sector")
    assert sum(g.size for g in groups) == 16
    small = [g for g in groups if g.size < sg.MIN_SEGMENT]
    assert {g.key for g in small} == {"philanthropy", "faith-based", "universities", "business"}
    assert all(g.suppressed and not g.means and not g.priority and not g.strength for g in small)
    assert all(not g.suppressed and len(g.means) == 6 for g in groups if g not in small)
    assert groups[0].key == "government" and groups[0].label == "Government"
    gaps = sg.segment_gaps(groups)
    assert gaps and {gap.high for gap in gaps} | {gap.low for gap in gaps} <= {
        g.key for g in groups if not g.suppressed
    }


def test_demo_segments_with_min_size_one():
    s = demo_session()
    groups = sg.segments(s, "sector", min_size=1)
    assert not any(g.suppressed for g in groups)
    gov = next(g for g in groups if g.key == "government")
    assert gov.size == 3
    members = [p.id for p in s.participants if p.profile["sector"] == "government"]
    trust = an.domain_stats(s, s.instrument.domains[0], who=members)
    assert gov.means["trust"] == pytest.approx(trust.mean)
    assert gov.priority["trust"] == pytest.approx(trust.priority)
    assert len(gov.means) == 6
    gaps = sg.segment_gaps(groups)
    assert [g.domain_id for g in gaps] == [d.id for d in s.instrument.domains]
    for gap in gaps:
        values = {g.key: g.means[gap.domain_id] for g in groups}
        assert gap.gap == pytest.approx(max(values.values()) - min(values.values()))
        assert values[gap.high] == max(values.values())
        assert values[gap.low] == min(values.values())


def test_segments_other_group_and_threshold():
    s = demo_session()
    s.set_profile("p03", "sector", "government")  # government: p01, p03, p07, p13
    s.set_profile("p12", "sector", "other")
    s.set_profile("p12", "sector-other", "Library")
    groups = {g.key: g for g in sg.segments(s, "sector")}
    assert groups["government"].size == 4 and not groups["government"].suppressed
    assert groups["other"].label == "Other" and groups["other"].suppressed
    assert groups["health-care"].size == 2 and groups["health-care"].suppressed
    with pytest.raises(ValueError):
        sg.segments(s, "trust-1")
    with pytest.raises(ValueError):
        sg.segments(s, "no-such-question")


def test_multichoice_segments_count_each_choice(cpat):
    s = new_session(cpat, "T", ABCD)
    s.set_profile("p01", "identify", ["parent", "youth"])
    s.set_profile("p02", "identify", ["parent"])
    s.set_profile("p03", "identify", ["parent", "other"])
    first = cpat.rating_items[0].id
    _rate(s, first, "5", "4", "1", "3")
    groups = {g.key: g for g in sg.segments(s, "identify", min_size=2)}
    assert set(groups) == {"parent", "youth", "other"}
    assert groups["parent"].size == 3 and not groups["parent"].suppressed
    assert groups["parent"].means[cpat.domains[0].id] == pytest.approx((1 + 0.75 + 0) / 3)
    assert groups["youth"].suppressed and groups["other"].suppressed


def test_segments_need_round_robin(pai):
    assert sg.segments(new_session(pai, "T", mode="group"), "sector") == []


def test_perspective_gaps(loe):
    s = new_session(loe, "T", ABCD[:2])
    _rate(s, "information-now", "informing", "consulting")
    _rate(s, "information-want", "aligning", "involving")
    _rate(s, "decisions-now", "independent", "abstain")
    gaps = pg.perspective_gaps(s)
    assert [g.pair for g in gaps] == ["information", "resources", "decisions"]
    info = gaps[0]
    assert (info.now_item, info.want_item, info.domain_id) == (
        "information-now",
        "information-want",
        "flow",
    )
    assert (info.now, info.want, info.gap) == (0.375, 0.875, 0.5)
    assert (gaps[1].now, gaps[1].want, gaps[1].gap) == (None, None, None)
    assert (gaps[2].now, gaps[2].want, gaps[2].gap) == (0.0, None, None)
    assert pg.perspective_gaps(s, who=["p02"])[0].gap == pytest.approx(0.25)


# --------------------------------------------------------------------------- properties

PAI_ITEMS = 12  # trust (5) and shared-values (6) and the first organizational-culture item
VALUES = st.sampled_from([None, "maintain", "immediate", "future", "abstain"])


@settings(max_examples=150, deadline=None)
@given(
    people=st.integers(1, 7).flatmap(
        lambda n: st.lists(
            st.lists(VALUES, min_size=PAI_ITEMS, max_size=PAI_ITEMS), min_size=n, max_size=n
        )
    ),
    sectors=st.lists(
        st.sampled_from(["government", "business", "residents", "other", None]),
        min_size=7,
        max_size=7,
    ),
    min_size=st.integers(1, 5),
)
def test_any_ratings_give_sound_figures(pai, people, sectors, min_size):
    s = new_session(pai, "T", [(f"P{n}", None) for n in range(len(people))])
    items = pai.items[:PAI_ITEMS]
    for person, row, sector in zip(s.participants, people, sectors, strict=False):
        for item, value in zip(items, row, strict=True):
            if value is not None:
                s.record(person.id, item.id, value)
        if sector is not None:
            s.set_profile(person.id, "sector", sector)
    summary = an.summarize(s)
    for stats in (*summary.items, *summary.domains):
        assert sum(stats.counts.values()) == stats.n
        if stats.n:
            assert math.fsum(stats.shares.values()) == pytest.approx(1.0, abs=1e-9)
            assert 0.0 <= stats.mean <= 1.0
        else:
            assert stats.mean is None and set(stats.shares.values()) == {0.0}
        assert 0.0 <= stats.consensus <= 1.0
        assert 0.0 <= stats.strength + stats.priority <= 1.0 + 1e-9
    for n, item in enumerate(items):  # oracle: recompute from the raw answers
        given_ = [row[n] for row in people if row[n] not in (None, "abstain")]
        stats = summary.item(item.id)
        assert stats.n == len(given_)
        assert stats.abstain == sum(row[n] == "abstain" for row in people)
        if given_:
            assert stats.mean == pytest.approx(sum(PAI_SCORE[v] for v in given_) / len(given_))
    for group in sg.segments(s, "sector", min_size=min_size):
        assert group.size >= 1
        assert group.suppressed == (group.size < min_size)
        if group.suppressed:
            assert not group.means and not group.priority and not group.strength
        else:
            assert all(m is None or 0.0 <= m <= 1.0 for m in group.means.values())


def test_import_is_light():
    code = (
        "import sys, bcr_tui.analysis.figures, bcr_tui.analysis.segments, "
        "bcr_tui.analysis.perspective_gaps; "
        "assert 'textual' not in sys.modules and 'polars' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
