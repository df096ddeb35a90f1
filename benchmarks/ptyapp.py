"""Drive a terminal program through a real pseudo-terminal: write key bytes, read the screen's
bytes back. Used by the benchmarks (keystroke latency, start-up) and the kill harness.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Callable, Sequence


class PtyApp:
    """A child process on its own pseudo-terminal of a fixed size."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 100,
        rows: int = 30,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the program
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            if cwd:
                os.chdir(cwd)
            os.execvpe(argv[0], list(argv), {**os.environ, "TERM": "xterm-256color", **(env or {})})
        self.pid = pid
        self.fd = fd
        self.output = bytearray()
        self.status: int | None = None
        self.peak_rss_kib = 0
        self.cpu = 0.0
        """CPU seconds (user + system) the program used, once it has exited."""

    def send(self, data: bytes) -> None:
        """Type bytes, as a keyboard would."""
        os.write(self.fd, data)

    def pump(self, timeout: float) -> bool:
        """Read what the program wrote within `timeout` seconds; False at end of output."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        self.output += chunk
        return True

    def read_until(
        self, found: bytes | Callable[[bytes], bool], timeout: float = 30.0, start: int = 0
    ) -> float:
        """Read until `found` appears after offset `start`; returns the seconds it took."""
        test = found if callable(found) else (lambda out: found in out)
        began = time.perf_counter()
        deadline = began + timeout
        while not test(bytes(self.output[start:])):
            if time.perf_counter() > deadline or not self.pump(0.05):
                if test(bytes(self.output[start:])):
                    break
                raise TimeoutError(
                    f"never saw {found!r}; last output: {bytes(self.output[-400:])!r}"
                )
        return time.perf_counter() - began

    def wait(self, timeout: float = 30.0) -> int:
        """Wait for the program to exit (reading its output meanwhile); its exit status."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                self.peak_rss_kib = usage.ru_maxrss  # Linux: kibibytes
                self.cpu = usage.ru_utime + usage.ru_stime
                self._drain()
                return self.status
            self.pump(0.02)
        raise TimeoutError("the program did not exit")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send a signal and reap the process."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)
        self.wait()

    def close(self) -> None:
        """Make sure the process is gone and the terminal closed."""
        if self.status is None:
            with contextlib.suppress(ChildProcessError, TimeoutError):
                self.kill()
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def _drain(self) -> None:
        while self.pump(0.0):
            ready, _, _ = select.select([self.fd], [], [], 0)
            if not ready:
                break
