"""`bcr report`: self-contained HTML and Markdown reports, written privately, refusing bad paths."""

from __future__ import annotations

import html
import stat
from pathlib import Path

import pytest

from bcr_tui.analysis import findings
from bcr_tui.instrument.load import load_instrument, shipped_paths
from bcr_tui.outputs import report
from bcr_tui.session.demo import demo_session
from bcr_tui.session.records import Action
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore

NASTY = "Ana <b>& Co"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "demo.toml"
    SessionStore.create(path, demo_session()).close()
    return path


@pytest.fixture
def demo_html(demo_file: Path, run_bcr) -> str:
    """The demo's HTML report, written once by the real CLI (the checks below share it)."""
    out = demo_file.parent / "report.html"
    if not out.exists():
        done = run_bcr("report", demo_file, "--out", out, cwd=demo_file.parent)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"Wrote the report to {out}"
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    return out.read_text("utf-8")


def test_html_report_names_every_domain_and_the_findings(demo_html: str) -> None:
    session = demo_session()
    for domain in session.instrument.domains:
        assert html.escape(domain.title) in demo_html
    found = findings.findings(session)
    assert found.strengths and found.priorities
    for f in (*found.strengths, *found.priorities):
        assert html.escape(f.title) in demo_html
    for action in session.actions:
        assert html.escape(action.step) in demo_html
    assert html.escape(session.instrument.source) in demo_html
    assert '<html lang="en">' in demo_html and "<title>" in demo_html
    assert "Questions for reflection" in demo_html and "Contested items" in demo_html


def test_html_report_is_self_contained(demo_html: str) -> None:
    assert demo_html.count("<svg") == 3  # answers × domain, people × domain, sector × domain
    assert "http://" not in demo_html and "https://" not in demo_html
    assert "<script" not in demo_html and "<link" not in demo_html and "@import" not in demo_html
    assert "@media print" in demo_html


def test_html_report_names_who_took_part_but_no_one_in_the_per_person_heatmap(
    demo_html: str,
) -> None:
    session = demo_session()
    for person in session.participants:  # the roster, by name and organization
        assert f"<li><strong>{html.escape(person.name)}</strong>" in demo_html
    assert "Person 1" in demo_html  # the per-person heatmap: no names
    assert "fewer than 3" in demo_html
    assert "Philanthropy (1)" not in demo_html  # a one-person sector's size is not shown


def test_anonymized_report_names_no_one(demo_file: Path, run_bcr) -> None:
    """Issue 17.11: the report said no names appear, yet named every action owner. With
    --anonymize no participant's name or organization appears anywhere, owners included."""
    session = demo_session()
    assert any(a.owner for a in session.actions)
    for fmt in ("html", "md"):
        out = demo_file.parent / f"anon.{fmt}"
        done = run_bcr("report", demo_file, "--anonymize", "--out", out, cwd=demo_file.parent)
        assert done.returncode == 0, done.stderr
        text = html.unescape(out.read_text("utf-8")).replace("\\", "")
        for person in session.participants:
            assert person.name not in text, (fmt, person.name)
            assert person.organization not in text, (fmt, person.organization)
        for action in session.actions:
            assert action.owner not in text
            assert action.step in text
        assert f"{len(session.participants)} people took part" in text
        assert "Names are left out of this report." in text


def test_report_says_how_many_answers_are_missing(tmp_path: Path) -> None:
    """Issue 16.12: a half-rated meeting reads "N of M possible answers" (abstentions count as
    given), so figures over a few answers are not taken for the room's."""
    inst = load_instrument(next(p for p in shipped_paths() if p.stem.startswith("partnership")))
    s = new_session(inst, "Half", [("A", "Org"), ("B", None), ("C", "Org")])
    items = inst.rating_items
    for item in items[:10]:
        s.record("p01", item.id, "maintain")
    s.abstain("p02", items[0].id)
    text = report.to_markdown(report.build(s))
    possible = 3 * len(items)
    assert f"11 of {possible} possible answers were given ({possible - 11} missing" in text
    for item in items:
        for who in ("p02", "p03"):
            s.record(who, item.id, "future")
        s.record("p01", item.id, "future")
    assert f"All {possible} possible answers were given." in report.to_markdown(report.build(s))


def test_markdown_report(demo_file: Path, run_bcr) -> None:
    out = demo_file.parent / "report.md"
    done = run_bcr("report", demo_file, "--out", out, cwd=demo_file.parent)
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    for domain in demo_session().instrument.domains:
        assert f"| {domain.title} |" in text
    assert "|---|---:|---:|---:|---:|---:|" in text  # the per-domain table
    assert "| Trust | 59% | 10% | 31% | 78 |" in text  # the heatmap with its numbers
    assert "<svg" not in text and "<html" not in text


def test_format_flag_and_suffix_must_agree(demo_file: Path, run_bcr) -> None:
    out = demo_file.parent / "report.markdown"
    done = run_bcr("report", demo_file, "--format", "md", "--out", out, cwd=demo_file.parent)
    assert done.returncode == 0, done.stderr
    assert out.read_text("utf-8").startswith("# Ventura partners")
    for args in (
        ("--format", "md", "--out", "r.html"),
        ("--out", "r.pdf"),
        ("--format", "html", "--out", "report.txt"),
        ("--out", "report"),
    ):
        done = run_bcr("report", demo_file, *args, cwd=demo_file.parent)
        assert done.returncode == 2, args
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("bcr: "), done.stderr
        assert not (demo_file.parent / args[-1]).exists()


def test_user_text_is_escaped(tmp_path: Path, run_bcr) -> None:
    session = demo_session()
    session.title = f"Check-in {NASTY}"
    session.community = NASTY
    session.participants[0].name = NASTY
    session.set_note("trust-1", f"Note {NASTY}")
    session.add_action(Action(f"Step {NASTY}", NASTY, NASTY, "2027"))
    path = tmp_path / "nasty.toml"
    SessionStore.create(path, session).close()
    done = run_bcr("report", path, "--out", tmp_path / "r.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "r.html").read_text("utf-8")
    assert "<b>" not in text
    assert "Note Ana &lt;b&gt;&amp; Co" in text and "Step Ana &lt;b&gt;&amp; Co" in text
    assert "<title>Check-in Ana &lt;b&gt;&amp; Co — report</title>" in text
    md = report.to_markdown(report.build(session))
    assert "<b>" not in md and "Note Ana \\<b\\>& Co" in md


@pytest.mark.parametrize("where", ["missing/report.html", "."])
def test_bad_output_path(demo_file: Path, run_bcr, where: str) -> None:
    done = run_bcr("report", demo_file, "--out", demo_file.parent / where, cwd=demo_file.parent)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.startswith("bcr: ")
    assert not (demo_file.parent / "missing").exists()


def test_missing_session_is_one_sentence(tmp_path: Path, run_bcr) -> None:
    done = run_bcr("report", tmp_path / "nope.toml", "--out", tmp_path / "r.md", cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.md").exists()


@pytest.mark.parametrize("path", shipped_paths(), ids=lambda p: p.stem)
@pytest.mark.parametrize("mode", ["round-robin", "group", "tally"])
def test_every_instrument_and_mode_reports(path: Path, mode: str) -> None:
    inst = load_instrument(path)
    s = new_session(inst, "Any", [("A", "Org"), ("B", None), ("C", "Org")], mode=mode)
    for n, item in enumerate(inst.rating_items):
        assert item.scale is not None
        key = item.scale.points[n % len(item.scale.points)].key
        if mode == "tally":
            s.set_tally(item.id, {key: 2})
        else:
            for who in s.raters():
                s.record(who, item.id, key)
    for text in (report.to_html(report.build(s)), report.to_markdown(report.build(s))):
        for domain in inst.domains:
            assert report.md(domain.title) in text or html.escape(domain.title) in text


HOSTILE = ("<script>alert(1)</script>", 'O\'Brien "Q" & Co', "**bold** =1+1", "\x1b[31mred")


def test_hostile_names_reach_the_page_only_escaped(tmp_path: Path, run_bcr) -> None:
    """Issue 18.3: the page is a template now; every session text (names, organizations, the
    community, notes) still reaches it escaped, with the entities html.escape writes (`&#x27;`,
    `&quot;`: not markupsafe's `&#39;`), and no terminal escape."""
    session = demo_session()
    session.community = HOSTILE[1]
    for person, name in zip(session.participants, HOSTILE, strict=False):
        person.name, person.organization = name, f"{name} Org"
    session.set_note("trust-1", f"Note {HOSTILE[0]}")
    path = tmp_path / "hostile.toml"
    SessionStore.create(path, session).close()
    done = run_bcr("report", path, "--out", tmp_path / "r.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "r.html").read_text("utf-8")
    assert "<script" not in text and "\x1b" not in text
    for name in HOSTILE[:3]:
        assert f"<li><strong>{html.escape(name)}</strong> — {html.escape(name)} Org" in text
    assert f"<li><strong>Community: </strong>{html.escape(HOSTILE[1])}</li>" in text
    assert f"Note {html.escape(HOSTILE[0])}" in text
