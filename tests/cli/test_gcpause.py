"""Garbage collection is off while bcr starts (it would free nothing and cost time) and back on,
with start-up's objects frozen out of its way, from the first frame. Proved on the real `bcr open`
in a pseudo-terminal, with a probe that records the collector's state."""

from __future__ import annotations

import gc
import sys
import textwrap
from pathlib import Path

from bcr_tui import cli
from bcr_tui.session.demo import demo_session
from bcr_tui.storage.store import SessionStore

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

PROBE = """
    import atexit, gc, os
    import bcr_tui.storage.store as store

    seen = []
    store_open = store.SessionStore.open.__func__

    def probed_open(cls, *args, **kwargs):
        seen.append(f"open:{gc.isenabled()}")
        return store_open(cls, *args, **kwargs)

    def report():
        seen.append(f"exit:{gc.isenabled()}:{gc.get_freeze_count() > 10000}")
        with open(os.environ["PROBE_OUT"], "w") as handle:
            handle.write(" ".join(seen))

    store.SessionStore.open = classmethod(probed_open)
    atexit.register(report)
"""


def test_bcr_open_starts_without_collection_and_collects_from_the_first_frame(tmp_path):
    sys.path.insert(0, str(BENCHMARKS))
    from ptyapp import PtyApp

    session = tmp_path / "demo.toml"
    SessionStore.create(session, demo_session()).close()
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "sitecustomize.py").write_text(textwrap.dedent(PROBE), "utf-8")
    out = tmp_path / "probe.txt"
    app = PtyApp(
        [sys.executable, "-m", "bcr_tui", "open", str(session)],
        cols=100,
        rows=30,
        env={"PYTHONPATH": str(probe), "PROBE_OUT": str(out), "BCR_EXIT_AFTER_FIRST_FRAME": "1"},
    )
    try:
        assert app.wait(60) == 0
    finally:
        app.close()
    assert out.read_text("utf-8") == "open:False exit:True:True"


def test_commands_that_do_not_open_the_app_keep_collection_on(capsys):
    assert gc.isenabled()
    assert cli.main(["instruments", "list"]) == 0
    assert gc.isenabled()
    assert "partnership-assessment-inventory" in capsys.readouterr().out
