"""`bcr serve` in a real browser: Playwright drives Debian's chromium against 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.session.state import new_session
from bcr_tui.storage.store import SessionStore, load_session

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    print("browser test skipped: no chromium (CI installs Debian's chromium with apt-get)")
    pytest.skip(
        "no chromium at /usr/bin/chromium (CI installs it with apt-get)", allow_module_level=True
    )
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what: str, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def served(tmp_path):
    session = new_session(
        load_instrument(find_instrument("pai")),
        "Web session",
        [("Ana", None), ("Ben", None), ("Chen", None)],
    )
    store = SessionStore.create(tmp_path / "web.toml", session)
    store.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bcr_tui", "serve", str(store.path), "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def up() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return False
        return True

    wait_for(up, "the server")
    yield store.path, f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=20)


def test_rating_in_the_browser_lands_in_the_file(served, tmp_path):
    path, url = served
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(url)
        wait_for(lambda: (tmp_path / ".web.toml.lock").exists(), "the app to open the session")
        page.wait_for_timeout(1500)  # the first frame, mostly
        for n, key in enumerate(("1", "2", "3"), start=1):
            # A key typed before the page's terminal is connected is lost, never misplaced: type
            # it again only when, after a few seconds, nothing landed (a loaded machine).
            for _ in range(5):
                page.mouse.click(600, 400)
                page.keyboard.press(key)
                try:
                    wait_for(lambda n=n: len(load_session(path).answers) == n, f"answer {n}", 4)
                    break
                except AssertionError:
                    continue
        wait_for(lambda: len(load_session(path).answers) == 3, "three answers on disk")
        assert load_session(path).answers == {
            "p01": {"trust-1": "maintain"},
            "p02": {"trust-1": "immediate"},
            "p03": {"trust-1": "future"},
        }
        shot = page.screenshot()
        assert len(shot) > 20_000  # a rendered app, not a blank page

        second = browser.new_page(viewport={"width": 1200, "height": 800})
        second.goto(url)  # a second tab would write the same session: refused by the lock
        second.wait_for_timeout(3000)
        second.mouse.click(600, 400)
        second.keyboard.press("1")
        second.wait_for_timeout(1000)
        assert load_session(path).answers["p01"] == {
            "trust-1": "maintain",
        }
        assert "trust-2" not in load_session(path).answers.get("p01", {})
        page.keyboard.press("2")  # the first tab still works
        wait_for(
            lambda: load_session(path).answers["p01"].get("trust-2") == "immediate",
            "the first tab's next answer",
        )
        second.screenshot(path=str(tmp_path / "second-tab.png"))
        browser.close()
    assert load_session(path).answers["p01"] == {"trust-1": "maintain", "trust-2": "immediate"}


def test_serve_refuses_other_hosts_without_the_flag(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bcr_tui", "serve", "--host", "0.0.0.0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "refused" in result.stderr
    assert "Traceback" not in result.stderr
