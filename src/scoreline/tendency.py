"""The tendency of a score (home win, draw, away win): the one rule every package shares.

Stored as one letter in ``predictions.predicted_result``, compared by the quotas and points.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Tendency", "tendency_of"]


class Tendency(StrEnum):
    """The outcome a score stands for.

    The values are the one-letter codes stored in ``predictions.predicted_result``.
    """

    HOME = "H"
    DRAW = "D"
    AWAY = "A"


def tendency_of(home: int, away: int) -> Tendency:
    """Return the tendency of a score.

    Args:
        home: Goals of the home team.
        away: Goals of the away team.

    Returns:
        ``Tendency.HOME`` if home > away, ``Tendency.AWAY`` if away > home,
        otherwise ``Tendency.DRAW``.
    """
    if home > away:
        return Tendency.HOME
    if away > home:
        return Tendency.AWAY
    return Tendency.DRAW
