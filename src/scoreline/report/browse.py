"""The match browser as plain data: upcoming matches with the models' consensus, finished
ones with every model's points; filtered by competition and date, one page at a time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from scoreline.store import (
    Database,
    MatchFilters,
    PagePrediction,
    StoredMatch,
    browse_matches,
    predictions_of,
)

__all__ = ["MAX_PAGE_SIZE", "consensus", "countdown", "matches_page"]

MAX_PAGE_SIZE = 100
"""The largest page the browser serves."""
TOP_SCORES = 5
"""How many of the most predicted scores the consensus lists."""


def countdown(kickoff_at: datetime, now: datetime) -> str:
    """Time to kick-off for people: ``in 2 d 3 h``, ``in 45 min``, or ``kicked off``.

    Args:
        kickoff_at: Kick-off, aware UTC.
        now: Current time, aware UTC.
    """
    minutes = int((kickoff_at - now).total_seconds() // 60)
    if minutes < 0:
        return "kicked off"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"in {days} d {hours} h"
    return f"in {hours} h {mins} min" if hours else f"in {mins} min"


def consensus(predictions: list[PagePrediction]) -> dict[str, Any]:
    """The models' predictions of one match as distributions of scores and tendencies.

    Args:
        predictions: The match's predictions.

    Returns:
        ``count``, ``tendencies`` (``H``/``D``/``A`` to ``{count, pct}``) and ``scores``:
        the ``TOP_SCORES`` most predicted scores with their count and share.
    """
    total = len(predictions)

    def share(n: int) -> float:
        return round(100.0 * n / total, 1) if total else 0.0

    tendencies = Counter(p.predicted_result for p in predictions)
    scores = Counter(f"{p.predicted_home}:{p.predicted_away}" for p in predictions)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:TOP_SCORES]
    return {
        "count": total,
        "tendencies": {t: {"count": tendencies[t], "pct": share(tendencies[t])} for t in "HDA"},
        "scores": [{"score": s, "count": n, "pct": share(n)} for s, n in ranked],
    }


def _points(predictions: list[PagePrediction]) -> list[dict[str, Any]]:
    return [
        {
            "model_id": p.model_id,
            "display_name": p.display_name,
            "predicted": f"{p.predicted_home}:{p.predicted_away}",
            "points": p.points,
            "used_fallback": p.used_fallback,
        }
        for p in predictions
        if not p.after_kickoff
    ]


def _match_row(
    match: StoredMatch, predictions: list[PagePrediction], now: datetime
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": match.id,
        "competition": match.competition,
        "competition_name": match.competition_name,
        "season": match.season,
        "kickoff_at": match.kickoff_at.isoformat(),
        "home_team": match.home_team,
        "away_team": match.away_team,
        "status": match.status,
        "home_goals": match.home_goals,
        "away_goals": match.away_goals,
        "predictions": len(predictions),
    }
    if match.status == "finished":
        return row | {"points": _points(predictions)}
    return row | {
        "countdown": countdown(match.kickoff_at, now),
        "consensus": consensus(predictions),
    }


def matches_page(
    db: Database,
    filters: MatchFilters,
    *,
    now: datetime,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    """One page of upcoming or finished matches with their predictions summarised.

    Args:
        db: The store.
        filters: Upcoming or finished, competition and kick-off window.
        now: Current time, aware UTC (for the countdown).
        limit: Page size, 1 to ``MAX_PAGE_SIZE``.
        offset: Matches to skip.

    Raises:
        ValueError: ``limit`` or ``offset`` out of range.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE or offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE_SIZE} and offset at least 0")
    page = browse_matches(db, filters, limit=limit, offset=offset)
    by_match: dict[str, list[PagePrediction]] = defaultdict(list)
    for prediction in predictions_of(db, [m.id for m in page.matches]):
        by_match[prediction.match_id].append(prediction)
    return {
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "matches": [_match_row(m, by_match[m.id], now) for m in page.matches],
    }
