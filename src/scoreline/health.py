"""Model health rules, decided once from a model's own calls (its attempt records).

Two decisions, both read from the primary's most recent calls, newest first:

- **Cooldown** (design §1.9): a primary that failed ``threshold`` times in a row is skipped
  until ``seconds`` after its last failure; the first call after that is the probe, and a
  failed probe starts a new cooldown because the streak is still long enough.
- **Auto-disable**: ``disable_after`` failures in a row that are the model's own
  (``MODEL_SPECIFIC_ERRORS``); failures of the provider or the network neither count nor
  break the run, a success does.

The store fetches the calls, this module decides; the in-memory registry of a notebook uses
the same functions, so the threshold logic exists once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "MODEL_SPECIFIC_ERRORS",
    "PrimaryCall",
    "cooldown_until",
    "failure_streak",
    "own_failure_streak",
]

MODEL_SPECIFIC_ERRORS = frozenset({"unparseable", "client_error", "invalid_body", "empty_content"})
"""Failures that are the model's own, counted toward auto-disable. Timeouts, rate limits,
server errors, connection and auth failures belong to the provider and are not counted."""


@dataclass(frozen=True, slots=True)
class PrimaryCall:
    """One call of a model as its own primary: whether it answered, why not, and when."""

    ok: bool
    """The call gave an accepted answer."""
    error_class: str | None
    """The error class when it did not (``None`` on success)."""
    at: datetime
    """When the call was recorded, aware UTC."""


def failure_streak(calls: Iterable[PrimaryCall]) -> int:
    """Failures in a row at the head of ``calls`` (newest first), of any class."""
    streak = 0
    for call in calls:
        if call.ok:
            break
        streak += 1
    return streak


def cooldown_until(
    calls: Sequence[PrimaryCall], *, threshold: int, seconds: float
) -> datetime | None:
    """The end of the primary's cooldown, or ``None`` when the streak is below ``threshold``.

    Args:
        calls: The primary's own calls, newest first (only the first ``threshold`` matter).
        threshold: Failures in a row that start a cooldown.
        seconds: How long a cooldown lasts after the last failure.
    """
    if not calls or failure_streak(calls) < threshold:
        return None
    return calls[0].at + timedelta(seconds=seconds)


def own_failure_streak(calls: Iterable[PrimaryCall]) -> int:
    """The model's own failures in a row at the head of ``calls`` (newest first).

    Provider failures (``MODEL_SPECIFIC_ERRORS`` excluded) are skipped; a success ends it.
    """
    streak = 0
    for call in calls:
        if call.ok:
            break
        if call.error_class in MODEL_SPECIFIC_ERRORS:
            streak += 1
    return streak
