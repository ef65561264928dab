"""A small cache of computed reports, kept while the store's change mark stays the same.

The leaderboard over a million predictions takes seconds to compute and changes only when
a prediction, a result or a match does; the public site asks for it on every visit. Each
entry is keyed by the store, the report and its arguments, and dropped as soon as the mark
moves. Two requests that miss at once both compute (no lock held while computing): the cost
of a rare duplicate is lower than that of making readers wait on each other. A page that
reads several reports reads the mark once (``pinned``): it costs four index lookups.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from scoreline.store import Database
from scoreline.store.change_marks import change_mark

__all__ = ["ReportCache", "report_cache"]

T = TypeVar("T")


class ReportCache:
    """Reports by (store, name, arguments), valid for one change mark of their store."""

    def __init__(self, size: int = 256) -> None:
        """Keep at most ``size`` reports (least recently used go first)."""
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._pins = threading.local()

    @contextmanager
    def pinned(self, db: Database) -> Iterator[None]:
        """Read the store's change mark once for everything this thread asks inside."""
        marks: dict[str, Any] = self._pins.__dict__.setdefault("marks", {})
        key = repr(db)
        if key in marks:  # already pinned further up
            yield
            return
        marks[key] = change_mark(db)
        try:
            yield
        finally:
            del marks[key]

    def _mark(self, db: Database) -> Any:
        marks: dict[str, Any] = self._pins.__dict__.get("marks", {})
        return marks[repr(db)] if repr(db) in marks else change_mark(db)

    def get(self, db: Database, name: str, args: Hashable, compute: Callable[[], T]) -> T:
        """The report ``name`` with ``args``, computed again only if the store changed."""
        mark = self._mark(db)
        key = (repr(db), name, args)
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] == mark:
                self._entries.move_to_end(key)
                return found[1]
        value = compute()
        with self._lock:
            self._entries[key] = (mark, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (tests, or after a restore)."""
        with self._lock:
            self._entries.clear()


report_cache = ReportCache()
"""The process's cache, shared by the web pages and the API."""
