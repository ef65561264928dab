"""Reading a reply's outcome probabilities beside its score.

The reply's entry for a match may carry ``p_home``, ``p_draw`` and ``p_away`` (camelCase
``pHome``… and a nested ``"probabilities": {...}`` object with the same keys, or ``home``,
``draw``, ``away``, are read too). They never decide whether the reply counts: the score is
parsed on its own, and probabilities that cannot be used are dropped with a reason, so the
attempt's parse verdict stays ok and the prediction stores NULL probabilities beside the note.

The rules, in order:

- none of the three keys: no probabilities, no note (an older prompt, a terse model);
- some but not all: dropped (``probabilities: p_draw missing``);
- a value that is not a finite number (booleans, words, NaN, infinity): dropped; numeric
  strings (``"0.45"``) are taken, since several models quote every value;
- a negative value: dropped;
- **percentages**: when the three sum to 97–103 they are read as percentages and divided by
  100 (``45, 30, 25`` is ``0.45, 0.30, 0.25``). Models often answer that way, and no sum of
  fractions can land in that range, so the reading is never ambiguous;
- a value above 1 (after that scaling): dropped;
- a sum outside 0.97–1.03: dropped (``probabilities: sum 1.20 outside 0.97-1.03``);
- otherwise the three are divided by their sum, so stored probabilities sum to 1.

Each note starts with ``probabilities:`` and one of ``NOTE_KINDS`` follows the field, so notes
can be counted by kind while they still name the value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "NOTE_KINDS",
    "PROBABILITY_KEYS",
    "SUM_RANGE",
    "Probabilities",
    "read_probabilities",
]

Probabilities = tuple[float, float, float]
"""``(p_home, p_draw, p_away)``, summing to 1."""

PROBABILITY_KEYS = ("p_home", "p_draw", "p_away")
"""The keys the reply schema and the system prompt ask for."""
SUM_RANGE = (0.97, 1.03)
"""Sums accepted (and renormalised); anything else is dropped."""
_PERCENT_RANGE = (97.0, 103.0)
_CAMEL = ("pHome", "pDraw", "pAway")
_NESTED = ("home", "draw", "away")
_QUOTE_CHARS = 20

MISSING = "missing"
NOT_A_NUMBER = "not a number"
NEGATIVE = "negative"
ABOVE_ONE = "above 1"
BAD_SUM = "outside"
NOTE_KINDS = (MISSING, NOT_A_NUMBER, NEGATIVE, ABOVE_ONE, BAD_SUM)
"""The words that say why probabilities were dropped."""


class _Dropped(ValueError):
    """The reply's probabilities cannot be used; the message is the note."""


def _stated(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The values the entry gives, under the canonical keys (absent keys left out)."""
    nested = entry.get("probabilities")
    sources: list[tuple[Mapping[str, Any], tuple[str, ...]]] = [
        (entry, PROBABILITY_KEYS),
        (entry, _CAMEL),
    ]
    if isinstance(nested, Mapping):
        sources += [(nested, PROBABILITY_KEYS), (nested, _NESTED)]
    for source, keys in sources:
        found = {
            canon: source[key]
            for canon, key in zip(PROBABILITY_KEYS, keys, strict=True)
            if key in source
        }
        if found:
            return found
    return {}


def _number(key: str, value: Any) -> float:
    """A finite, non-negative float, or ``_Dropped`` naming the field."""
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        shown = repr(value)[:_QUOTE_CHARS]
        raise _Dropped(f"probabilities: {key} {shown} is {NOT_A_NUMBER}")
    if number < 0:
        raise _Dropped(f"probabilities: {key} {number:.2f} is {NEGATIVE}")
    return number


def _checked(found: Mapping[str, Any]) -> Probabilities:
    """Apply the module's rules to the three stated values."""
    missing = [key for key in PROBABILITY_KEYS if key not in found]
    if missing:
        raise _Dropped(f"probabilities: {', '.join(missing)} {MISSING}")
    values = [_number(key, found[key]) for key in PROBABILITY_KEYS]
    total = sum(values)
    if _PERCENT_RANGE[0] <= total <= _PERCENT_RANGE[1]:
        values, total = [v / 100 for v in values], total / 100
    for key, value in zip(PROBABILITY_KEYS, values, strict=True):
        if value > 1:
            raise _Dropped(f"probabilities: {key} {value:.2f} is {ABOVE_ONE}")
    low, high = SUM_RANGE
    if not low <= total <= high:
        raise _Dropped(f"probabilities: sum {total:.2f} {BAD_SUM} {low:.2f}-{high:.2f}")
    home, draw, away = (v / total for v in values)
    return (home, draw, away)


def read_probabilities(entry: Mapping[str, Any]) -> tuple[Probabilities | None, str | None]:
    """The entry's outcome probabilities and, when they were dropped, why.

    Returns:
        ``(probabilities, None)`` when usable (renormalised to sum to 1), ``(None, None)``
        when the entry states none, ``(None, note)`` when they were dropped.
    """
    found = _stated(entry)
    if not found:
        return None, None
    try:
        return _checked(found), None
    except _Dropped as exc:
        return None, str(exc)
