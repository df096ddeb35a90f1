"""20 phones in Debian's chromium (Playwright, Pixel 7 and iPhone 13 emulation) against a real
`bcr open --phones --host 127.0.0.1` on a pseudo-terminal: they open the QR's URL, tap their
name and an answer, one without JavaScript; some go offline and come back; the facilitator moves
on and the pages follow. The file holds every acknowledged vote; before the reveal no page holds
another person's name or answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import sys
from pathlib import Path

import pytest
from phonekit import free_port, write_session

from bcr_tui.storage.store import load_session
from bcr_tui.web.phones.qr import qr_text

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
if sys.platform == "win32" or not Path(CHROMIUM).exists():
    pytest.skip("needs Debian's chromium and a POSIX pseudo-terminal", allow_module_level=True)
pw_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")

import phonesim  # noqa: E402 - benchmarks/phonesim.py, via conftest.py

PEOPLE = 20
LABELS = {
    "maintain": "Currently exists / Maintain",
    "immediate": "Needs immediate attention",
    "future": "Needs work in the future",
}
KEYS = list(LABELS)


def name(n: int) -> str:
    return f"Person {n:02d}"


def others_in(html: str, me: int) -> list[str]:
    """Other participants' names found on a page."""
    return [name(n) for n in range(1, PEOPLE + 1) if n != me and name(n) in html]


async def test_twenty_phones_in_chromium(tmp_path):
    path = write_session(tmp_path, people=PEOPLE)
    app = phonesim.start_open(path, free_port())
    pump = None
    acked: dict[int, str] = {}
    try:
        url = phonesim.wait_join_url(app, path)
        pump = phonesim.Pump(app)
        pump.start()
        base = url.rpartition("/j/")[0] + "/"
        async with pw_api.async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            profiles = []
            for device in ("Pixel 7", "iPhone 13"):
                profile = dict(pw.devices[device])
                profile.pop("default_browser_type", None)
                profiles.append(profile)
            contexts = await asyncio.gather(
                *(
                    browser.new_context(**profiles[n % 2], java_script_enabled=n != 1)
                    for n in range(1, PEOPLE + 1)
                )
            )  # phone 1 has JavaScript off
            made = await asyncio.gather(*(c.new_page() for c in contexts))
            pages = dict(enumerate(made, start=1))
            gate = asyncio.Semaphore(10)

            async def join_and_vote(n: int) -> None:
                page = pages[n]
                key = KEYS[n % 3]
                async with gate:
                    await page.goto(qr_text(url))  # what the QR holds (test_lan_qr decodes it)
                    await page.get_by_role("button", name=name(n), exact=True).click()
                    await page.get_by_text("question 1 of").wait_for()
                    await page.get_by_role("button", name=LABELS[key], exact=True).click()
                    await page.get_by_text(f"Saved: {LABELS[key]}").wait_for()
                acked[n] = key
                assert others_in(await page.content(), n) == []

            await asyncio.gather(*(join_and_vote(n) for n in pages))
            item1 = load_session(path).cursor.item
            # Offline and back: the tap made offline fails; back online the page catches up
            # (their last saved answer), and the answer is changed.
            for n in (2, 3, 4):
                page = pages[n]
                await contexts[n - 1].set_offline(True)
                new = KEYS[(n + 1) % 3]
                await page.get_by_role("button", name=LABELS[new], exact=True).click()
                await contexts[n - 1].set_offline(False)
                with contextlib.suppress(pw_api.Error):  # its "online" listener reloaded first
                    await page.goto(base)
                await page.get_by_text(f"Saved: {LABELS[acked[n]]}").wait_for()
                await page.get_by_role("button", name=LABELS[new], exact=True).click()
                await page.get_by_text(f"Saved: {LABELS[new]}").wait_for()
                acked[n] = new
            # Phones 5 and 6 are offline when the facilitator moves on; back online, they follow.
            for n in (5, 6):
                await contexts[n - 1].set_offline(True)
            app.send(b"\x1b[C")  # → next item, on the facilitator's keyboard
            for n in range(7, PEOPLE + 1):  # JavaScript phones follow by themselves (SSE)
                await pages[n].get_by_text("question 2 of").wait_for(timeout=20_000)
            for n in (5, 6):
                await contexts[n - 1].set_offline(False)
                await pages[n].get_by_text("question 2 of").wait_for(timeout=20_000)
            await pages[1].reload()  # the phone without JavaScript: a reload shows it
            await pages[1].get_by_text("question 2 of").wait_for()
            for n, page in pages.items():
                html = await page.content()
                assert others_in(html, n) == [], n
                assert "Saved" not in html  # nothing answered on question 2 yet, by anyone
                assert not re.search(r"\d+ (answered|votes?)", html)
            await browser.close()
        app.send(b"\x11")  # ctrl+q
        app.wait(30)
    finally:
        if pump is not None:
            pump.stop.set()
            pump.join(5)
        app.close()
    saved = load_session(path)
    for n, key in acked.items():
        assert saved.answer(f"p{n:02d}", item1) == key, n
    assert len(acked) == PEOPLE
