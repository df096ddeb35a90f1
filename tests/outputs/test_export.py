"""`bcr export`: every format read back and checked row for row against the session files, typed
columns, anonymized output free of names and free text, file modes, and the folder errors."""

from __future__ import annotations

import json
import stat
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import polars as pl
import pytest
import tomli

from bcr_tui.analysis import tidy
from bcr_tui.cli import main
from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.outputs.colour_scale import CIVIDIS
from bcr_tui.session.state import Session, new_session
from bcr_tui.storage.store import SessionStore, load_session

NAMES = ["Zelda Quixote", "Yusuf Brightwater", "Xiomara Pennyworth"]
OTHER_TEXT = "Guild of Lamplighters"
NOTE = "Budget talk before the spring cycle"
TEXT_ANSWER = 'We meet at the "old" library, Tuesdays'
TABLE_ROWS = [
    {"barrier": "No bus after six", "strategies": "Carpool list"},
    {"barrier": "Child care costs"},
]
FREE_TEXT = [
    OTHER_TEXT,
    NOTE,
    TEXT_ANSWER,
    "No bus after six",
    "Carpool list",
    "Child care costs",
    "Kids feel safe downtown",
]
FORMATS = ("csv", "parquet", "json", "xlsx")


# --------------------------------------------------------------------------- sessions


def _pai_round_robin() -> Session:
    pai = load_instrument(find_instrument("pai"))
    s = new_session(pai, "PAI check-in", [(n, "Org") for n in NAMES], community="Ventura County")
    s.set_profile("p01", "sector", "government")
    s.set_profile("p02", "sector", "other")
    s.set_profile("p02", "sector-other", OTHER_TEXT)
    keys = ["maintain", "immediate", "future"]
    for n, item in enumerate(s.items[:8]):
        for k, person in enumerate(s.participants):
            if (n + k) % 5 == 4:
                s.abstain(person.id, item.id)
            else:
                s.record(person.id, item.id, keys[(n + k) % 3])
    s.set_note(s.items[0].id, NOTE)
    return s


def _cpat() -> Session:
    inst = load_instrument(find_instrument("community-partner-assessment-tool"))
    s = new_session(inst, "CPAT", [(n, None) for n in NAMES[:2]], community="Oxnard")
    s.set_profile("p01", "identify", [inst.profile[0].options[0].key, "other"])
    s.set_profile("p01", "identify-other", OTHER_TEXT)
    s.set_profile("p02", "tenure", inst.profile[1].options[-1].key)
    for n, item in enumerate(s.items):
        for k, person in enumerate(s.participants):
            if item.kind == "text":
                s.record(person.id, item.id, "Kids feel safe downtown")
            elif (n + k) % 4:
                s.record(person.id, item.id, str(1 + (n + k) % 5))
    return s


def _group() -> Session:
    inst = load_instrument(find_instrument("communities-of-care"))
    s = new_session(inst, "Care circle", None, community="Ventura County", mode="group")
    for n, item in enumerate(s.items):
        if item.kind == "rating":
            s.record("group", item.id, [p.key for p in item.scale.points][n % 2])
        elif item.kind == "text" and n % 2:
            s.record("group", item.id, TEXT_ANSWER)
        elif item.kind == "table":
            s.record("group", item.id, TABLE_ROWS)
    return s


def _tally() -> Session:
    pai = load_instrument(find_instrument("pai"))
    s = new_session(pai, "Town hall", None, community="Ojai", mode="tally")
    s.set_tally(s.items[0].id, {"maintain": 7, "immediate": 2, "abstain": 1})
    s.set_tally(s.items[3].id, {"future": 4})
    return s


def write_sessions(folder: Path) -> list[Path]:
    """Four sessions covering every kind of answer and every mode; returns their files."""
    paths = []
    for n, make in enumerate((_pai_round_robin, _cpat, _group, _tally)):
        store = SessionStore.create(folder / f"s{n}.toml", make())
        store.close()
        paths.append(store.path)
    return paths


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_sessions(tmp_path_factory.mktemp("sessions"))


# --------------------------------------------------------------------------- expectations


def expected_rows(path: Path) -> list[tuple]:
    """(session, participant, item, answer, score, count) for every answer, straight from the
    file's TOML (not through bcr's own loader)."""
    data = tomli.loads(path.read_text("utf-8"))
    inst = data["instrument"]
    items = {i["id"]: i for d in inst["domains"] for i in d["items"]}
    scores = {
        sid: {p["key"]: p.get("score") for p in sc["points"]}
        for sid, sc in inst.get("scales", {}).items()
    }
    out = []

    def score(item_id: str, key: str) -> float | None:
        item = items[item_id]
        return (
            scores.get(item.get("scale"), {}).get(key)
            if item.get("kind", "rating") == "rating"
            else None
        )

    for who, answers in data.get("ratings", {}).items():
        for item_id, value in answers.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                order = [c["key"] for c in items[item_id]["columns"]]
                for row in value:
                    text = "; ".join(f"{k}={row[k]}" for k in order if k in row)
                    out.append((data["id"], who, item_id, text, None, 1))
            elif isinstance(value, list):
                out.append((data["id"], who, item_id, ";".join(value), None, 1))
            else:
                out.append((data["id"], who, item_id, value, score(item_id, value), 1))
    for item_id, counts in data.get("tally", {}).items():
        for key, count in counts.items():
            out.append((data["id"], "tally", item_id, key, score(item_id, key), count))
    return out


def names_of(path: Path) -> dict[str, str]:
    data = tomli.loads(path.read_text("utf-8"))
    return {p["id"]: p["name"] for p in data.get("participants", [])}


KEY = ("session", "participant", "item", "answer", "score", "count")


def as_records(df: pl.DataFrame) -> list[dict]:
    """Rows as dicts with "" for null text, so every format compares alike."""
    return [
        {k: ("" if v is None and df.schema[k] == pl.String else v) for k, v in r.items()}
        for r in df.iter_rows(named=True)
    ]


# --------------------------------------------------------------------------- reading back


def read_back(path: Path, fmt: str) -> pl.DataFrame:
    """The exported table, typed as bcr writes it, from any of the four formats."""
    if fmt == "parquet":
        return pl.read_parquet(path)
    if fmt == "json":
        rows = json.loads(path.read_text("utf-8"))
        assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
        return _typed(pl.DataFrame(rows, infer_schema_length=None))
    if fmt == "csv":
        return _typed(pl.read_csv(path, infer_schema=False))
    sheets = read_xlsx(path)
    header, *body = sheets["data"]
    columns = {h: [r[i] if i < len(r) else None for r in body] for i, h in enumerate(header)}
    columns["date"] = [
        None if v is None else (date(1899, 12, 30) + timedelta(days=int(v))).isoformat()
        for v in columns["date"]
    ]
    for name in ("answer", "answer_label"):  # numbered scales' answers are numbers in Excel
        columns[name] = [str(int(v)) if isinstance(v, float) else v for v in columns[name]]
    return _typed(pl.DataFrame(columns, infer_schema_length=None))


def _typed(df: pl.DataFrame) -> pl.DataFrame:
    casts = []
    for name, dtype in df.schema.items():
        kind = tidy.column_type(name)
        if kind == "date":
            casts.append(pl.col(name).cast(pl.String).str.to_date())
        elif kind == "float":
            casts.append(pl.col(name).cast(pl.Float64))
        elif kind == "int":
            casts.append(pl.col(name).cast(pl.Float64).cast(pl.Int64))
        elif dtype != pl.String:
            casts.append(pl.col(name).cast(pl.String))
    df = df.with_columns(casts)
    return df.with_columns(pl.col(pl.String).replace("", None))


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def read_xlsx(path: Path) -> dict[str, list[list]]:
    """Every sheet's cells (text, numbers, None), by sheet name: a minimal reader."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
        out = {}
        for sheet in book.find("m:sheets", NS):
            target = targets[sheet.get(REL)].lstrip("/").removeprefix("xl/")
            root = ET.fromstring(z.read(f"xl/{target}"))
            rows = []
            for row in root.iter(f"{{{NS['m']}}}row"):
                cells = {}
                for cell in row.findall("m:c", NS):
                    letters = "".join(ch for ch in cell.get("r") if ch.isalpha())
                    col = 0
                    for ch in letters:
                        col = col * 26 + ord(ch) - 64
                    value = cell.find("m:v", NS)
                    if cell.get("t") == "s":
                        cells[col - 1] = shared[int(value.text)]
                    elif cell.get("t") == "inlineStr":
                        cells[col - 1] = "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
                    elif value is not None:
                        cells[col - 1] = value.text if cell.get("t") == "str" else float(value.text)
                rows.append([cells.get(i) for i in range(max(cells, default=-1) + 1)])
            out[sheet.get("name")] = rows
        return out


def sheet_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        sheet = next(s for s in book.find("m:sheets", NS) if s.get("name") == name)
        return z.read("xl/" + targets[sheet.get(REL)].lstrip("/").removeprefix("xl/")).decode()


def run(*args: str | Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The command line in this process (same code as `bcr`, without a new interpreter)."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------- tests


def test_every_format_holds_every_answer_row_for_row(sessions, tmp_path, run_bcr):
    expected = sorted(r for p in sessions for r in expected_rows(p))
    names = {
        (tomli.loads(p.read_text("utf-8"))["id"], pid): name
        for p in sessions
        for pid, name in names_of(p).items()
    }
    tables = {}
    for fmt in FORMATS:
        out = tmp_path / f"all.{fmt}"
        result = run_bcr("export", *sessions, "--format", fmt, "--out", out, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert result.stdout == f"Wrote {len(expected)} rows from 4 session(s) to {out}\n"
        df = read_back(out, fmt)
        got = sorted(tuple(r[k] for k in KEY) for r in df.iter_rows(named=True))
        assert got == expected, fmt
        for r in df.iter_rows(named=True):
            assert r["participant_name"] == names.get((r["session"], r["participant"])), fmt
        tables[fmt] = as_records(df)
    assert list(tables["parquet"][0])[: len(tidy.COLUMNS)] == list(tidy.COLUMNS)
    for fmt in FORMATS:  # the same rows, in the same order, with the same columns
        assert tables[fmt] == tables["parquet"], fmt


def test_rows_carry_labels_text_and_profile(sessions):
    rows = [r for p in sessions for r in tidy.rows(load_session(p))]
    first = rows[0]
    assert list(first)[: len(tidy.COLUMNS)] == list(tidy.COLUMNS)
    assert first["participant"] == "p01" and first["participant_name"] == NAMES[0]
    assert first["answer_label"] == "Currently exists / Maintain" and first["score"] == 1.0
    assert first["date"] == load_session(sessions[0]).created.date().isoformat()
    p02 = next(r for r in rows if r["participant"] == "p02" and r["instrument"].startswith("p"))
    assert (p02["sector"], p02["sector_other"]) == ("other", OTHER_TEXT)
    abstain = next(r for r in rows if r["answer"] == "abstain")
    assert (abstain["answer_label"], abstain["score"]) == ("Abstain", None)
    cpat = [r for r in rows if r["instrument"] == "community-partner-assessment-tool"]
    assert cpat[0]["identify"].endswith(";other") and cpat[0]["identify_other"] == OTHER_TEXT
    assert any(r["answer"] == "Kids feel safe downtown" and r["answer_label"] == "" for r in cpat)
    table = [r for r in rows if r["item"] == "barriers"]
    assert [r["answer"] for r in table] == [
        "barrier=No bus after six; strategies=Carpool list",
        "barrier=Child care costs",
    ]
    assert all(r["participant"] == "group" and r["participant_name"] is None for r in table)
    tally = [r for r in rows if r["participant"] == "tally"]
    assert [(r["answer"], r["count"]) for r in tally] == [
        ("maintain", 7),
        ("immediate", 2),
        ("abstain", 1),
        ("future", 4),
    ]
    assert all(r["count"] == 1 for r in rows if r["participant"] != "tally")


def test_parquet_column_types(sessions, tmp_path, capsys):
    out = tmp_path / "t.parquet"
    assert run("export", *sessions, "--format", "parquet", "--out", out, capsys=capsys)[0] == 0
    schema = pl.read_parquet_schema(out)
    assert schema["score"] == pl.Float64
    assert schema["date"] == pl.Date
    assert schema["count"] == pl.Int64
    assert all(schema[c] == pl.String for c in schema if tidy.column_type(c) == "str")
    # profile columns: the union of the instruments' questions, null where a session has none
    assert {"sector", "sector_other", "identify", "identify_other", "tenure"} <= set(schema)


def test_xlsx_has_a_summary_sheet_per_session_with_the_cividis_scale(sessions, tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert run("export", *sessions[:2], "--format", "xlsx", "--out", out, capsys=capsys)[0] == 0
    sheets = read_xlsx(out)
    assert list(sheets) == ["data", "PAI check-in", "CPAT"]  # named after their sessions
    summary = sheets["PAI check-in"]
    assert summary[0] == [
        "domain",
        "answers",
        "abstentions",
        "mean score",
        "strength share",
        "priority share",
        "consensus",
    ]
    session = load_session(sessions[0])
    assert [r[0] for r in summary[1:]] == [d.title for d in session.instrument.domains]
    trust = summary[1]
    answered = [r for r in expected_rows(sessions[0]) if r[2].startswith("trust-")]
    scored = [r[4] for r in answered if r[4] is not None]
    assert trust[1] == len(scored)
    assert trust[3] == pytest.approx(sum(scored) / len(scored))
    xml = sheet_xml(out, "PAI check-in")
    assert xml.count('type="colorScale"') == 3
    for colour in (CIVIDIS[0], CIVIDIS[4], CIVIDIS[-1]):
        assert f'rgb="FF{colour.lstrip("#").upper()}"' in xml
    one = tmp_path / "one.xlsx"
    assert run("export", sessions[0], "--format", "xlsx", "--out", one, capsys=capsys)[0] == 0
    assert list(read_xlsx(one)) == ["data", "summary"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymized_output_has_no_names_and_no_free_text(sessions, tmp_path, capsys, fmt):
    out = tmp_path / f"anon.{fmt}"
    code, stdout, err = run(
        "export", *sessions, "--format", fmt, "--out", out, "--anonymize", capsys=capsys
    )
    assert code == 0, err
    secrets = NAMES + FREE_TEXT
    raw = out.read_bytes()
    for secret in secrets:
        assert secret.encode() not in raw, secret
        assert json.dumps(secret)[1:-1].encode() not in raw, secret
    if fmt == "xlsx":
        cells = [c for rows in read_xlsx(out).values() for row in rows for c in row]
    else:
        df = read_back(out, fmt)
        cells = [v for col in df.select(pl.col(pl.String)).columns for v in df[col]]
        assert df["participant_name"].null_count() == df.height
        assert not [c for c in df.columns if c.endswith("_other")]
        assert set(df["participant"]) <= {"p01", "p02", "p03", "group", "tally"}
        assert "barriers" not in set(df["item"])
        assert df.height == sum(
            1 for p in sessions for r in expected_rows(p) if r[2] not in _free_text_items(p)
        )
    text = "\n".join(str(c) for c in cells if c is not None)
    for secret in secrets:
        assert secret not in text, secret


def _free_text_items(path: Path) -> set[str]:
    inst = load_session(path).instrument
    return {i.id for i in inst.items if i.kind in ("text", "table")}


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_files_are_private(sessions, tmp_path, capsys, fmt):
    out = tmp_path / f"p.{fmt}"
    out.write_text("old")
    out.chmod(0o644)
    assert run("export", sessions[0], "--format", fmt, "--out", out, capsys=capsys)[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names open files via /proc")
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_is_on_the_disk_before_it_replaces_the_old_file(
    sessions, tmp_path, capsys, monkeypatch, fmt
):
    """As with session files: the new file's bytes are synced, then it is moved into place, then
    the move is synced; a crash leaves the old export or the whole new one."""
    import os

    out = tmp_path / f"d.{fmt}"
    out.write_text("old")
    events: list[str] = []
    fsync, replace = os.fsync, os.replace

    def synced(fd: int) -> None:
        target = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if target == tmp_path:
            events.append("sync folder")
        else:
            events.append("sync old file" if target.read_bytes() == b"old" else "sync new file")
        fsync(fd)

    def moved(src, dst) -> None:  # noqa: ANN001
        events.append(f"replace {Path(dst).name}")
        replace(src, dst)

    monkeypatch.setattr(os, "fsync", synced)
    monkeypatch.setattr(os, "replace", moved)
    assert run("export", sessions[0], "--format", fmt, "--out", out, capsys=capsys)[0] == 0
    assert events == ["sync new file", f"replace {out.name}", "sync folder"]


def test_a_missing_output_folder_is_one_sentence(sessions, tmp_path, run_bcr):
    result = run_bcr(
        "export",
        sessions[0],
        "--format",
        "csv",
        "--out",
        tmp_path / "nowhere" / "x.csv",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "nowhere" in result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unwritable_output_folder_is_one_sentence(sessions, tmp_path, capsys, fmt):
    # As root chmod does not stop writes: a folder "inside" a regular file cannot be written.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, stdout, err = run(
        "export", sessions[0], "--format", fmt, "--out", blocker / "x" / f"out.{fmt}", capsys=capsys
    )
    assert code == 2
    assert stdout == ""
    assert err.count("\n") == 1 and "a-file" in err and "Traceback" not in err


def test_a_damaged_session_is_one_sentence(sessions, tmp_path, run_bcr):
    bad = tmp_path / "bad.toml"
    bad.write_text(sessions[0].read_text("utf-8")[:500])
    result = run_bcr(
        "export", sessions[0], bad, "--format", "csv", "--out", tmp_path / "o.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"bcr: {bad}: ") and result.stderr.count("\n") == 1
    assert not (tmp_path / "o.csv").exists()


def test_tidy_does_not_import_polars():
    import subprocess

    probe = "import bcr_tui.analysis.tidy, sys; assert 'polars' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0


def test_anonymize_frame_is_what_export_anonymize_writes(sessions):
    """The roll-up anonymizes its joined table with `export.anonymize_frame`; for every kind of
    session (text, table and "Other" answers, tallies) it gives the rows `--anonymize` gives."""
    from bcr_tui.outputs.export import anonymize_frame, frame_from_columns, merge

    loaded = [load_session(p) for p in sessions]
    plain = frame_from_columns(merge([tidy.table(s) for s in loaded]))
    anonymous = frame_from_columns(merge([tidy.table(s, anonymize=True) for s in loaded]))
    assert plain.height > anonymous.height  # free text was there to drop
    assert anonymize_frame(plain).equals(anonymous)
