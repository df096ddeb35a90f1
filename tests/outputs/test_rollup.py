"""`bcr rollup`: every session under a folder in one table plus a community × domain summary;
bad files named and skipped; the fast reader agrees with the full loader; errors are one line."""

from __future__ import annotations

import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
import tomli

from bcr_tui.analysis import tidy
from bcr_tui.cli import main
from bcr_tui.errors import SessionFileError
from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.outputs import rollup
from bcr_tui.session.records import Action
from bcr_tui.session.state import Session, new_session
from bcr_tui.storage import fastread
from bcr_tui.storage.store import SessionStore, load_session

PAI = load_instrument(find_instrument("pai"))
CARE = load_instrument(find_instrument("communities-of-care"))
KEYS = ("maintain", "immediate", "future", "abstain")


def pai_session(n: int, community: str, people: int = 3, items: int = 12) -> Session:
    s = new_session(
        PAI,
        f"Check-in {n}",
        [(f"Person {n}-{k}", None) for k in range(people)],
        community=community,
    )
    s.set_profile("p01", "sector", "other")
    s.set_profile("p01", "sector-other", 'Lamp "lighters"\n[[log]]')
    for i, item in enumerate(s.items[:items]):
        for k, person in enumerate(s.participants):
            s.record(person.id, item.id, KEYS[(n + i + k) % 4])
    return s


def care_session() -> Session:
    s = new_session(CARE, "Care circle", None, community="Ojai", mode="group")
    for n, item in enumerate(s.items):
        if item.kind == "rating":
            s.record("group", item.id, item.scale.points[n % 2].key)
        elif item.kind == "text":
            s.record("group", item.id, "line one\nline two\n[[log]]\n[notes]")
        else:
            s.record("group", item.id, [{"barrier": "Bus", "strategies": 'Carpool = "yes"'}])
    s.set_note(s.items[0].id, "A note\n[[log]]")
    s.add_action(Action("Hold a workshop", "Budget", "Dana", "2027-01-31"))
    return s


def tally_session() -> Session:
    s = new_session(PAI, "Town hall", None, community="Ventura County", mode="tally")
    s.set_tally(s.items[0].id, {"maintain": 7, "immediate": 2, "abstain": 1})
    return s


def save(path: Path, session: Session) -> Path:
    SessionStore.create(path, session).close()
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three good sessions in nested folders, one damaged file, one foreign TOML, one text."""
    root = tmp_path / "sessions"
    save(root / "a" / "one.toml", pai_session(1, "Ventura County"))
    save(root / "a" / "b" / "two.toml", pai_session(2, "Ojai"))
    save(root / "care.toml", care_session())
    damaged = root / "a" / "damaged.toml"
    damaged.write_text((root / "a" / "one.toml").read_text("utf-8")[:900], "utf-8")
    (root / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n", "utf-8")
    (root / "notes.txt").write_text("not a session", "utf-8")
    return root


GOOD = ("a/b/two.toml", "a/one.toml", "care.toml")


def run(*args: str | Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The command line in this process (same code as `bcr`, without a new interpreter)."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_rollup_reads_every_session_and_names_each_bad_file(folder, tmp_path, run_bcr):
    out = tmp_path / "all.csv"
    result = run_bcr("rollup", folder, "--out", out, cwd=tmp_path)
    assert result.returncode == rollup.SKIPPED_EXIT == 3, result.stderr  # written, files skipped
    expected = sum(len(tidy.rows(load_session(folder / name))) for name in GOOD)
    assert result.stdout == (
        f"Read 3 sessions (2 skipped) from {folder}: {expected} rows to {out}\n"
    )
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"bcr: skipped {folder / 'a' / 'damaged.toml'}: ")
    assert lines[1] == (
        f"bcr: skipped {folder / 'pyproject.toml'}: is not a bcr session file "
        "(it has no format line)"
    )
    table = pl.read_csv(out, infer_schema=False)
    assert table.height == expected
    assert sorted(set(table["source"])) == sorted(GOOD)
    summary = pl.read_csv(folder.parent / "all-summary.csv")
    assert summary.columns == list(rollup.SUMMARY_COLUMNS)
    for path in (out, folder.parent / "all-summary.csv"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_table_is_the_export_table_plus_the_source(folder, tmp_path, capsys):
    out = tmp_path / "all.parquet"
    assert run("rollup", folder, "--out", out, capsys=capsys)[0] == rollup.SKIPPED_EXIT
    table = pl.read_parquet(out)
    assert table.schema["date"] == pl.Date and table.schema["score"] == pl.Float64
    assert table.schema["count"] == pl.Int64
    expected = [r for name in GOOD for r in tidy.rows(load_session(folder / name), source=name)]
    got = table.to_dicts()
    assert [{k: r.get(k) for k in tidy.COLUMNS if k != "date"} for r in expected] == [
        {k: r[k] for k in tidy.COLUMNS if k != "date"} for r in got
    ]
    assert [r["sector_other"] for r in got if r["sector_other"]][0] == 'Lamp "lighters"\n[[log]]'


def test_the_summary_pools_every_answer_by_community_and_domain(folder, tmp_path, capsys):
    out = tmp_path / "all.parquet"
    assert run("rollup", folder, "--out", out, capsys=capsys)[0] == rollup.SKIPPED_EXIT
    summary = pl.read_parquet(tmp_path / "all-summary.parquet")
    rows = [r for name in GOOD for r in tidy.rows(load_session(folder / name))]
    for got in summary.iter_rows(named=True):
        mine = [
            r
            for r in rows
            if (r["community"], r["instrument"], r["domain"])
            == (got["community"], got["instrument"], got["domain"])
            and r["answer_label"]
        ]
        scored = [r["score"] for r in mine if r["score"] is not None]
        assert got["answers"] == sum(r["count"] for r in mine if r["answer"] != "abstain")
        assert got["abstentions"] == sum(r["count"] for r in mine if r["answer"] == "abstain")
        assert got["mean_score"] == (pytest.approx(sum(scored) / len(scored)) if scored else None)
        assert got["sessions"] == 1
    ventura = summary.filter(pl.col("community") == "Ventura County")
    assert ventura["domain"].to_list()[:2] == ["trust", "shared-values"]
    # nominal scales (yes / no / unsure) have counts but no mean
    care = summary.filter(pl.col("instrument") == CARE.id)
    assert care.height and care["mean_score"].null_count() == care.height


def test_xlsx_has_data_and_summary_sheets(folder, tmp_path, capsys):
    out = tmp_path / "all.xlsx"
    code, stdout, _ = run("rollup", folder, "--out", out, capsys=capsys)
    assert code == rollup.SKIPPED_EXIT
    with zipfile.ZipFile(out) as z:
        book = z.read("xl/workbook.xml").decode()
        data = z.read("xl/worksheets/sheet1.xml").decode()
    assert 'name="data"' in book and 'name="summary"' in book
    rows = int(stdout.split(": ")[1].split()[0])
    assert data.count("<row ") == rows + 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not (tmp_path / "all-summary.xlsx").exists()


def test_a_folder_of_only_bad_files_is_one_line_and_exit_2(tmp_path, run_bcr):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.toml").write_text("this is = = not toml", "utf-8")
    (bad / "y.toml").write_text('format = "something-else/1"\n', "utf-8")
    result = run_bcr("rollup", bad, "--out", tmp_path / "o.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "none of the 2 .toml file(s)" in result.stderr
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("where", ["missing", "under-a-file", "extension", "no-folder"])
def test_output_and_folder_errors_are_one_sentence(folder, tmp_path, capsys, where):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    src, out = (
        folder,
        {
            "missing": tmp_path / "nowhere" / "o.csv",
            "under-a-file": blocker / "o.parquet",
            "extension": tmp_path / "o.json",
            "no-folder": tmp_path / "o.csv",
        }[where],
    )
    if where == "no-folder":
        src = tmp_path / "no-such-folder"
    code, stdout, err = run("rollup", src, "--out", out, capsys=capsys)
    assert code == 2
    assert stdout == ""
    assert err.count("\n") == 1 and err.startswith("bcr: ")
    assert {
        "missing": "nowhere",
        "under-a-file": "a-file",
        "extension": ".csv",
        "no-folder": "no-such-folder",
    }[where] in err


def test_workers_give_the_same_table(folder, tmp_path, monkeypatch):
    paths = sorted(folder.rglob("*.toml"))
    serial = rollup.read_all(paths, folder)
    monkeypatch.setattr(rollup, "PARALLEL_ABOVE", 1)
    monkeypatch.setattr(rollup, "CHUNK", 2)
    parallel = rollup.read_all(paths, folder)
    assert (
        (parallel.read, parallel.skipped) == (serial.read, serial.skipped) == (3, parallel.skipped)
    )
    assert [p for p, _ in parallel.skipped] == [
        str(folder / "a" / "damaged.toml"),
        str(folder / "pyproject.toml"),
    ]
    assert parallel.table().equals(serial.table())


def test_forked_workers_give_the_same_table(folder, tmp_path):
    """In a fresh process (as `bcr rollup` runs), the workers are forked; the table is the one
    read without them."""
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bcr_tui.outputs import rollup\n"
        "assert rollup._context().get_start_method() == 'fork'\n"
        f"folder = Path({str(folder)!r})\n"
        "paths = sorted(folder.rglob('*.toml'))\n"
        "rollup.PARALLEL_ABOVE, rollup.CHUNK = 1, 2\n"
        "parallel = rollup.read_all(paths, folder)\n"
        "rollup.PARALLEL_ABOVE = 1000\n"
        "serial = rollup.read_all(paths, folder)\n"
        "assert parallel.skipped == serial.skipped and parallel.read == serial.read == 3\n"
        "assert parallel.table().equals(serial.table())\n"
        "print('same')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "same\n"


def test_rows_built_by_joins_are_the_tidy_rows(folder, tmp_path):
    """Plain-rating sessions take the polars joins (rolltable); the rest `tidy.table`. Mixed
    in any order, with a group answer, an absent person, and profiles, the frame is the same."""
    group = pai_session(3, "Fillmore", people=2, items=4)
    group.record("group", group.items[5].id, "immediate")
    group.participants[1].absent = True
    save(folder / "c" / "group.toml", group)
    save(folder / "c" / "tally.toml", tally_session())
    other = new_session(CARE, "Care, ratings only", [("Ana", None)], community="Ojai")
    other.record(
        "p01",
        next(i for i in other.items if i.kind == "rating").id,
        next(i for i in other.items if i.kind == "rating").scale.points[0].key,
    )
    save(folder / "c" / "zz-care.toml", other)
    paths = sorted(str(p) for p in folder.rglob("*.toml"))
    joined = rollup.read_chunk(paths, str(folder))
    tidied = rollup.read_chunk(paths, str(folder), joins=False)
    table = rollup.Result([joined]).table()
    expected = rollup.Result([tidied]).table()
    assert table.columns == expected.columns
    assert table.equals(expected)
    assert (joined.read, joined.skipped) == (tidied.read, tidied.skipped) == (6, joined.skipped)
    fillmore = table.filter(table["community"] == "Fillmore")
    assert fillmore["participant"].to_list()[-1] == "group" and fillmore.height == 2 * 4 + 1
    # it was the joins that built most of it: the plain sessions came back as small numbers
    assert set(joined.batch.sources) == {
        "a/one.toml",
        "a/b/two.toml",
        "c/group.toml",
        "c/zz-care.toml",
    }
    assert fastread.plain_ratings(folder / "care.toml") is not None  # but its block has a table


def _swap_raters(text: str) -> str:
    one, two = text.index("\n[ratings.p01]"), text.index("\n[ratings.p02]")
    three = text.index("\n[ratings.p03]")
    return text[:one] + text[two:three] + text[one:two] + text[three:]


#: Hand edits of a plain-rating session file: (what, edit, still read as plain ratings).
EDITS = [
    ("raters out of order", _swap_raters, True),
    (
        "items out of order",
        lambda t: t.replace(
            'trust-1 = "immediate"\ntrust-2 = "future"',
            'trust-2 = "future"\ntrust-1 = "immediate"',
            1,
        ),
        True,
    ),
    (
        "blank lines between tables",
        lambda t: t.replace("\n[ratings.p02]", "\n\n\n[ratings.p02]"),
        True,
    ),
    ("spaces around =", lambda t: t.replace('trust-1 = "', 'trust-1  =   "', 1), False),
    ("a quoted key", lambda t: t.replace('trust-1 = "', '"trust-1" = "', 1), False),
    (
        "a literal string",
        lambda t: t.replace('trust-1 = "immediate"', "trust-1 = 'immediate'", 1),
        False,
    ),
    (
        "a comment",
        lambda t: t.replace('trust-1 = "immediate"', 'trust-1 = "immediate" # ok', 1),
        False,
    ),
    ("a blank line inside a table", lambda t: t.replace('"\ntrust-2', '"\n\ntrust-2', 1), False),
    ("a dotted header", lambda t: t.replace("[ratings.p02]", "[ratings.p02.x]", 1), False),
    (
        "not a point of the scale",
        lambda t: t.replace('trust-1 = "immediate"', 'trust-1 = "sometimes"', 1),
        False,
    ),
    (
        "an item twice",
        lambda t: t.replace(
            'trust-1 = "immediate"', 'trust-1 = "immediate"\ntrust-1 = "future"', 1
        ),
        False,
    ),
    ("a table twice", lambda t: t.replace("[ratings.p03]", "[ratings.p02]", 1), False),
    ("someone not on the roster", lambda t: t.replace("[ratings.p03]", "[ratings.p09]", 1), False),
    (
        "a profile question rated",
        lambda t: t.replace('trust-1 = "immediate"', 'sector = "immediate"', 1),
        False,
    ),
    (
        "an escape",
        lambda t: t.replace('trust-1 = "immediate"', 'trust-1 = "i\\u006dmediate"', 1),
        False,
    ),
]


@pytest.mark.parametrize(
    ("edit", "plain"), [(e[1], e[2]) for e in EDITS], ids=[e[0] for e in EDITS]
)
def test_hand_edited_ratings_give_what_the_full_parse_gives(tmp_path, edit, plain):
    """A ratings block is read by looking up whole lines as bcr writes them: any other way of
    writing the same thing (or something invalid) goes to the full parse, with the same result."""
    s = pai_session(1, "Ventura County", people=3, items=4)
    s.record("group", s.items[5].id, "future")
    text = save(tmp_path / "s" / "x.toml", s).read_text("utf-8")
    assert 'trust-1 = "immediate"\ntrust-2 = "future"' in text
    edited = edit(text)
    assert edited != text
    (tmp_path / "s" / "x.toml").write_text(edited, "utf-8")
    paths = [
        str(save(tmp_path / "s" / "a.toml", pai_session(2, "Ojai"))),
        str(tmp_path / "s" / "x.toml"),
    ]
    joined = rollup.read_chunk(paths, str(tmp_path / "s"))
    tidied = rollup.read_chunk(paths, str(tmp_path / "s"), joins=False)
    assert (joined.read, joined.skipped) == (tidied.read, tidied.skipped)
    assert rollup.Result([joined]).table().equals(rollup.Result([tidied]).table())
    assert ("x.toml" in joined.batch.sources) is plain


def _same_session(a: Session, b: Session) -> None:
    left, right = dict(vars(a)), dict(vars(b))
    left.pop("log")
    right.pop("log")
    assert left == right
    assert a.instrument.raw == b.instrument.raw


def test_the_fast_reader_agrees_with_the_full_loader(folder, tmp_path):
    paths = [folder / name for name in GOOD]
    paths.append(save(tmp_path / "tally.toml", tally_session()))
    for path in paths:
        assert fastread.read_session_head(path)[1] is not None, path  # the shortcut is taken
        _same_session(rollup.read_session(path), load_session(path))


def test_hand_edited_files_are_read_in_full(tmp_path):
    path = save(tmp_path / "one.toml", pai_session(1, "Ojai", people=2, items=3))
    text = path.read_text("utf-8")
    variants = {
        # a table after the log: the shortcut would miss it
        "after-log": text + "\n[tally.trust-1]\nmaintain = 3\n",
        # Windows line endings
        "crlf": text.replace("\n", "\r\n"),
        # a multi-line string before the log
        "multiline": text.replace('community = "Ojai"', 'community = """Ojai"""'),
        # ratings written by hand, out of bcr's order and spacing
        "spacing": text.replace('trust-1 = "', 'trust-1="', 1),
        # a duplicate (valid) answer: the full parse names it
        "duplicate": text.replace('trust-2 = "', 'trust-1 = "maintain"\ntrust-2 = "', 1),
    }
    for name, variant in variants.items():
        edited = tmp_path / f"{name}.toml"
        edited.write_text(variant, "utf-8")
        if name == "duplicate":
            with pytest.raises(SessionFileError) as full:
                load_session(edited)
            with pytest.raises(SessionFileError) as fast:
                rollup.read_session(edited)
            assert str(fast.value) == str(full.value)
            continue
        assert fastread.read_session_head(edited)[1] is None or name == "spacing", name
        _same_session(rollup.read_session(edited), load_session(edited))
    assert load_session(tmp_path / "after-log.toml").tally == {"trust-1": {"maintain": 3}}
    assert fastread.plain_ratings(tmp_path / "after-log.toml") is None  # not cut before the log


def test_a_roll_up_never_decodes_the_change_log(tmp_path):
    """The log is most of a file and a roll-up does not use it: it is checked to hold only
    [[log]] tables but not decoded, so bytes that are not UTF-8 there do not stop the ratings
    from being rolled up (as a damaged log alone never does); in the head they do."""
    path = save(tmp_path / "one.toml", pai_session(1, "Ojai", people=2, items=3))
    data = path.read_bytes()
    cut = data.index(b"\n[[log]]\n")
    path.write_bytes(data[:-2] + b"\xff\n")  # in the last log entry
    with pytest.raises(SessionFileError, match="not UTF-8"):
        load_session(path)
    session, block = fastread.plain_ratings(path)
    assert session.community == "Ojai" and block.startswith("[ratings.p01]\n")
    path.write_bytes(data[:cut] + b"# \xff\n" + data[cut:])  # in the head
    with pytest.raises(SessionFileError, match="not UTF-8"):
        fastread.plain_ratings(path)


def test_the_ratings_pattern_is_not_fooled_by_an_array_around_it():
    # Invalid TOML (a table header inside an array): cutting the ratings out would make it valid.
    text = 'x = [\n[ratings.p01]\ntrust-1 = "maintain"\n["y"]]\n'
    with pytest.raises(tomli.TOMLDecodeError):
        tomli.loads(text)
    with pytest.raises(tomli.TOMLDecodeError):
        fastread._cut_ratings(text)
