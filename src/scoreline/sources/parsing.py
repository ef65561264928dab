"""Small readers shared by the adapters: times, seasons, numbers out of JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

__all__ = ["as_int", "parse_utc", "season_label", "season_of", "season_start_year"]


def parse_utc(text: str) -> datetime:
    """An ISO 8601 time (``Z`` or an offset) as aware UTC.

    Raises:
        ValueError: when it is not such a time or has no offset.
    """
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone: {text!r}")
    return moment.astimezone(UTC)


def season_label(start_year: int) -> str:
    """``2025`` -> ``2025-26``, the season label of the bundled matches."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def season_start_year(label: str) -> int:
    """``2025-26`` (or ``2025``) -> ``2025``.

    Raises:
        ValueError: for anything else.
    """
    head = label.strip().split("-", 1)[0].split("/", 1)[0]
    if len(head) != 4 or not head.isdigit():
        raise ValueError(f"not a season: {label!r} (expected e.g. 2025-26)")
    return int(head)


def season_of(day: date) -> int:
    """The start year of the European season ``day`` falls in (seasons start in July)."""
    return day.year if day.month >= 7 else day.year - 1


def as_int(mapping: Mapping[str, Any] | None, key: str) -> int | None:
    """``mapping[key]`` as an int, ``None`` when absent or null."""
    if not mapping:
        return None
    value = mapping.get(key)
    return None if value is None else int(value)
