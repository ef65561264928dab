"""Coverage, the promise measured: for each match that kicked off, the share of the models
expected at kick-off whose prediction was stored before it, and why the others missed.

The store works the pairs out (``scoreline.store.coverage``); here they become the rows of
``scoreline coverage``, the ``/admin`` summary and the ``/metrics`` gauges. Pooled ratios
count pairs (covered predictions over expected ones), so a match with forty models weighs
more than one with four.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from scoreline.config import AlertsConfig, Config
from scoreline.store import MISS_CAUSES, Database, MatchCoverage, match_coverage

__all__ = [
    "COVERAGE_WINDOW",
    "coverage_row",
    "coverage_rows",
    "coverage_summary",
    "expected_models",
    "pooled",
]

COVERAGE_WINDOW = timedelta(days=7)
"""The window of ``scoreline_coverage_ratio{window="7d"}`` and the command's default."""
LAST_MATCH_LOOKBACK = timedelta(days=30)
"""How far back the last match is looked for (a scrape must not read the whole history)."""


def expected_models(config: Config | None) -> list[str] | None:
    """The models the configuration means to run (its ``active`` flag; a model whose key
    is missing never runs, so the store does not expect it); ``None``: the store's flags."""
    return None if config is None else [m.id for m in config.models if m.active]


def coverage_row(match: MatchCoverage) -> dict[str, Any]:
    """One match as plain data (JSON, tables, templates)."""
    return {
        "match_id": match.match_id,
        "competition": match.competition,
        "kickoff_at": match.kickoff_at.isoformat(),
        "home_team": match.home_team,
        "away_team": match.away_team,
        "expected": match.expected,
        "covered": match.covered,
        "ratio": match.ratio,
        "misses": dict(sorted(match.misses.items())),
        "missed": [{"model_id": m, "cause": c} for m, c in match.missed],
    }


def pooled(matches: Iterable[MatchCoverage]) -> dict[str, Any]:
    """Pairs over several matches: expected, covered, their ratio and misses by cause."""
    counted = [m for m in matches if m.expected]
    expected = sum(m.expected for m in counted)
    covered = sum(m.covered for m in counted)
    misses: Counter[str] = Counter()
    for match in counted:
        misses.update(match.misses)
    return {
        "matches": len(counted),
        "expected": expected,
        "covered": covered,
        "ratio": covered / expected if expected else None,
        "misses": {cause: misses.get(cause, 0) for cause in MISS_CAUSES},
    }


def coverage_rows(
    db: Database,
    config: Config,
    *,
    since: datetime | None,
    now: datetime,
    below: float | None = None,
) -> list[dict[str, Any]]:
    """Matches that kicked off since ``since``, oldest first; with ``below``, only those
    whose coverage is under that ratio."""
    matches = match_coverage(db, since=since, until=now, model_ids=expected_models(config))
    return [
        coverage_row(m)
        for m in matches
        if below is None or (m.ratio is not None and m.ratio < below)
    ]


def coverage_summary(db: Database, config: Config | None, *, now: datetime) -> dict[str, Any]:
    """The last match, the last matchday (its UTC date) and the last seven days.

    ``config`` ``None``: the store's ``active`` flags and the default line.
    """
    since = now - COVERAGE_WINDOW
    models = expected_models(config)
    recent = match_coverage(db, since=since, until=now, model_ids=models)
    if not any(m.expected for m in recent):  # a quiet week: look further for the last match
        recent = match_coverage(db, since=now - LAST_MATCH_LOOKBACK, until=now, model_ids=models)
    counted = [m for m in recent if m.expected]
    last = counted[-1] if counted else None
    matchday = None
    if last is not None:
        day = last.kickoff_at.date()
        same_day = (m for m in counted if m.kickoff_at.date() == day)
        matchday = {"date": day.isoformat(), **pooled(same_day)}
    week = (m for m in recent if m.kickoff_at >= since)
    return {
        "line": (config.alerts if config is not None else AlertsConfig()).min_coverage,
        "last_match": coverage_row(last) if last is not None else None,
        "last_matchday": matchday,
        "week": {"since": since.isoformat(), **pooled(week)},
    }
