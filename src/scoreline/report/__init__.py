"""Reports over the store: fallback statistics, leaderboard rows, match and model views.

Read-only services returning plain data (dicts and lists) that the CLI renders with Rich
and the web app with JSON or Jinja. Each takes a ``Database``; the aggregation happens in
SQL inside the store (``scoreline.store.attempt_stats``, ``listings``, ``scores``).
"""

from scoreline.report.browse import MAX_PAGE_SIZE, consensus, countdown, matches_page
from scoreline.report.compare import compare_models
from scoreline.report.competition import competition_page, competitions_index, league_table
from scoreline.report.fallback import (
    DEFAULT_COMPLETION_TOKENS,
    DEFAULT_PROMPT_TOKENS,
    WARN_MULTIPLIER,
    fallback_stats,
)
from scoreline.report.leaderboard import LEADERBOARD_COLUMNS, SORT_KEYS, leaderboard_rows
from scoreline.report.matches import match_detail, model_health, model_health_of, recent_matches
from scoreline.report.metrics import (
    LATENCY_BUCKETS_S,
    LatencyRow,
    MetricsSnapshot,
    metrics_snapshot,
)
from scoreline.report.model_page import PENDING_METRICS, fold_matchdays, model_record
from scoreline.report.window import parse_moment, today_window

__all__ = [
    "DEFAULT_COMPLETION_TOKENS",
    "DEFAULT_PROMPT_TOKENS",
    "LATENCY_BUCKETS_S",
    "LEADERBOARD_COLUMNS",
    "MAX_PAGE_SIZE",
    "PENDING_METRICS",
    "SORT_KEYS",
    "WARN_MULTIPLIER",
    "LatencyRow",
    "MetricsSnapshot",
    "compare_models",
    "competition_page",
    "competitions_index",
    "consensus",
    "countdown",
    "fallback_stats",
    "fold_matchdays",
    "leaderboard_rows",
    "league_table",
    "match_detail",
    "matches_page",
    "metrics_snapshot",
    "model_health",
    "model_health_of",
    "model_record",
    "parse_moment",
    "recent_matches",
    "today_window",
]
