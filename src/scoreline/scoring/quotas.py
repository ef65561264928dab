"""Kicktipp quotas: how many points a correct tendency is worth for one match.

The quota rewards going against the crowd: the fewer predictions share a
tendency, the more that tendency pays. For a tendency predicted by a share
``P`` of all predictions::

    quota = clamp(6 / (10 * P) - 6 / 10 + 2, 2, 6), rounded half up

A tendency nobody predicted pays the maximum, 6; a match nobody predicted pays
the minimum, 2, for every tendency.

The arithmetic is exact (``fractions.Fraction``): ``6/11`` of the crowd on a
home win gives exactly 2.5, which must round up to 3, while floating point and
Python's banker's ``round`` would both be able to land on 2.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from scoreline.tendency import Tendency, tendency_of

__all__ = ["Quotas", "Tendency", "compute_quotas", "quota_for_share", "tendency_of"]

MIN_QUOTA = 2
MAX_QUOTA = 6


@dataclass(frozen=True, slots=True)
class Quotas:
    """The points a correct tendency earns for one match."""

    home: int
    """Quota of a home win."""
    draw: int
    """Quota of a draw."""
    away: int
    """Quota of an away win."""

    def for_tendency(self, tendency: Tendency | str) -> int:
        """Return the quota of ``tendency`` (a ``Tendency`` or its letter)."""
        tendency = Tendency(tendency)
        if tendency is Tendency.HOME:
            return self.home
        if tendency is Tendency.DRAW:
            return self.draw
        return self.away


def quota_for_share(count: int, total: int) -> int:
    """Return the quota of a tendency predicted ``count`` times out of ``total``.

    Args:
        count: Predictions with this tendency (0 <= count <= total).
        total: All predictions for the match.

    Returns:
        The quota in 2..6: 6 when nobody predicted the tendency, 2 for every
        tendency when there are no predictions at all.

    Raises:
        ValueError: If the counts are negative or ``count > total``.
    """
    if count < 0 or total < 0 or count > total:
        raise ValueError(f"invalid tendency count {count} of {total}")
    if total == 0:
        return MIN_QUOTA
    if count == 0:
        return MAX_QUOTA
    share = Fraction(count, total)
    raw = Fraction(6) / (10 * share) - Fraction(6, 10) + 2
    clamped = min(max(raw, Fraction(MIN_QUOTA)), Fraction(MAX_QUOTA))
    return math.floor(clamped + Fraction(1, 2))


def compute_quotas(tendencies: Iterable[Tendency | str]) -> Quotas:
    """Compute a match's quotas from the tendencies of all its predictions.

    Args:
        tendencies: One tendency per prediction (``Tendency`` or ``"H"``/``"D"``/``"A"``).

    Returns:
        The match's quotas.

    Raises:
        ValueError: If an item is not a tendency.
    """
    counts = Counter(Tendency(t) for t in tendencies)
    total = sum(counts.values())
    return Quotas(
        home=quota_for_share(counts[Tendency.HOME], total),
        draw=quota_for_share(counts[Tendency.DRAW], total),
        away=quota_for_share(counts[Tendency.AWAY], total),
    )
