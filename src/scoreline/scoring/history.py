"""Plain inputs of the reference forecasters: the match and earlier results.

These are deliberately not the store's ORM rows: reference models must be
callable from a notebook, a backtest or a test without a database, and must
only ever see what was known before kick-off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

__all__ = ["MatchInfo", "PastResult", "results_before"]


@dataclass(frozen=True, slots=True)
class MatchInfo:
    """The match to forecast, as known before kick-off."""

    home_team: str
    """Home team name (football-data short form)."""
    away_team: str
    """Away team name."""
    kickoff_at: datetime
    """Kick-off, timezone-aware UTC."""
    odds_home: float | None = None
    """Pre-match decimal odds of a home win, if known."""
    odds_draw: float | None = None
    """Pre-match decimal odds of a draw, if known."""
    odds_away: float | None = None
    """Pre-match decimal odds of an away win, if known."""
    competition: str | None = None
    """Competition code (e.g. ``E0``); models that fit on history use only its results."""

    @property
    def odds(self) -> tuple[float, float, float] | None:
        """The 1X2 odds, or None when any is missing or not a valid decimal price (> 1)."""
        triple = (self.odds_home, self.odds_draw, self.odds_away)
        if any(o is None or not o > 1.0 for o in triple):
            return None
        return (float(triple[0]), float(triple[1]), float(triple[2]))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PastResult:
    """A finished match that a forecaster may learn from."""

    home_team: str
    """Home team name."""
    away_team: str
    """Away team name."""
    home_goals: int
    """Full-time home goals."""
    away_goals: int
    """Full-time away goals."""
    kickoff_at: datetime
    """Kick-off, timezone-aware UTC."""
    competition: str | None = None
    """Competition code, or None when unknown (then it counts for any competition)."""
    season: str | None = None
    """Season (``2024-25``), for the league table a prompt shows; None when unknown."""


def results_before(
    history: Iterable[PastResult],
    kickoff_at: datetime,
    *,
    competition: str | None = None,
) -> list[PastResult]:
    """Keep the results that kicked off strictly before ``kickoff_at``.

    Callers promise to pass only pre-kick-off data; this filter is the second
    line of defence against look-ahead, so every forecaster applies it.

    Any object with the ``PastResult`` attributes works (``competition`` may
    be absent), so store rows or ``scoreline.predict.PastResult`` can be passed.

    Args:
        history: Candidate results, in any order.
        kickoff_at: The cut-off (exclusive), timezone-aware.
        competition: If given, drop results from another competition (results
            without a competition are kept).

    Returns:
        The kept results sorted by kick-off, then teams, so that equal inputs
        give equal lists whatever order they came in.
    """
    kept = [
        r
        for r in history
        if r.kickoff_at < kickoff_at
        and (competition is None or getattr(r, "competition", None) in (None, competition))
    ]
    kept.sort(key=lambda r: (r.kickoff_at, r.home_team, r.away_team))
    return kept
