"""Reports over the store: fallback statistics, leaderboard rows, match and model views.

Read-only services returning plain data (dicts and lists) that the CLI renders with Rich
and the web app with JSON or Jinja. Each takes a ``Database``; the aggregation happens in
SQL inside the store (``scoreline.store.attempt_stats``, ``listings``, ``scores``).
"""

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
from scoreline.report.window import parse_moment, today_window

__all__ = [
    "DEFAULT_COMPLETION_TOKENS",
    "DEFAULT_PROMPT_TOKENS",
    "LATENCY_BUCKETS_S",
    "LEADERBOARD_COLUMNS",
    "SORT_KEYS",
    "WARN_MULTIPLIER",
    "LatencyRow",
    "MetricsSnapshot",
    "fallback_stats",
    "leaderboard_rows",
    "match_detail",
    "metrics_snapshot",
    "model_health",
    "model_health_of",
    "parse_moment",
    "recent_matches",
    "today_window",
]
