"""The clock a source client reads and sleeps on; tests pass one that never really waits."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "ManualClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Wall time for ``fetched_at`` and quota days, a monotonic time for pacing, and sleep."""

    def now(self) -> datetime:
        """Aware UTC now."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait (pacing, back-off, a 429's reset)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Aware UTC now."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """``time.sleep``."""
        if seconds > 0:
            time.sleep(seconds)


class ManualClock:
    """A clock that moves only when slept on or advanced: waits cost no real time.

    It keeps every sleep in ``slept``, so a test can say how long a client waited.
    """

    def __init__(self, start: datetime | None = None) -> None:
        """Start at ``start`` (aware UTC), by default 2025-12-01 12:00 UTC."""
        self._now = start or datetime(2025, 12, 1, 12, tzinfo=UTC)
        self._mono = 1000.0
        self.slept: list[float] = []
        """Every sleep asked for, in order."""

    def now(self) -> datetime:
        """The current fake time."""
        return self._now

    def monotonic(self) -> float:
        """The current fake monotonic time."""
        return self._mono

    def sleep(self, seconds: float) -> None:
        """Record the sleep and move the clock on, at once."""
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move the clock on without recording a sleep."""
        if seconds > 0:
            self._mono += seconds
            self._now += timedelta(seconds=seconds)
