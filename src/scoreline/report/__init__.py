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

# -- coverage and the operator's view of running unattended --
# isort: split
from scoreline.report.costs import budget_view
from scoreline.report.coverage import (
    COVERAGE_WINDOW,
    coverage_row,
    coverage_rows,
    coverage_summary,
    expected_models,
    pooled,
)
from scoreline.report.operations import (
    models_by_state,
    operations_overview,
    source_rows,
)

__all__ = [
    "COVERAGE_WINDOW",
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
    "budget_view",
    "compare_models",
    "competition_page",
    "competitions_index",
    "consensus",
    "countdown",
    "coverage_row",
    "coverage_rows",
    "coverage_summary",
    "expected_models",
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
    "models_by_state",
    "operations_overview",
    "parse_moment",
    "pooled",
    "recent_matches",
    "source_rows",
    "today_window",
]
