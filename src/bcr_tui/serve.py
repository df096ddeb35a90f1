"""`bcr serve`: the app (or the audience view) in a browser tab, through textual-serve.

Each browser tab runs its own `bcr open` (or `bcr view`) process, so the session lock applies:
a second tab that would write the same session is refused, with the reason on the page. The
server listens on 127.0.0.1 only unless told otherwise explicitly: a session has no accounts,
so anyone who can reach the port could change it. The page needs nothing from the internet.
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
#: Set in the app processes that textual-serve starts, so they know they are on a web page.
SERVED_ENV = "BCR_SERVED"


def offline_templates() -> Path:
    """textual-serve's page template without its web-font link (the fonts ship locally)."""
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates"
    target = Path(tempfile.mkdtemp(prefix="bcr-serve-"))
    for template in source.glob("*.html"):
        text = template.read_text("utf-8")
        text = re.sub(r'<link[^>]*fonts\.googleapis\.com[^>]*/>', "", text, flags=re.S)
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


def run_serve(session: Path | None, *, port: int, view: bool, host: str, allow_network: bool,
              sessions_dir: Path) -> int:
    """Serve until interrupted; returns the exit code."""
    if host not in LOCAL_HOSTS and not allow_network:
        raise UsageError(f"serving on {host} was refused: a session has no accounts, so "
                         f"anyone who can reach {host}:{port} could change it (bcr serves on "
                         "127.0.0.1 only unless you add --allow-network)")
    if view and session is None:
        raise UsageError("--view needs a session file to show")
    if session is not None:
        from bcr_tui.store import load_session

        load_session(session)  # a damaged or missing file: one sentence now, not in the browser
    if not 1 <= port <= 65535:
        raise UsageError("the port must be a number from 1 to 65535")
    if host not in LOCAL_HOSTS:
        sys.stderr.write(f"bcr: WARNING: serving on {host}:{port}. Anyone who can reach this "
                         "address can open and change the session. Stop with Ctrl+C.\n")
    from textual_serve.server import Server

    os.environ[SERVED_ENV] = "1"
    title = "bcr audience view" if view else "bcr"
    server = Server(command_for(session, view=view, sessions_dir=sessions_dir), host=host,
                    port=port, title=title, templates_path=offline_templates())
    print(f"bcr: serving on http://{host}:{port} (Ctrl+C stops; every answer is already saved)")
    sys.stdout.flush()
    server.serve()
    return 0
