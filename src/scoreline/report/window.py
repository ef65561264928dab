"""Time windows for reports: a date or ISO datetime, read as UTC, and today's window."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

__all__ = ["parse_moment", "today_window"]


def parse_moment(value: str, *, end_of_day: bool = False) -> datetime:
    """Read a date (``2025-01-31``) or an ISO datetime as an aware UTC datetime.

    A date alone means the start of that day, or its last microsecond with ``end_of_day``
    (so an ``until`` date includes the whole day). A datetime without a zone is UTC.

    Args:
        value: The text to read.
        end_of_day: Read a bare date as the end of the day.

    Raises:
        ValueError: ``value`` is neither a date nor an ISO datetime.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD) or ISO datetime") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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
