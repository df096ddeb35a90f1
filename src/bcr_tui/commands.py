"""What each `bcr` command does. `cli.py` parses; these functions act and return an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bcr_tui.errors import BcrError, UsageError


def home(args: argparse.Namespace) -> int:
    """`bcr`: the home screen."""
    return _run_app(None, args.sessions_dir)


def new(args: argparse.Namespace) -> int:
    """`bcr new`: write a new session file, print its path, and open it."""
    from bcr_tui.instrument.load import find_instrument, load_instrument
    from bcr_tui.session.roster import parse_roster, read_roster
    from bcr_tui.session.state import new_session

    instrument = load_instrument(find_instrument(args.instrument))
    if args.participants_file is not None:
        people = read_roster(args.participants_file)
    else:
        people = parse_roster(args.participants or "")
    session = new_session(
        instrument,
        args.title,
        people,
        community=args.community,
        mode=args.mode,
        order=args.order,
        blind=args.blind,
    )
    return _create_and_open(session, args)


def open_(args: argparse.Namespace) -> int:
    """`bcr open SESSION`: resume where the session was left."""
    from bcr_tui.errors import SessionLockedError
    from bcr_tui.storage.store import SessionStore

    phones = _phone_options(args)
    try:
        store = SessionStore.open(args.session, log_later=True)  # read after the first frame
    except SessionLockedError as exc:
        if os.environ.get("BCR_SERVED"):  # on a web page: say it there, not on a stderr nobody sees
            return _show_notice(str(exc))
        raise
    if phones is not None:
        from bcr_tui.web.phones import offered

        if not offered(store.session):
            store.close()
            from bcr_tui.tui.widgets.joinpanel import NOT_FOR_MODE

            raise UsageError(NOT_FOR_MODE.format(mode=store.session.mode))
    return _run_app(store, args.session.parent, phones=phones)


def _phone_options(args: argparse.Namespace) -> object | None:
    """`--phones [--host ADDR] [--port PORT]`, checked before anything opens."""
    if not getattr(args, "phones", False):
        if getattr(args, "host", None) or getattr(args, "port", None):
            raise UsageError("--host and --port go with --phones")
        return None
    from bcr_tui.tui.widgets.joinpanel import PhoneOptions
    from bcr_tui.web.phones.lan import check_host

    if args.port is not None and not 1 <= args.port <= 65535:
        raise UsageError("--port must be between 1 and 65535")
    return PhoneOptions(check_host(args.host) if args.host else None, args.port)


def view(args: argparse.Namespace) -> int:
    """`bcr view SESSION`: the read-only audience view; takes no lock."""
    from bcr_tui.storage.store import load_session
    from bcr_tui.tui.factory import make_app

    load_session(args.session)  # a damaged or missing file: one sentence, exit 2
    app = make_app(view=args.session, sessions_dir=args.session.parent)
    app.run()
    return int(app.return_code or 0)


def serve(args: argparse.Namespace) -> int:
    """`bcr serve`: the app in a browser tab."""
    from bcr_tui.web.serve import run_serve

    return run_serve(
        args.session,
        port=args.port,
        view=args.view,
        host=args.host,
        allow_network=args.allow_network,
        sessions_dir=args.sessions_dir,
    )


def list_(args: argparse.Namespace) -> int:
    """`bcr list`: the sessions in the folder, with their progress."""
    from bcr_tui.storage.store import list_sessions

    folder: Path = args.sessions_dir
    if not folder.is_dir():
        raise UsageError(
            f"there is no sessions folder at {folder} (start one with `bcr new` or `bcr demo`)"
        )
    rows = list_sessions(folder)
    if not rows:
        print(f"No sessions in {folder} yet. Start one with `bcr new` or `bcr demo`.")
        return 0
    good = [r for r in rows if not r.problem]
    _print_table(
        ("title", "community", "instrument", "date", "progress", "file"),
        [
            (
                r.title,
                r.community,
                r.instrument,
                f"{r.created:%Y-%m-%d}" if r.created else "",
                f"{r.answered}/{r.expected}",
                r.file,
            )
            for r in good
        ],
        keep=("date", "progress", "file"),
    )
    for r in rows:
        if r.problem:
            print(f"✗ {r.file}: cannot be read: {r.problem}")
    return 0


def demo(args: argparse.Namespace) -> int:
    """`bcr demo`: a fully rated demo session, for a first look."""
    from bcr_tui.session.demo import demo_session

    return _create_and_open(demo_session(), args)


def export(args: argparse.Namespace) -> int:
    """`bcr export`: one tidy table, one row per answer."""
    from bcr_tui.outputs.export import run_export

    return run_export(args.sessions, args.format, args.out, anonymize=args.anonymize)


def report(args: argparse.Namespace) -> int:
    """`bcr report`: a self-contained Markdown or HTML report."""
    from bcr_tui.outputs.report import run_report

    return run_report(args.session, args.format, args.out, anonymize=args.anonymize)


def compare(args: argparse.Namespace) -> int:
    """`bcr compare EARLIER LATER`."""
    from bcr_tui.outputs.comparison import run_compare

    return run_compare(args.earlier, args.later)


def rollup(args: argparse.Namespace) -> int:
    """`bcr rollup DIR --out FILE`."""
    from bcr_tui.outputs.rollup import run_rollup

    return run_rollup(args.folder, args.out, anonymize=args.anonymize)


def trend(args: argparse.Namespace) -> int:
    """`bcr trend DIR [--community NAME] [--instrument ID] [--out FILE]`."""
    from bcr_tui.outputs.trend import run_trend

    return run_trend(args.folder, args.community, args.instrument, args.out)


def mou(args: argparse.Namespace) -> int:
    """`bcr mou SESSION --out FILE`."""
    from bcr_tui.outputs.mou import run_mou

    return run_mou(args.session, args.out)


def instruments(args: argparse.Namespace) -> int:  # pragma: no cover - argparse requires ACTION
    """`bcr instruments` needs an action; argparse enforces it."""
    return 2


def instruments_list(args: argparse.Namespace) -> int:
    """`bcr instruments list`."""
    from bcr_tui.instrument.load import load_instrument, shipped_paths

    rows = []
    for path in shipped_paths():
        inst = load_instrument(path)
        rows.append((inst.id, inst.title, str(len(inst.domains)), str(len(inst.items))))
    _print_table(("id", "title", "domains", "items"), rows, keep=("id", "domains", "items"))
    return 0


def instruments_check(args: argparse.Namespace) -> int:
    """`bcr instruments check [PATH…]`: every problem in every file; exit 2 if any."""
    from bcr_tui.errors import InstrumentError
    from bcr_tui.instrument.load import load_instrument, shipped_paths

    paths = args.paths or shipped_paths()
    failed = 0
    for path in paths:
        try:
            inst = load_instrument(path)
        except InstrumentError as exc:
            failed += 1
            print(f"✗ {path}: {_count(len(exc.problems), 'problem')}")
            for problem in exc.problems:
                print(f"    {problem}")
            continue
        print(
            f"✓ {path}: {inst.id}, {_count(len(inst.domains), 'domain')}, "
            f"{_count(len(inst.items), 'item')}"
        )
    if failed:
        sys.stderr.write(f"bcr: {failed} of {len(paths)} instrument files have problems.\n")
        return 2
    return 0


def _count(n: int, noun: str) -> str:
    """`1 domain`, `6 domains`."""
    return f"{n} {noun}{'s' * (n != 1)}"


def _print_table(
    header: tuple[str, ...], rows: list[tuple[str, ...]], keep: tuple[str, ...] = ()
) -> None:
    """A plain table on stdout; columns in `keep` are never wrapped or cut (ids, file names)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console.width = 400
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in header:
        widest = max((len(r[header.index(name)]) for r in rows), default=0)
        table.add_column(name, no_wrap=name in keep, min_width=widest if name in keep else None)
    for row in rows:
        table.add_row(*map(Text, row))  # a title is text, never Rich markup
    console.print(table)


def _create_and_open(session: object, args: argparse.Namespace) -> int:
    """Write a new session file in the sessions folder, print its path, and open it (unless
    --no-open)."""
    from bcr_tui.storage.store import SessionStore, new_path

    store = SessionStore.create(
        new_path(args.sessions_dir, session.title, session.created), session
    )
    print(store.path)
    sys.stdout.flush()
    if args.no_open:
        store.close()
        return 0
    return _run_app(store, args.sessions_dir)


#: The commands that open the app: they start without garbage collection (`gcpause`).
OPEN_THE_APP = (home, new, open_, view, demo)


def _show_notice(message: str) -> int:
    """A screen with one message (e.g. a refused lock on a web page); exit code 2."""
    from bcr_tui.tui.factory import make_app

    make_app(notice=message).run()
    return 2


def _run_app(store: object, sessions_dir: Path, phones: object | None = None) -> int:
    """Open the app on a session (or the home screen); returns the exit code."""
    from bcr_tui.tui.factory import make_app

    app = make_app(store=store, sessions_dir=sessions_dir)
    app.phones = phones  # type: ignore[attr-defined]  # `bcr open --phones`: JoinPanel starts
    try:
        app.run()
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()
    return int(app.return_code or 0)


__all__ = ["BcrError"]
