"""`bcr serve` answers only its own page: a foreign Origin or Host is refused at the handshake.

A page from another site open in the facilitator's browser could open a websocket to
127.0.0.1 and read and type into the meeting; DNS rebinding gives a foreign name our address.
The real server (textual-serve's aiohttp application, as `bcr serve` builds it) is started on a
free port and spoken to with raw HTTP, as a browser would.
"""

from __future__ import annotations

import asyncio
import sys

import pytest
from aiohttp import ClientSession, WSServerHandshakeError
from aiohttp.test_utils import TestServer, unused_port

from bcr_tui.web.serve import make_server, offline_templates

PORT_HOST = "127.0.0.1"


@pytest.fixture
async def served():
    """The served application on a free port; yields its `host:port`."""
    port = unused_port()
    bcr = make_server(
        f"{sys.executable} -c pass",
        host=PORT_HOST,
        port=port,
        title="bcr",
        templates=offline_templates(),
    )
    app = await bcr._make_app()
    real = TestServer(app, host=PORT_HOST, port=port)
    await real.start_server()
    try:
        yield f"{PORT_HOST}:{port}"
    finally:
        await asyncio.sleep(0.5)  # the app process a good handshake started has ended
        await real.close()


async def _ws(address: str, headers: dict[str, str]) -> int:
    async with ClientSession() as client:
        try:
            async with client.ws_connect(f"http://{address}/ws", headers=headers) as ws:
                await ws.close()
                return 101
        except WSServerHandshakeError as exc:
            return exc.status


async def test_a_websocket_from_another_origin_is_refused(served):
    assert await _ws(served, {"Origin": "http://evil.example"}) == 403
    assert await _ws(served, {"Origin": "null"}) == 403
    assert await _ws(served, {}) == 403  # browsers always send one: none is not a browser page


async def test_a_foreign_host_is_refused_dns_rebinding(served):
    port = served.rsplit(":", 1)[1]
    rebound = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
    assert await _ws(served, rebound) == 403
    async with ClientSession() as client:
        async with client.get(f"http://{served}/", headers={"Host": f"evil.example:{port}"}) as r:
            assert r.status == 403
        async with client.get(f"http://{served}/") as r:  # the served page itself
            assert r.status == 200 and "<html" in (await r.text()).lower()


async def test_the_served_page_s_own_websocket_is_accepted(served):
    assert await _ws(served, {"Origin": f"http://{served}"}) == 101
    port = served.rsplit(":", 1)[1]
    assert (
        await _ws(served, {"Origin": f"http://localhost:{port}", "Host": f"localhost:{port}"})
        == 101
    )
    # the page opened at localhost: its websocket goes to the address the server printed
    assert await _ws(served, {"Origin": f"http://localhost:{port}"}) == 101
