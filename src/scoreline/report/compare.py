"""Two models head to head on the matches both predicted: the points difference with a
paired bootstrap interval, and who was right where.

Paired: each resample draws common matches with replacement and takes the mean of
``points(a) - points(b)`` over them, so the variation the two models share (hard matches
are hard for both) cancels out. The seed and the number of resamples are fixed, so the
same data always gives the same interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from scoreline.store import (
    Database,
    HeadToHead,
    PairedPrediction,
    get_model,
    head_to_head,
)

__all__ = ["CONFIDENCE", "RESAMPLES", "SEED", "SHOWN_MATCHES", "compare_models", "paired_bootstrap"]

RESAMPLES = 2000
"""Bootstrap resamples of the common matches."""
SEED = 0
"""Seed of the resampling."""
CONFIDENCE = 0.95
"""Coverage of the interval."""
SHOWN_MATCHES = 30
"""How many of the latest common matches where the points differed are listed."""


def _side(row: PairedPrediction, side: str) -> dict[str, Any]:
    home, away, points = (getattr(row, f"{side}_{name}") for name in ("home", "away", "points"))
    return {"predicted": f"{home}:{away}", "points": points}


def _who_was_right(points: HeadToHead) -> dict[str, int]:
    """Counts by tendency (any points) and by who earned more on each match."""
    a, b = np.asarray(points.a, dtype=np.int64), np.asarray(points.b, dtype=np.int64)
    counts = {
        "both_right": (a > 0) & (b > 0),
        "only_a": (a > 0) & (b == 0),
        "only_b": (a == 0) & (b > 0),
        "neither": (a == 0) & (b == 0),
        "a_more": a > b,
        "b_more": a < b,
        "equal": a == b,
    }
    return {key: int(np.count_nonzero(mask)) for key, mask in counts.items()}


def paired_bootstrap(
    a: Sequence[int], b: Sequence[int], *, resamples: int = RESAMPLES, seed: int = SEED
) -> dict[str, Any]:
    """Mean of ``a - b`` per match and its percentile bootstrap interval.

    A resample of n matches drawn with replacement is a multinomial draw of how often each
    match appears; matches with the same difference are interchangeable, so drawing how
    often each distinct difference appears (at most 21: points run 0 to 10) gives the
    same distribution of resampled means at a cost that does not grow with the matches.

    Args:
        a: The first model's points per common match.
        b: The second model's points on the same matches.
        resamples: Bootstrap resamples.
        seed: Seed of the random generator.
    """
    diffs = np.asarray(a, dtype=np.int64) - np.asarray(b, dtype=np.int64)
    if diffs.size == 0:
        return {"mean": None, "ci_low": None, "ci_high": None}
    values, counts = np.unique(diffs, return_counts=True)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(diffs.size, counts / diffs.size, size=resamples)
    means = draws @ values.astype(float) / diffs.size
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    mean = round(float(diffs.mean()), 3)
    return {"mean": mean, "ci_low": round(float(low), 3), "ci_high": round(float(high), 3)}


def _model(db: Database, model_id: str, now: datetime) -> dict[str, Any] | None:
    stored = get_model(db, model_id, now=now)
    return None if stored is None else {"model_id": stored.id, "display_name": stored.display_name}


def compare_models(
    db: Database, model_a: str, model_b: str, *, now: datetime
) -> dict[str, Any] | None:
    """Head to head of two models, or ``None`` when either is unknown.

    Args:
        db: The store.
        model_a: The first model.
        model_b: The second model.
        now: Current time, aware UTC.

    Returns:
        ``a`` and ``b`` (id, name, total and average points on the common matches),
        ``common`` matches, ``difference`` (mean of a − b per match with its interval),
        ``counts`` of who was right, ``matches`` where the points differed (latest first)
        and ``method`` (resamples, seed, confidence). ``rps_difference`` is ``None`` until
        forecasts carry probabilities.
    """
    a, b = _model(db, model_a, now), _model(db, model_b, now)
    if a is None or b is None:
        return None
    points = head_to_head(db, model_a, model_b, shown=SHOWN_MATCHES)
    common = len(points.a)
    for entry, side in ((a, points.a), (b, points.b)):
        total = sum(side)
        entry.update(total_points=total, avg_points=round(total / common, 3) if common else None)
    return {
        "a": a,
        "b": b,
        "common": common,
        "difference": paired_bootstrap(points.a, points.b),
        "rps_difference": None,
        "counts": _who_was_right(points),
        "matches": [
            {
                "match_id": r.match_id,
                "kickoff_at": r.kickoff_at.isoformat(),
                "competition": r.competition,
                "home_team": r.home_team,
                "away_team": r.away_team,
                "result": f"{r.home_goals}:{r.away_goals}",
                "a": _side(r, "a"),
                "b": _side(r, "b"),
            }
            for r in points.differing
        ],
        "method": {"resamples": RESAMPLES, "seed": SEED, "confidence": CONFIDENCE},
    }
