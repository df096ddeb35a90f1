"""`bcr mou`: the Toolkit's Model MOU (Tool 2), filled with the session's partners and actions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bcr_tui.instrument.model import Instrument
from bcr_tui.outputs import mou
from bcr_tui.session.demo import demo_session
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "001_e9c7fca2baf59d10.txt"


def test_mou_of_the_demo(tmp_path: Path, run_bcr) -> None:
    session = demo_session()
    path, out = tmp_path / "demo.toml", tmp_path / "mou.md"
    SessionStore.create(path, session).close()
    done = run_bcr("mou", path, "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote the MOU draft to {out}"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text("utf-8")
    assert "NOW THEREFORE, BCR Partners agree to the following:" in text
    assert "\nVentura County\n" in text and "- The **Ventura County** BCR Cross Sector" in text
    assert "NAME of COUNTY" not in text and "NAME OF COUNTY" not in text
    for person in session.participants:
        assert f"**{person.organization}**" in text
        assert f"By: {person.name} (typed name & signature)" in text
    assert text.count("**Parent partner**") == 1  # one block per organization
    assert text.count("Date:") == len(session.participants)
    assert "## Action steps agreed" in text
    for action in session.actions:
        assert f"| {action.step} | {action.needs} | {action.owner} | {action.due} |" in text


def test_placeholders_stay_without_community_or_roster(pai: Instrument) -> None:
    text = mou.draft(new_session(pai, "Group", mode="group"))
    assert "\nNAME of COUNTY or COMMUNITY\n" in text
    assert "- The **NAME OF COUNTY OR COMMUNITY** BCR Cross Sector" in text
    assert "NAME OF ENTITY MEMBER 1 (i.e., ABC Family Resource Center)" in text
    assert "No action steps were recorded in this session." in text


def test_participant_without_organization_signs_as_an_individual(pai: Instrument) -> None:
    """Issue 16.12: a person without an organization is not presented as an agency."""
    s = new_session(
        pai,
        "T",
        [("Ana Ruiz", None), ("Ben <b>", "Org | One"), ("Cy", "Org | One")],
        community="Oxnard",
    )
    assert mou.signatories(s) == {"Org | One": ["Ben <b>", "Cy"]}
    assert mou.individuals(s) == ["Ana Ruiz"]
    text = mou.draft(s)
    assert "**Ana Ruiz**" not in text
    assert f"{mou.INDIVIDUALS}\n\nSigned: Ana Ruiz (typed name & signature)\n\nDate:" in text
    assert "**Org \\| One**" in text and "By: Ben \\<b\\> (typed name" in text


def test_bad_output_folder(tmp_path: Path, run_bcr) -> None:
    path = tmp_path / "demo.toml"
    SessionStore.create(path, demo_session()).close()
    done = run_bcr("mou", path, "--out", tmp_path / "nope" / "mou.md", cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_wording_is_the_toolkits() -> None:
    """Every line of Tool 2, from its title to the last signature note, is in the draft."""
    if not SEED.is_file():
        pytest.skip(f"source document {SEED} is not available")
    seed = SEED.read_text("utf-8").splitlines()
    start = seed.index("Model Memorandum of Understanding (MOU)")
    end = seed.index("NOTE: Continue as needed for additional members.")
    session = demo_session()
    session.community, session.participants = "", []
    lines = set(mou.draft(session).splitlines())
    missing = [
        line
        for line in seed[start : end + 1]
        if line.strip() and line not in lines and f"# {line}" not in lines
    ]
    assert missing == []


def test_markdown_significant_names_stay_text(tmp_path: Path, run_bcr) -> None:
    """Issue 18.3: the draft is a template now; a name, an organization or the community that
    means something in Markdown (emphasis, a tag, a link, code) is still written as text."""
    session = demo_session()
    session.community = "**Ventura** [x](http://evil.example)"
    first, second = session.participants[:2]
    first.name, first.organization = "**bold**", "<script>alert(1)</script>"
    second.name, second.organization = "_u_ `c`", None
    path, out = tmp_path / "hostile.toml", tmp_path / "mou.md"
    SessionStore.create(path, session).close()
    done = run_bcr("mou", path, "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert "\nin\n\n\\*\\*Ventura\\*\\* \\[x\\](http\\://evil.example)\n" in text
    assert "**\\<script\\>alert(1)\\</script\\>**\n\nBy: \\*\\*bold\\*\\* (typed name" in text
    assert "Signed: \\_u\\_ \\`c\\` (typed name & signature)" in text
    assert "<script>" not in text and "**bold**" not in text and "](http://" not in text
