"""Where phones reach the meeting: `host:port` and `http://host:port/`, as both processes say it.

The laptop's side (`room.PhoneRoom`: the join line and QR) and the server's (`site.Site`: the Host
and Origin every request must carry) must write the address the same way, so both take it from
`Address`.
"""

from __future__ import annotations


class Address:
    """`host` and `port`, and the address and URL phones write."""

    host: str = ""
    port: int = 0

    @property
    def address(self) -> str:
        """`host:port` as phones write it (IPv6 in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """`http://ADDR:PORT/`."""
        return f"http://{self.address}/"
