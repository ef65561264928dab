"""The store: tables, the database handle, migrations and every query.

Other packages import only from here::

    from scoreline.store import Database, get_match, list_models

``Database(url)`` owns the engine and the migrations (``db.upgrade()``). Every public function
takes the ``Database``, opens its own transaction and returns plain frozen dataclasses, never
a session or an ORM row; a ``SQLAlchemyError`` reaches callers as ``DatabaseError``. Modules
are named for the data they own: ``matches``, ``predictions``, ``attempts``, ``models`` (and
health), ``leases``, ``points`` and ``scores``; ``batches`` reads and records a predict job's
batch across them; ``attempt_stats`` and ``listings`` are the read-only aggregates and
listings the reports show; ``evidence`` reads what each call answered and ``outputs`` keeps
the prompts sent and each model's learned output mode. The data sources' tables
(``source_tables``) have ``match_sources`` (the merge of source reports into matches),
``snapshots`` (odds, team news, standings as fetched), ``source_records`` (each source's
health, the operator's team aliases, logged result changes) and ``match_list``.

The names load on first use (PEP 562), each from its home module: ``import-matches`` loads
the matches and their tables, not the forty modules the reports and the worker need. The
typed surface, for checkers and readers, is ``__init__.pyi``.
"""

from __future__ import annotations

from scoreline.lazy_names import lazy_names

_EXPORTS: dict[str, tuple[str, ...]] = {
    "alert_log": ("AlertRecord", "claim_alert", "known_causes", "recent_alerts"),
    "attempt_stats": (
        "LATENCY_BUCKETS_S",
        "AttemptCounts",
        "FallbackAttempts",
        "FallbackCalls",
        "LatencyRow",
        "attempt_counts",
        "fallback_attempts",
    ),
    "attempts": ("NewAttempt", "insert_attempts", "primary_calls", "primary_latencies"),
    "batches": (
        "BatchInputs",
        "BatchRecord",
        "PredictionBatch",
        "QuotaRule",
        "read_batch_inputs",
        "record_batch",
    ),
    "browse": (
        "UPCOMING_STATUSES",
        "CompetitionInfo",
        "MatchFilters",
        "MatchPage",
        "PagePrediction",
        "TeamRecord",
        "browse_matches",
        "competition_table",
        "list_competitions",
        "predictions_of",
    ),
    "costs": (
        "COST_KEYS",
        "BudgetStatus",
        "CostKey",
        "CostRow",
        "PeriodSpend",
        "budget_of",
        "cost_rows",
        "period_spend",
        "recent_job_costs",
    ),
    "coverage": ("MISS_CAUSES", "MatchCoverage", "match_coverage"),
    "db": ("Database", "normalize_url"),
    "errors": (
        "DatabaseError",
        "MatchImportError",
        "StoreError",
        "UnknownMatchError",
        "UnknownModelError",
    ),
    "evidence": (
        "AttemptRecord",
        "ParseStats",
        "clear_reply_texts",
        "list_attempts",
        "parse_stats",
    ),
    "history": (
        "CompetitionRecord",
        "DayPoints",
        "HeadToHead",
        "ModelBreakdown",
        "ModelPrediction",
        "ModelUsage",
        "PairedPrediction",
        "head_to_head",
        "latest_predictions",
        "model_breakdown",
        "model_competitions",
        "model_days",
        "model_usage",
    ),
    "leases": ("release_lease", "renew_lease", "take_lease"),
    "listings": (
        "ListedPrediction",
        "MatchListing",
        "RecentMatch",
        "count_predictions",
        "get_match_listing",
        "list_recent_matches",
    ),
    "match_list": ("KnownMatch", "known_matches"),
    "match_sources": (
        "LinkedMatch",
        "MergeOutcome",
        "SourceMatch",
        "linked_matches",
        "match_links",
        "merge_source_match",
        "new_match_id",
        "report_missing_results",
    ),
    "matches": (
        "ImportReport",
        "Reveal",
        "StoredMatch",
        "due_matches",
        "get_match",
        "import_matches",
        "match_states",
        "reveal_results",
        "set_match_quotas",
        "upsert_matches",
    ),
    "matches_csv": ("MatchRecord", "bundled_matches_path", "read_matches_csv"),
    "model_events": ("MODEL_EVENTS", "ModelTransition", "list_model_events"),
    "model_recovery": (
        "claim_probes",
        "disable_model",
        "due_probes",
        "schedule_recovery",
        "settle_probes",
    ),
    "models": (
        "ModelRow",
        "StoredModel",
        "disabled_model_ids",
        "enable_model",
        "get_model",
        "list_models",
        "sync_models",
    ),
    "outputs": ("LearnedOutput", "learned_outputs", "record_output", "stored_prompt"),
    "points": ("PointsRow", "Settled", "Settlement", "SettleRule", "settle_match"),
    "predictions": (
        "VOIDING_STATUSES",
        "NewPrediction",
        "PredictionToScore",
        "finished_matches_with_pending",
        "insert_predictions",
        "matches_to_score",
        "predicted_model_ids",
        "prediction_results",
        "result_of",
    ),
    "scores": ("LeaderboardFilters", "ModelTotals", "leaderboard_totals"),
    "skips": ("SkipRow", "list_skips", "record_skips"),
    "snapshots": (
        "LineupRow",
        "MatchSnapshots",
        "MissingRow",
        "OddsRow",
        "StandingEntry",
        "add_snapshots",
        "latest_snapshot_at",
        "lineups_before",
        "missing_before",
        "odds_before",
        "set_match_odds",
        "snapshots_before",
        "standings_before",
    ),
    "source_records": (
        "LoggedChange",
        "SourceHealth",
        "add_team_alias",
        "record_source_health",
        "result_changes",
        "source_health",
        "source_request_counts",
        "team_aliases",
    ),
    "tables": (
        "MATCH_STATUSES",
        "PREDICTION_STATUSES",
        "RESULTS",
        "Base",
        "Match",
        "Model",
        "Prediction",
        "PredictionAttempt",
        "StoredPrompt",
        "UTCDateTime",
    ),
}
"""Each home module (under ``scoreline.store``) and the public names it defines."""

_HOMES = {name: f"scoreline.store.{module}" for module, names in _EXPORTS.items() for name in names}


def _export_order(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions, each alphabetical (ruff's ``__all__`` order)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


__all__ = sorted(_HOMES, key=_export_order)

__getattr__, __dir__ = lazy_names("scoreline.store", _HOMES, __all__, globals())
