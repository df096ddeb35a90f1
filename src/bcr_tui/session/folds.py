"""What the Session reads off its log as it grows: the item each late arrival joined on, and the
file format the log needs. Mixed into `state.Session`, whose `log` it reads.

Apart from `state` because a fold is bookkeeping, not a change: it remembers how far it has read so
that a save after each key press reads only the entries added since, never the whole log again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bcr_tui.session.records import FORMAT, FORMAT_2, NEW_OPS, LogEntry


class LogFolds:
    """The folds over a Session's `log` (a mixin of `state.Session`)."""

    def _fold_log(
        self, name: str, start: Callable[[], Any], step: Callable[[Any, LogEntry], None]
    ) -> Any:
        """`start()` updated by `step(value, entry)` over the log, reading only the entries
        added since the last call (a key's save must not read ten thousand entries); all of
        it again when the log was read in front of what it held."""
        folds = self.__dict__.setdefault("_log_folds", {})
        first = id(self.log[0]) if self.log else 0
        n, seen_first, value = folds.get(name, (0, None, None))
        if seen_first != first or n > len(self.log) or value is None:
            n, value = 0, start()
        for entry in self.log[n:]:
            step(value, entry)
        folds[name] = (len(self.log), first, value)
        return value

    def _arrivals(self) -> dict[str, str]:
        """The item on screen when each late arrival joined (the `join` entries' `item`)."""
        return self._fold_log(
            "arrivals",
            dict,
            lambda seen, e: seen.update({e.who: e.item}) if e.op == "join" else None,
        )

    def format(self) -> str:
        """The file format this session needs (`FORMAT_2` only for the roster's log kinds)."""
        found = self._fold_log(
            "new-ops", set, lambda ops, e: ops.add(e.op) if e.op in NEW_OPS else None
        )
        return FORMAT_2 if found else FORMAT

    def _since_log(self, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()`, made again only when the log has changed since (every change to the
        answers, the tally, the roster or who is absent adds an entry to it): the meeting
        screen counts the answers after every key, over 200 × 50 answers."""
        memo = self.__dict__.setdefault("_log_memo", {})
        log = self.log
        key = (id(log), len(log), id(log[-1]) if log else 0, self.mode, self.order)
        hit = memo.get(name)
        if hit is None or hit[0] != key:
            hit = memo[name] = (key, compute())
        return hit[1]
