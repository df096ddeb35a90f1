"""`bcr serve`: the app (or the audience view) in a browser tab, through textual-serve.

Each browser tab runs its own `bcr open` (or `bcr view`) process, so the session lock applies:
a second tab that would write the same session is refused, with the reason on the page. The
server listens on 127.0.0.1 only unless told otherwise explicitly: a session has no accounts,
so anyone who can reach the port could change it. The page needs nothing from the internet.

A web page from another site open in the same browser could reach 127.0.0.1 too (and DNS
rebinding gives a foreign name our address): every request must name the served host in its
Host header, and the websocket that drives the app must come from the served page's Origin.
The rest are refused at the handshake, before any app process starts (`guard`).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

from bcr_tui.errors import UsageError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
#: Set in the app processes that textual-serve starts, so they know they are on a web page.
SERVED_ENV = "BCR_SERVED"


def offline_templates() -> Path:
    """textual-serve's page template without its web-font link (the fonts ship locally)."""
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates"
    target = Path(tempfile.mkdtemp(prefix="bcr-serve-"))
    for template in source.glob("*.html"):
        text = template.read_text("utf-8")
        text = re.sub(r"<link[^>]*fonts\.googleapis\.com[^>]*/>", "", text, flags=re.S)
        (target / template.name).write_text(text, "utf-8")
    return target


def command_for(session: Path | None, *, view: bool, sessions_dir: Path) -> str:
    """The command each browser tab runs."""
    parts = [sys.executable, "-m", "bcr_tui"]
    if session is None:
        parts += ["--sessions-dir", str(sessions_dir.resolve())]
    else:
        parts += ["view" if view else "open", str(session.resolve())]
    return shlex.join(parts)


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values that name this server (`127.0.0.1:8000`, `localhost:8000` …)."""
    names = {"127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost") else {host}
    names = {f"[{n}]" if ":" in n else n for n in names}
    return frozenset({f"{n}:{port}" for n in names} | (names if port == 80 else set()))


def guard(host: str, port: int):  # noqa: ANN201 - an aiohttp middleware
    """An aiohttp middleware refusing a request whose Host is not this server, or whose Origin
    is not this server's page (a websocket must have one: browsers always send it)."""
    from aiohttp import web

    # Bound to every address (--allow-network): any name may reach it, but a page must still
    # come from the host it asks (same origin).
    hosts = None if host in WILDCARD_HOSTS else allowed_hosts(host, port)
    origins = frozenset() if hosts is None else frozenset(f"http://{h}" for h in hosts)

    @web.middleware
    async def middleware(request: web.Request, handler):  # noqa: ANN001, ANN202
        asked = request.headers.get("Host", "").lower()
        origin = request.headers.get("Origin")
        websocket = request.headers.get("Upgrade", "").lower() == "websocket"
        if hosts is not None and asked not in hosts:
            return web.Response(
                status=403,
                text=f"bcr: refused: this server answers only to http://{sorted(hosts)[0]}\n",
            )
        page = (origin or "").lower()  # the page at localhost:8000 talks to 127.0.0.1:8000
        if (origin is not None or websocket) and page not in (origins or {f"http://{asked}"}):
            return web.Response(
                status=403, text="bcr: refused: a page from another site may not use this session\n"
            )
        return await handler(request)

    return middleware


def make_server(command: str, *, host: str, port: int, title: str, templates: Path):  # noqa: ANN201
    """textual-serve's Server with `guard` in front of every route."""
    from textual_serve.server import Server

    class GuardedServer(Server):
        async def _make_app(self):  # noqa: ANN202
            app = await super()._make_app()
            app.middlewares.append(guard(host, port))
            return app

    return GuardedServer(command, host=host, port=port, title=title, templates_path=templates)


def run_serve(
    session: Path | None,
    *,
    port: int,
    view: bool,
    host: str,
    allow_network: bool,
    sessions_dir: Path,
) -> int:
    """Serve until interrupted; returns the exit code."""
    if host not in LOCAL_HOSTS and not allow_network:
        raise UsageError(
            f"serving on {host} was refused: a session has no accounts, so "
            f"anyone who can reach {host}:{port} could change it (bcr serves on "
            "127.0.0.1 only unless you add --allow-network)"
        )
    if view and session is None:
        raise UsageError("--view needs a session file to show")
    if session is not None:
        from bcr_tui.storage.store import load_session

        load_session(session)  # a damaged or missing file: one sentence now, not in the browser
    if not 1 <= port <= 65535:
        raise UsageError("the port must be a number from 1 to 65535")
    if host not in LOCAL_HOSTS:
        sys.stderr.write(
            f"bcr: WARNING: serving on {host}:{port}. Anyone who can reach this "
            "address can open and change the session. Stop with Ctrl+C.\n"
        )
    os.environ[SERVED_ENV] = "1"
    title = "bcr audience view" if view else "bcr"
    server = make_server(
        command_for(session, view=view, sessions_dir=sessions_dir),
        host=host,
        port=port,
        title=title,
        templates=offline_templates(),
    )
    print(f"bcr: serving on http://{host}:{port} (Ctrl+C stops; every answer is already saved)")
    sys.stdout.flush()
    server.serve()
    return 0
