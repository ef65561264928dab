"""Model health rules, decided once from a model's own calls (its attempt records).

Two decisions, both read from the primary's most recent calls, newest first:

- **Cooldown** (design §1.9): a primary that failed ``threshold`` times in a row is skipped
  until ``seconds`` after its last failure; the first call after that is the probe, and a
  failed probe starts a new cooldown because the streak is still long enough.
- **Auto-disable**: ``disable_after`` failures in a row that are the model's own
  (``MODEL_SPECIFIC_ERRORS``); failures of the provider or the network neither count nor
  break the run, a success does. Neither do failures on a match that most models failed
  on (``match_at_fault``): then the match's data or prompt is to blame, not the models.
- **Recovery**: an auto-disabled model that is not pinned is probed once
  ``[health] recover_after_s`` after it was disabled; a failed probe doubles the wait, up
  to ``recover_max_s`` (``next_wait``). ``model_state`` names what all of it comes to.

The store fetches the calls, this module decides; the in-memory registry of a notebook uses
the same functions, so the threshold logic exists once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "MATCH_FAULT_MIN_MODELS",
    "MODEL_SPECIFIC_ERRORS",
    "MODEL_STATES",
    "PrimaryCall",
    "cooldown_until",
    "disable_reason",
    "failure_streak",
    "match_at_fault",
    "model_state",
    "next_wait",
    "own_failure_streak",
]

MODEL_SPECIFIC_ERRORS = frozenset({"unparseable", "client_error", "invalid_body", "empty_content"})
"""Failures that are the model's own, counted toward auto-disable. Timeouts, rate limits,
server errors, connection and auth failures belong to the provider and are not counted."""

MATCH_FAULT_MIN_MODELS = 3
"""Below this many models asked, a match cannot be told apart from its models: with one or
two models, every failure would otherwise blame the match and no model would ever be
disabled."""


@dataclass(frozen=True, slots=True)
class PrimaryCall:
    """One call of a model as its own primary: whether it answered, why not, and when."""

    ok: bool
    """The call gave an accepted answer."""
    error_class: str | None
    """The error class when it did not (``None`` on success)."""
    at: datetime
    """When the call was recorded, aware UTC."""
    counted: bool = True
    """Whether a failure counts toward auto-disable (``False``: the match was at fault)."""


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

    Provider failures (``MODEL_SPECIFIC_ERRORS`` excluded) and failures not counted (the
    match was at fault) are skipped; a success ends it.
    """
    streak = 0
    for call in calls:
        if call.ok:
            break
        if call.counted and call.error_class in MODEL_SPECIFIC_ERRORS:
            streak += 1
    return streak


def match_at_fault(
    primary_errors: Mapping[str, str | None], *, answered_before: int = 0
) -> str | None:
    """Why this match's failures must not count against the models, or ``None`` if they do.

    When more than half of the models asked for a match fail with errors of their own kind
    (unparseable replies, say), the match's data or prompt is at fault, not the models: one
    bad match must not disable a whole catalog. A genuinely broken model still fails on
    every other match and is disabled there.

    Args:
        primary_errors: Each model whose own primary was called for the match, mapped to
            its error class (``None`` when it answered).
        answered_before: Models that already predicted the match in an earlier job.

    Returns:
        The reason to record with the uncounted failures, or ``None``.
    """
    asked = len(primary_errors) + answered_before
    own = sum(error in MODEL_SPECIFIC_ERRORS for error in primary_errors.values())
    if asked < MATCH_FAULT_MIN_MODELS or own * 2 <= asked:
        return None
    return f"match at fault: {own} of {asked} models failed on it with errors of their own kind"


MODEL_STATES = ("active", "cooling down", "recovering", "disabled", "pinned", "inactive")
"""What ``model_state`` may say, from healthiest to least callable."""


def next_wait(wait_s: float | None, *, first_s: float, max_s: float) -> float:
    """The wait after a failed recovery probe: the last one doubled, capped at ``max_s``.

    Args:
        wait_s: The wait before the probe that just failed (``None``: none was recorded).
        first_s: ``[health] recover_after_s``, the first wait (and the least one doubled).
        max_s: ``[health] recover_max_s``.
    """
    return min(2 * max(wait_s or 0.0, first_s), max_s)


def disable_reason(streak: int, last_error: str | None) -> str:
    """Why a model was auto-disabled, as recorded with the ``disabled`` event."""
    last = f"; last: {last_error}" if last_error else ""
    return f"{streak} failures of its own in a row{last}"


def model_state(
    *,
    active: bool,
    disabled: bool,
    pinned: bool,
    recover_at: datetime | None,
    cooldown_until: datetime | None,
    now: datetime,
) -> tuple[str, str | None]:
    """What a model's health comes to at ``now``, and a detail for people.

    ``recovering``: disabled, not pinned, a probe scheduled (due, or its time as detail);
    ``disabled``: disabled with no probe scheduled yet; ``pinned``: kept disabled by an
    operator, never probed; ``cooling down``: its calls go to the fallback until the detail's
    time; ``inactive``: the configuration cannot call it.
    """
    if pinned:
        return "pinned", "pinned by an operator: never probed"
    if disabled:
        if recover_at is None:
            return "disabled", None
        if recover_at <= now:
            return "recovering", "probe due"
        return "recovering", f"next probe at {recover_at:%Y-%m-%d %H:%M} UTC"
    if not active:
        return "inactive", None
    if cooldown_until is not None and cooldown_until > now:
        return "cooling down", f"until {cooldown_until:%Y-%m-%d %H:%M:%S} UTC"
    return "active", None
