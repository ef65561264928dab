"""Time windows for reports: a date or ISO datetime, read as UTC, and today's window."""

from __future__ import annotations

from datetime import UTC, datetime, time

from scoreline.moments import parse_moment

__all__ = ["parse_moment", "today_window"]


def today_window(now: datetime) -> tuple[datetime, datetime]:
    """The UTC day holding ``now``: its first and last microsecond.

    Args:
        now: Current time, aware.
    """
    day = now.astimezone(UTC).date()
    return (
        datetime.combine(day, time.min, tzinfo=UTC),
        datetime.combine(day, time.max, tzinfo=UTC),
    )
