"""Which address the phones reach the laptop on: its private LAN address, found offline.

The laptop's own hotspot comes first (Windows' Mobile Hotspot 192.168.137.1, macOS Internet
Sharing 192.168.2.1, NetworkManager's hotspot 10.42.0.1, Android 192.168.43.x, iPhone 172.20.10.x),
then the other private addresses (a small router or the venue's Wi-Fi). Never `0.0.0.0` (every
network the laptop is on, the café's included) and never a public address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from bcr_tui.errors import UsageError

#: Networks that a hotspot made by the laptop (or a phone) hands out: tried first.
HOTSPOT_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "192.168.137.0/24",
        "192.168.2.0/24",
        "10.42.0.0/24",
        "192.168.43.0/24",
        "172.20.10.0/28",
    )
)
#: The private networks of RFC 1918: a room's router or hotspot hands out one of these.
PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
#: Adapter names of virtual networks phones cannot reach (containers, VMs, VPNs).
VIRTUAL = (
    "docker",
    "br-",
    "veth",
    "virbr",
    "vbox",
    "vmnet",
    "utun",
    "tun",
    "tap",
    "wg",
    "tailscale",
    "zt",
    "lo",
)


def candidates(adapters: Iterable[Any]) -> list[str]:
    """Private IPv4 addresses of these adapters (`ifaddr.Adapter`-shaped), hotspots first."""
    found: list[tuple[int, str]] = []
    for adapter in adapters:
        name = str(getattr(adapter, "nice_name", "") or getattr(adapter, "name", "")).lower()
        virtual = name.startswith(VIRTUAL)
        for ip in getattr(adapter, "ips", ()):
            if not isinstance(ip.ip, str):  # IPv6 comes as a tuple: phones get IPv4
                continue
            try:
                address = ipaddress.IPv4Address(ip.ip)
            except ValueError:
                continue
            if not any(address in net for net in PRIVATE):
                continue
            hotspot = any(address in net for net in HOTSPOT_NETWORKS)
            rank = 0 if hotspot else (2 if virtual else 1)
            if str(address) not in (a for _, a in found):
                found.append((rank, str(address)))
    return [a for _, a in sorted(found, key=lambda f: f[0])]


def kind(address: str) -> str:
    """How the facilitator may know this network: "(hotspot)", or "(router or Wi-Fi)"."""
    hotspot = any(ipaddress.IPv4Address(address) in net for net in HOTSPOT_NETWORKS)
    return "(hotspot)" if hotspot else "(router or Wi-Fi)"


def check_host(host: str) -> str:
    """A `--host` given by hand: an IP address phones can reach, never every interface."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise UsageError(
            f"--host {host!r} is not an IP address (give the laptop's address on "
            "the room's network, e.g. 192.168.137.1)"
        ) from None
    if address.is_unspecified:
        raise UsageError(
            "--host 0.0.0.0 would listen on every network the laptop is on; give "
            "the address of the room's network instead"
        )
    return str(address)


def local_addresses() -> list[str]:
    """The laptop's private addresses, hotspots first (reads the adapters; sends nothing)."""
    import ifaddr

    return candidates(ifaddr.get_adapters())


def choose_host(host: str | None) -> tuple[str, list[str]]:
    """The address to serve on, and the other private addresses the laptop has (to offer)."""
    if host:
        return check_host(host), []
    found = local_addresses()
    if not found:
        raise UsageError(
            "the laptop is on no private network the phones could reach; start its "
            "hotspot (or join the room's Wi-Fi) and try again, or give --host"
        )
    return found[0], found[1:]
