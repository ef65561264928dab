"""Base rates: how often home wins, draws and away wins happen, as the naive probabilities.

The naive forecasters (``ref-home-2-1``, ``ref-draw-1-1``) say nothing about the match, so
the probabilities they stand for are the competition's base rates: the shares of home wins,
draws and away wins among its results of the ``BASE_RATE_DAYS`` before kick-off (about the
season so far and the end of the last one, so August is not left with nothing). The shares
are shrunk towards long-run top-flight rates by ``PRIOR_MATCHES`` pseudo-results, which gives
those rates when there is no history and moves little once a season is under way. Any
forecaster worth its keep must beat these on RPS.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from scoreline.scoring.history import MatchInfo, PastResult

__all__ = ["BASE_RATE_DAYS", "LONG_RUN_RATES", "PRIOR_MATCHES", "base_rates"]

BASE_RATE_DAYS = 365
"""Days of results before kick-off the shares are taken over."""
LONG_RUN_RATES = (0.45, 0.26, 0.29)
"""Home win, draw, away win shares of European top flights over the long run."""
PRIOR_MATCHES = 20
"""Weight of ``LONG_RUN_RATES``, in results."""


def base_rates(match: MatchInfo, history: Iterable[PastResult]) -> tuple[float, float, float]:
    """``(p_home, p_draw, p_away)``: the competition's recent shares, shrunk to the long run.

    Only results that kicked off before the match, in its competition (results without one
    count), within ``BASE_RATE_DAYS``, are counted.
    """
    since, until = match.kickoff_at - timedelta(days=BASE_RATE_DAYS), match.kickoff_at
    wanted = (None, match.competition)
    counts = [0, 0, 0]
    for r in history:
        if since <= r.kickoff_at < until and (
            match.competition is None or getattr(r, "competition", None) in wanted
        ):
            diff = r.home_goals - r.away_goals
            counts[0 if diff > 0 else 1 if diff == 0 else 2] += 1
    shrunk = [n + rate * PRIOR_MATCHES for n, rate in zip(counts, LONG_RUN_RATES, strict=True)]
    total = sum(shrunk)
    return (shrunk[0] / total, shrunk[1] / total, shrunk[2] / total)
