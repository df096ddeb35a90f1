"""The address phones are given (chosen from fake adapter lists: no packet is sent) and the QR
code the app draws (decoded from an image of its half-block text)."""

from __future__ import annotations

import socket
import subprocess
import sys
from types import SimpleNamespace

import pytest

from bcr_tui.errors import UsageError
from bcr_tui.storage.store import SessionLock
from bcr_tui.web.phones import announce, lan
from bcr_tui.web.phones.qr import half_blocks, qr_text


def adapter(name, *ips):
    return SimpleNamespace(nice_name=name, name=name, ips=[SimpleNamespace(ip=i) for i in ips])


def test_hotspot_first_then_private_never_public_loopback_or_ipv6():
    adapters = [
        adapter("lo", "127.0.0.1"),
        adapter("eth0", "203.0.113.9"),
        adapter("wlan0", "192.168.1.23", ("fe80::1", 0, 2)),
        adapter("docker0", "172.17.0.1"),
        adapter("wlan1", "192.168.137.1"),
        adapter("eth1", "169.254.3.3"),
    ]
    assert lan.candidates(adapters) == ["192.168.137.1", "192.168.1.23", "172.17.0.1"]


def test_no_private_network_is_a_sentence(monkeypatch):
    monkeypatch.setattr(lan, "local_addresses", lambda: [])
    with pytest.raises(UsageError, match="hotspot"):
        lan.choose_host(None)


def test_several_networks_first_is_used_others_offered(monkeypatch):
    monkeypatch.setattr(lan, "local_addresses", lambda: ["10.42.0.1", "192.168.1.5"])
    assert lan.choose_host(None) == ("10.42.0.1", ["192.168.1.5"])


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "localhost", "example.org"])
def test_every_interface_and_names_are_refused(host):
    with pytest.raises(UsageError):
        lan.check_host(host)


def test_loopback_given_by_hand_is_kept():
    assert lan.choose_host("127.0.0.1") == ("127.0.0.1", [])


def image_of(lines, scale: int = 4):
    """A black-on-white image of half-block text: each character 1 × 2 modules."""
    from PIL import Image

    width, height = len(lines[0]), 2 * len(lines)
    img = Image.new("L", (width, height), 255)
    for y, line in enumerate(lines):
        for x, ch in enumerate(line):
            if ch in "█▀":
                img.putpixel((x, 2 * y), 0)
            if ch in "█▄":
                img.putpixel((x, 2 * y + 1), 0)
    return img.resize((width * scale, height * scale), Image.NEAREST)


def test_the_drawn_qr_decodes_to_the_join_url():
    zxingcpp = pytest.importorskip("zxingcpp")
    url = "http://192.168.137.1:8765/j/K7HNP3"
    lines = half_blocks(url)
    assert len(lines) <= 15 and len(lines[0]) <= 29  # fits beside the item at 80 × 24
    found = zxingcpp.read_barcodes(image_of(lines))
    assert [r.text for r in found] == [qr_text(url)]
    assert found[0].text.lower() == url.lower()  # the same address (in capitals)


def test_join_announcement_is_only_ever_a_join_url(tmp_path):
    session = tmp_path / "s.toml"
    lock = SessionLock(session)
    lock.acquire()  # as `bcr open` holds it
    announce.announce(session, "http://127.0.0.1:8765/j/K7HNP3")
    assert announce.read_join(session) == "http://127.0.0.1:8765/j/K7HNP3"
    announce.join_file(session).write_text("http://evil.example/j/K7HNP3\x1b[2J\n")
    assert announce.read_join(session) is None
    announce.withdraw(session)
    assert announce.read_join(session) is None
    lock.release()


def test_a_killed_bcrs_join_announcement_is_ignored(tmp_path):
    """`kill -9` leaves `.NAME.phones` behind: the projector must not show a dead link."""
    session = tmp_path / "s.toml"
    url = "http://127.0.0.1:8765/j/K7HNP3"
    announce.announce(session, url)
    assert announce.read_join(session) is None  # no bcr holds the session
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    lock_file = session.with_name(f".{session.name}.lock")
    lock_file.write_text(f'pid = {gone.stdout.strip()}\nhost = "{socket.gethostname()}"\n')
    assert announce.read_join(session) is None  # its bcr was killed
    lock_file.unlink()
    lock = SessionLock(session)
    lock.acquire()
    assert announce.read_join(session) == url
    lock.release()
