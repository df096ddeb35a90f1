"""Output files (`outputs/outfile.py`): `--out` is refused, with one sentence and nothing written,
when its extension is not the format written or when it is a session file however it is spelled; and
hostile names and texts reach no spreadsheet as a formula, no page as markup (issues 16.12, 17.1,
17.5, 18.3)."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest

from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.outputs import outfile
from bcr_tui.session.records import Action
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore, load_session

HOSTILE = [
    "=1+1",
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "-2",
    "@x",
    "\t=1",
    "[/]",
    "<script>alert(1)</script>",
    "Esc \x1b]0;owned\x07 here",
    "Bidi \u202eevil",
    "[link](http://x.example)",
    '=HYPERLINK("http://x.example","y")',
]


def _session(tmp_path: Path, name: str = "s.toml") -> Path:
    pai = load_instrument(find_instrument("pai"))
    s = new_session(pai, "Check-in", [("Ana", "Org"), ("Ben", None)], community="Ojai")
    for item in s.items[:4]:
        s.record("p01", item.id, "maintain")
    path = tmp_path / name
    SessionStore.create(path, s).close()
    return path


def _one_line_refusal(result, *paths: Path) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("bcr: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


COMMANDS = {  # command line for each command writing `out`
    "export": lambda src, out: ("export", src, "--format", "csv", "--out", out),
    "report": lambda src, out: ("report", src, "--out", out),
    "mou": lambda src, out: ("mou", src, "--out", out),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "spelling", ["itself", "dotdot", "symlink", "hardlink", "renamed", "open-in-a-meeting"]
)
def test_out_is_never_a_session_file(tmp_path, run_bcr, command, spelling):
    """Issue 17.5: `--out` onto a session replaced it; now refused before anything is written."""
    session = _session(tmp_path)
    ext = {"export": ".csv", "report": ".html", "mou": ".md"}[command]
    target, store = session, None
    if spelling == "itself":
        out = session
    elif spelling == "dotdot":
        (tmp_path / "sub").mkdir()
        out = tmp_path / "sub" / ".." / session.name
    elif spelling == "symlink":
        out = tmp_path / f"link{ext}"
        out.symlink_to(session)
    elif spelling == "hardlink":
        out = tmp_path / f"copy{ext}"
        os.link(session, out)
    elif spelling == "renamed":  # another session, saved under a name with the output's ending
        target = out = _session(tmp_path, f"other{ext}")
    else:  # open in a meeting, written through a link
        store = SessionStore.open(session)
        out = tmp_path / f"live{ext}"
        out.symlink_to(session)
    before = target.read_bytes()
    try:
        result = run_bcr(*COMMANDS[command](session, out), cwd=tmp_path)
    finally:
        if store is not None:
            store.close()
    _one_line_refusal(result)
    assert target.read_bytes() == before
    assert load_session(target).title == "Check-in"
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


@pytest.mark.parametrize(
    "args,out",
    [
        (("export", "--format", "xlsx"), "t.csv"),
        (("export", "--format", "csv"), "t.xlsx"),
        (("export", "--format", "parquet"), "t.pq"),
        (("report",), "r.pdf"),
        (("report", "--format", "html"), "r.md"),
        (("mou",), "mou.docx"),
        (("mou",), "mou.html"),
    ],
)
def test_an_extension_that_is_not_the_format_written_is_refused(tmp_path, run_bcr, args, out):
    """Issue 16.12: `--out r.pdf` wrote HTML into a .pdf; one sentence, exit 2, nothing written."""
    session = _session(tmp_path)
    result = run_bcr(args[0], session, *args[1:], "--out", tmp_path / out, cwd=tmp_path)
    _one_line_refusal(result)
    assert not (tmp_path / out).exists()


def test_rollup_refuses_an_output_it_cannot_write(tmp_path, run_bcr):
    folder = tmp_path / "in"
    folder.mkdir()
    _session(folder)
    result = run_bcr("rollup", folder, "--out", tmp_path / "all.docx", cwd=tmp_path)
    _one_line_refusal(result)
    assert [p.name for p in tmp_path.iterdir()] == ["in"]


@pytest.mark.parametrize("command", ["export", "rollup"])
def test_help_says_how_spreadsheets_are_kept_safe(run_bcr, tmp_path, command):
    result = run_bcr(command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "OWASP" in text and "leading '" in text and "text is always stored as text" in text


def test_csv_cell_follows_owasp():
    assert [outfile.csv_cell(t) for t in ("=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", "", 3)] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
        "a=1",
        "",
        3,
    ]
    df = pl.DataFrame({"t": ["=1", "ok", None, "\r=2"], "n": [-1, 2, 3, 4]})
    assert outfile.csv_safe(df).to_dict(as_series=False) == {
        "t": ["'=1", "ok", None, "'\r=2"],
        "n": [-1, 2, 3, 4],
    }
    assert outfile.csv_safe(df.lazy()).collect().equals(outfile.csv_safe(df))


# --------------------------------------------------------------------------- hostile text


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A CPAT session whose every free text is hostile: names, organizations, title, community,
    an "Other" profile answer, written answers, notes and action steps."""
    folder = tmp_path_factory.mktemp("hostile")
    inst = load_instrument(find_instrument("community-partner-assessment-tool"))
    s = new_session(
        inst,
        HOSTILE[1],
        [(h, HOSTILE[-1 - n]) for n, h in enumerate(HOSTILE)],
        community=HOSTILE[0],
    )
    question = next(q for q in inst.profile if q.other)
    for n, person in enumerate(s.participants):
        s.set_profile(
            person.id, question.id, ["other"] if question.kind == "multichoice" else "other"
        )
        s.set_profile(person.id, f"{question.id}-other", HOSTILE[n])
        for k, item in enumerate(s.items):
            if item.kind == "text":
                s.record(person.id, item.id, HOSTILE[(n + k) % len(HOSTILE)])
            elif item.kind == "rating":
                s.record(person.id, item.id, str(1 + (n + k) % 5))
    for n, h in enumerate(HOSTILE):
        s.add_action(Action(h, h, h, h))
        if n < len(s.items):
            s.set_note(s.items[n].id, h)
    path = folder / "s.toml"
    SessionStore.create(path, s).close()
    return path, load_session(path)


def _texts(session) -> set[str]:
    """Every hostile text as the session holds it (after bcr's own cleaning)."""
    out = {session.title, session.community}
    for p in session.participants:
        out.add(p.name)
        out.update(v for v in p.profile.values() if isinstance(v, str))
    for answers in session.answers.values():
        out.update(v for v in answers.values() if isinstance(v, str) and not v.isdigit())
    return {t for t in out if t}


def _xlsx_has_no_formula(path: Path) -> str:
    """All the sheets' XML (asserting no cell holds a formula) and the shared strings."""
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
        strings = z.read("xl/sharedStrings.xml").decode()
    for xml in sheets:
        assert "<f>" not in xml and "<f " not in xml
        assert "hyperlink" not in xml.lower()
    return strings


def test_hostile_text_through_export(hostile, tmp_path, run_bcr):
    """Issue 17.1: `=cmd|' /C calc'!A0` became a live formula in XLSX, CSV cells began with = + -
    @ TAB CR. XLSX: text is text; CSV: a leading ' (OWASP); Parquet and JSON: the exact text."""
    path, session = hostile
    texts = _texts(session)
    assert {"=1+1", "-2", "@x", "\t=1"} <= texts
    outs = {}
    for fmt in ("csv", "xlsx", "json", "parquet"):
        outs[fmt] = tmp_path / f"e.{fmt}"
        result = run_bcr("export", path, "--format", fmt, "--out", outs[fmt], cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    exact = pl.read_parquet(outs["parquet"])
    for fmt in ("parquet", "json"):
        df = (
            exact
            if fmt == "parquet"
            else pl.DataFrame(json.loads(outs["json"].read_text("utf-8")), infer_schema_length=None)
        )
        cells = {v for c in df.columns if df.schema[c] == pl.String for v in df[c] if v}
        assert texts <= cells, fmt  # exact, unescaped
    csv = pl.read_csv(outs["csv"], infer_schema=False)
    seen = set()
    for col in csv.columns:
        for value in csv[col]:
            if value is None:
                continue
            assert not value.startswith(outfile.CSV_TRIGGERS), (col, value)
            seen.add(value[1:] if value.startswith("'") else value)
    assert texts <= seen  # every text is there, behind its quote
    strings = _xlsx_has_no_formula(outs["xlsx"])
    for text in texts:
        assert _xml_text(text) in strings, text


def _xml_text(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def test_hostile_text_through_rollup(hostile, tmp_path, run_bcr):
    path, session = hostile
    texts = _texts(session)
    for ext in ("csv", "xlsx"):
        out = tmp_path / f"all.{ext}"
        result = run_bcr("rollup", path.parent, "--out", out, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        if ext == "xlsx":
            strings = _xlsx_has_no_formula(out)
            assert all(_xml_text(t) in strings for t in texts)
            continue
        for side in (out, tmp_path / "all-summary.csv"):
            table = pl.read_csv(side, infer_schema=False)
            for col in table.columns:
                assert not any(v.startswith(outfile.CSV_TRIGGERS) for v in table[col] if v)


def test_rollup_anonymize_leaves_no_name_or_free_text(hostile, tmp_path, run_bcr):
    path, session = hostile
    out = tmp_path / "anon.parquet"
    result = run_bcr("rollup", path.parent, "--anonymize", "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    df = pl.read_parquet(out)
    assert df["participant_name"].null_count() == df.height
    assert not [c for c in df.columns if c.endswith("_other")]
    assert set(df["answer"]) <= {"1", "2", "3", "4", "5"}


def test_hostile_text_through_report_and_mou(hostile, tmp_path, run_bcr):
    """HTML: escaped; Markdown: no raw tag, link or bracket (escaped), no escape character."""
    path, session = hostile
    for name in ("r.html", "r.md", "mou.md"):
        out = tmp_path / name
        args = ("mou",) if name == "mou.md" else ("report",)
        result = run_bcr(*args, path, "--out", out, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        text = out.read_text("utf-8")
        assert "<script>" not in text and "\x1b" not in text, name
        if name.endswith(".html"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
            continue
        assert re.search(r"(?<!\\)\]\(", text) is None  # no Markdown link
        assert "http://" not in text and "http\\://x.example" in text  # nor an autolink
        assert re.search(r"(?<!\\)\[/(?<!\\)\]", text) is None  # every bracket escaped
        assert "\\<script\\>" in text


def test_rollup_anonymize_to_a_dataset_and_csv(hostile, tmp_path, run_bcr):
    """The dataset folder and a CSV roll-up are anonymized like the Parquet file; a folder built
    one way is never updated the other way (it would mix named and unnamed rows)."""
    path, session = hostile
    folder = tmp_path / "ds"
    result = run_bcr("rollup", path.parent, "--anonymize", "--out", f"{folder}/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    df = pl.read_parquet(f"{folder}/**/*.parquet", hive_partitioning=True)
    assert df.height and df["participant_name"].null_count() == df.height
    again = run_bcr("rollup", path.parent, "--out", f"{folder}/", cwd=tmp_path)
    assert again.returncode == 2 and "--anonymize" in again.stderr
    csv = tmp_path / "anon.csv"
    assert run_bcr("rollup", path.parent, "--anonymize", "--out", csv, cwd=tmp_path).returncode == 0
    table = pl.read_csv(csv, infer_schema=False)
    assert table.height and table["participant_name"].null_count() == table.height
    assert not [c for c in table.columns if c.endswith("_other")]
