"""The `bcr` command line: opens the app or runs a batch command.

Every user error is one sentence on stderr and exit code 2; an unexpected failure is one sentence
too (exit 1), with the details written to a crash log rather than shown as a traceback. Heavy
modules (Textual, polars) are imported inside the command that needs them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bcr_tui.errors import BcrError, UsageError

Handler = Callable[[argparse.Namespace], int]
#: The --help of commands writing spreadsheets (outfile.csv_safe, outfile.XLSX_OPTIONS).
SPREADSHEET_SAFETY = (
    "Spreadsheet safety: in CSV, a text cell beginning with = + - @ or a tab "
    "or carriage return gets a leading ' so that Excel or LibreOffice shows it "
    "instead of running it as a formula (OWASP's advice against CSV "
    "injection); in XLSX, text is always stored as text. Parquet and JSON "
    "keep the exact text."
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one sentence that points at --help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, each command with its own --help."""
    from bcr_tui import commands as c

    parser = _Parser(
        prog="bcr",
        description="Run community partnership assessments live, in the "
        "room. With no command, opens the home screen.",
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--sessions-dir",
        type=Path,
        default=Path("sessions"),
        help="folder of session files (default: ./sessions)",
    )
    parser.set_defaults(handler=c.home)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    def sessions_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--sessions-dir",
            type=Path,
            default=argparse.SUPPRESS,
            help="folder of session files (default: ./sessions)",
        )

    p = command("new", c.new, "Start a new session and open it (prints the new file's path).")
    p.add_argument(
        "instrument",
        metavar="INSTRUMENT",
        help="a shipped instrument (see `bcr instruments list`) or a .toml file",
    )
    p.add_argument("--title", required=True, help="the session's title")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--participants", metavar='"A,B,C"', help="names, separated by commas")
    who.add_argument(
        "--participants-file",
        type=Path,
        metavar="FILE",
        help="a text file with one name per line (`Name | Organization` allowed)",
    )
    p.add_argument(
        "--mode",
        choices=("group", "round-robin", "tally"),
        help="one rating for the group, person by person, or counted hands "
        "(default: the instrument's own)",
    )
    p.add_argument(
        "--order",
        choices=("item-major", "participant-major"),
        default="item-major",
        help="round-robin: around the room on each item (default), or one person does every item",
    )
    p.add_argument(
        "--blind",
        action="store_true",
        help="hide each item's ratings until they are revealed with `r`",
    )
    p.add_argument("--community", default="", help="the community's name, e.g. 'Ventura County'")
    p.add_argument("--no-open", action="store_true", help="write the file, do not open the app")
    sessions_dir(p)

    p = command("open", c.open_, "Resume a session exactly where it was left.")
    p.add_argument("session", type=Path, metavar="SESSION", help="a session file")
    p.add_argument(
        "--phones",
        action="store_true",
        help="people answer on their own phones over the room's network (round-robin "
        "and blind sessions; the key j switches it on and off)",
    )
    p.add_argument(
        "--host",
        metavar="ADDR",
        help="with --phones: the laptop's address on the "
        "room's network (default: found offline, the hotspot first; never 0.0.0.0)",
    )
    p.add_argument(
        "--port",
        type=int,
        metavar="PORT",
        help="with --phones: the port (default: 8765, or the next free one)",
    )

    p = command(
        "view",
        c.view,
        "Read-only audience view for the projector; follows the "
        "session file live while another bcr runs the meeting.",
    )
    p.add_argument("session", type=Path, metavar="SESSION", help="a session file")

    p = command("serve", c.serve, "The app (or the audience view) in a browser, on 127.0.0.1.")
    p.add_argument(
        "session",
        type=Path,
        nargs="?",
        metavar="SESSION",
        help="a session file (default: the home screen)",
    )
    p.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    p.add_argument("--view", action="store_true", help="serve the read-only audience view")
    p.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    p.add_argument(
        "--allow-network",
        action="store_true",
        help="allow a --host other than 127.0.0.1 (anyone who can reach it can change the session)",
    )
    sessions_dir(p)

    p = command("list", c.list_, "List the sessions in the sessions folder.")
    sessions_dir(p)

    p = command("demo", c.demo, "Write a ready, fully rated demo session and open it.")
    p.add_argument("--no-open", action="store_true", help="write the file, do not open the app")
    sessions_dir(p)

    p = command("export", c.export, "Export sessions as one tidy table (one row per answer).")
    p.epilog = SPREADSHEET_SAFETY
    p.add_argument("sessions", nargs="+", type=Path, metavar="SESSION")
    p.add_argument("--format", choices=("csv", "parquet", "xlsx", "json"), required=True)
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the file to write, ending in the format's extension (.csv, .parquet, "
        ".xlsx, .json); never a session file",
    )
    p.add_argument(
        "--anonymize",
        action="store_true",
        help="replace names with stable pseudonyms (p01, p02 …) and drop free text",
    )

    p = command("report", c.report, "Write a self-contained report of a session.")
    p.add_argument("session", type=Path, metavar="SESSION")
    p.add_argument(
        "--format",
        choices=("md", "html"),
        default=None,
        help="default: from the --out file's extension (.html or .md)",
    )
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the file to write, ending in .html or .md; never a session file",
    )
    p.add_argument(
        "--anonymize",
        action="store_true",
        help="no names at all: how many took part instead of who, no action step "
        "owners, organizations, notes or written answers",
    )

    p = command("compare", c.compare, "Change per domain and item between two sessions.")
    p.add_argument("earlier", type=Path, metavar="EARLIER")
    p.add_argument("later", type=Path, metavar="LATER")

    p = command(
        "rollup",
        c.rollup,
        "Every session under a folder in one table, plus a "
        "community × domain summary (.csv, .parquet or .xlsx by extension), or, with "
        "--out FOLDER/, an incremental Parquet dataset (instrument=…/year=…/). Exit "
        "status 3: written, but some files were skipped (each named on stderr).",
    )
    p.epilog = SPREADSHEET_SAFETY
    p.add_argument("folder", type=Path, metavar="DIR")
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE|FOLDER/",
        help="a .csv, .parquet or .xlsx file, or a folder (ending in /) for the "
        "dataset; a rerun into the folder reads only the files that changed",
    )
    p.add_argument(
        "--anonymize",
        action="store_true",
        help="as `bcr export --anonymize`: no names, no free text",
    )

    p = command(
        "trend",
        c.trend,
        "A community's domain figures across all its sessions of an "
        "instrument, session by session (a table with arrows; or .html small multiples, "
        ".md or .csv with --out). DIR: session files or a roll-up dataset folder.",
    )
    p.add_argument("folder", type=Path, metavar="DIR")
    p.add_argument("--community", metavar="NAME", help="one community (default: every one)")
    p.add_argument("--instrument", metavar="ID", help="one instrument (default: every one)")
    p.add_argument("--out", type=Path, metavar="FILE", help="report.html, report.md or .csv")

    p = command(
        "mou",
        c.mou,
        "Draft a Memorandum of Understanding (BCR Toolkit Vol. III, Tool 2) "
        "naming the session's partners and action steps.",
    )
    p.add_argument("session", type=Path, metavar="SESSION")
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the Markdown file to write, ending in .md; never a session file",
    )

    p = command("instruments", c.instruments, "List or check instruments.")
    isub = p.add_subparsers(title="actions", metavar="ACTION", parser_class=_Parser, required=True)
    q = isub.add_parser(
        "list",
        help="the shipped instruments",
        description="The shipped instruments: id, title, number of domains and items.",
    )
    q.set_defaults(handler=c.instruments_list)
    q = isub.add_parser(
        "check",
        help="validate instrument files",
        description="Validate instrument files; with no path, every shipped instrument.",
    )
    q.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    q.set_defaults(handler=c.instruments_check)
    return parser


def _version() -> str:
    from bcr_tui import __version__

    return f"bcr {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from bcr_tui import commands

    args = build_parser().parse_args(argv)
    if args.handler in commands.OPEN_THE_APP:
        from bcr_tui import gcpause

        gcpause.pause()  # until the first frame (BcrApp.on_ready resumes it)
    try:
        return int(args.handler(args) or 0)
    except BcrError as exc:
        sys.stderr.write(f"bcr: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("bcr: interrupted; everything recorded so far is saved.\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        log = _write_crash_log()
        from bcr_tui.plaintext import label  # the exception may quote a file's text

        sys.stderr.write(
            f"bcr: an unexpected problem stopped bcr ({type(exc).__name__}: "
            f"{label(str(exc))}). "
            f"Session files are saved after every rating; details are in {log}.\n"
        )
        return 1


def _write_crash_log() -> Path:
    import os
    import tempfile
    import traceback

    path = Path(tempfile.gettempdir()) / "bcr-crash.log"
    try:  # private (it can quote names from a session), and never through someone's symlink
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
        os.fchmod(fd, 0o600)  # a log left by an older bcr becomes private too
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            traceback.print_exc(file=handle)
    except OSError:
        pass
    return path


__all__ = ["main", "build_parser", "UsageError"]
