"""Plain inputs of the reference forecasters: the match and earlier results.

The types live in ``scoreline.forecast`` (the context every forecaster takes) and are
re-exported here under the same names; ``results_before`` is the look-ahead guard every
reference rule applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from scoreline.forecast import MatchInfo, PastResult

__all__ = ["MatchInfo", "PastResult", "results_before"]


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
