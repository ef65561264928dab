"""Reading moments from text: one parser for kick-offs, report windows and CLI dates.

Every moment scoreline reads is an aware UTC ``datetime``: a value without a zone is UTC,
any other zone is converted. Moments outside ``EARLIEST``..``LATEST`` are refused here, so
no later step (a zone conversion, a day added to a window, a database column) overflows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

__all__ = ["EARLIEST", "LATEST", "check_window", "parse_kickoff", "parse_moment"]

EARLIEST = datetime(1800, 1, 1, tzinfo=UTC)
"""The first moment scoreline reads; football data starts later."""
LATEST = datetime(2999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
"""The last moment scoreline reads: far enough for any fixture, far from ``datetime.max``."""


def _as_utc(moment: datetime) -> datetime:
    """The moment in UTC, refused when it (or its conversion) leaves the readable range."""
    try:
        utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise ValueError(
            f"out of range: must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d} (UTC)"
        )
    return utc


def parse_moment(value: str, *, end_of_day: bool = False) -> datetime:
    """Read a date (``2025-01-31``) or an ISO datetime as an aware UTC datetime.

    A date alone means the start of that day, or its last microsecond with ``end_of_day``
    (so an ``until`` date includes the whole day). A datetime without a zone is UTC.

    Args:
        value: The text to read.
        end_of_day: Read a bare date as the end of the day.

    Raises:
        ValueError: ``value`` is neither a date nor an ISO datetime, or is out of range.
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
    try:
        return _as_utc(moment)
    except ValueError as exc:
        raise ValueError(f"{value!r} is {exc}") from None


def parse_kickoff(value: str) -> datetime:
    """Read a kick-off: an ISO date *and* time (``2024-05-19T15:00:00Z``), as aware UTC.

    A kick-off needs its time of day, so a bare date is refused rather than read as midnight.

    Raises:
        ValueError: The value has no time, is not ISO 8601 or is out of range (the message
            says which).
    """
    if "T" not in value and " " not in value:
        raise ValueError("needs a date and a time, e.g. 2024-05-19T15:00:00Z")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("not an ISO 8601 date-time, e.g. 2024-05-19T15:00:00Z") from None
    return _as_utc(parsed)


def check_window(since: datetime | None, until: datetime | None) -> None:
    """Refuse a window that ends before it starts (the same rule for the CLI and the API).

    Raises:
        ValueError: ``since`` is after ``until``.
    """
    if since is not None and until is not None and since > until:
        raise ValueError(f"since ({since.isoformat()}) is after until ({until.isoformat()})")
