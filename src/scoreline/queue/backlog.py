"""How long the queue has held work without draining: the alert's "backlog age".

Huey's tasks carry no enqueue time, and every backend counts its pending jobs cheaply, so
the age is measured from the outside: the time since the queue was last seen empty. A
queue that keeps draining between sweeps has age 0 however busy it is; one that has not
been empty for five minutes is falling behind (or nobody consumes it).
"""

from __future__ import annotations

__all__ = ["BacklogWatch"]


class BacklogWatch:
    """Seconds since the pending count was last seen at zero."""

    def __init__(self) -> None:
        """Start with no observation: the first non-empty one starts the clock."""
        self._empty_at: float | None = None

    def observe(self, pending: int, now: float) -> float:
        """Record the pending count at monotonic ``now``; returns the backlog's age (s)."""
        if pending <= 0 or self._empty_at is None:
            self._empty_at = now
        return 0.0 if pending <= 0 else now - self._empty_at
