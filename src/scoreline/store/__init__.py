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
the prompts sent and each model's learned output mode.
"""

from scoreline.store.attempt_stats import (
    LATENCY_BUCKETS_S,
    AttemptCounts,
    FallbackAttempts,
    FallbackCalls,
    LatencyRow,
    attempt_counts,
    fallback_attempts,
)
from scoreline.store.attempts import NewAttempt, insert_attempts, primary_calls
from scoreline.store.batches import (
    BatchInputs,
    BatchRecord,
    PredictionBatch,
    QuotaRule,
    read_batch_inputs,
    record_batch,
)
from scoreline.store.db import Database, normalize_url
from scoreline.store.errors import (
    DatabaseError,
    MatchImportError,
    StoreError,
    UnknownMatchError,
    UnknownModelError,
)
from scoreline.store.evidence import (
    AttemptRecord,
    ParseStats,
    clear_reply_texts,
    list_attempts,
    parse_stats,
)
from scoreline.store.leases import release_lease, renew_lease, take_lease
from scoreline.store.listings import (
    ListedPrediction,
    MatchListing,
    RecentMatch,
    count_predictions,
    get_match_listing,
    list_recent_matches,
)
from scoreline.store.matches import (
    ImportReport,
    Reveal,
    StoredMatch,
    due_matches,
    get_match,
    import_matches,
    match_states,
    reveal_results,
    set_match_quotas,
    upsert_matches,
)
from scoreline.store.matches_csv import MatchRecord, bundled_matches_path, read_matches_csv
from scoreline.store.models import (
    ModelRow,
    StoredModel,
    disabled_model_ids,
    enable_model,
    get_model,
    list_models,
    sync_models,
)
from scoreline.store.outputs import LearnedOutput, learned_outputs, record_output, stored_prompt
from scoreline.store.points import PointsRow, Settled, Settlement, SettleRule, settle_match
from scoreline.store.predictions import (
    VOIDING_STATUSES,
    NewPrediction,
    PredictionToScore,
    finished_matches_with_pending,
    insert_predictions,
    matches_to_score,
    predicted_model_ids,
    prediction_results,
    result_of,
)
from scoreline.store.scores import LeaderboardFilters, ModelTotals, leaderboard_totals
from scoreline.store.tables import (
    MATCH_STATUSES,
    PREDICTION_STATUSES,
    RESULTS,
    Base,
    Match,
    Model,
    Prediction,
    PredictionAttempt,
    StoredPrompt,
    UTCDateTime,
)

__all__ = [
    "LATENCY_BUCKETS_S",
    "MATCH_STATUSES",
    "PREDICTION_STATUSES",
    "RESULTS",
    "VOIDING_STATUSES",
    "AttemptCounts",
    "AttemptRecord",
    "Base",
    "BatchInputs",
    "BatchRecord",
    "Database",
    "DatabaseError",
    "FallbackAttempts",
    "FallbackCalls",
    "ImportReport",
    "LatencyRow",
    "LeaderboardFilters",
    "LearnedOutput",
    "ListedPrediction",
    "Match",
    "MatchImportError",
    "MatchListing",
    "MatchRecord",
    "Model",
    "ModelRow",
    "ModelTotals",
    "NewAttempt",
    "NewPrediction",
    "ParseStats",
    "PointsRow",
    "Prediction",
    "PredictionAttempt",
    "PredictionBatch",
    "PredictionToScore",
    "QuotaRule",
    "RecentMatch",
    "Reveal",
    "SettleRule",
    "Settled",
    "Settlement",
    "StoreError",
    "StoredMatch",
    "StoredModel",
    "StoredPrompt",
    "UTCDateTime",
    "UnknownMatchError",
    "UnknownModelError",
    "attempt_counts",
    "bundled_matches_path",
    "clear_reply_texts",
    "count_predictions",
    "disabled_model_ids",
    "due_matches",
    "enable_model",
    "fallback_attempts",
    "finished_matches_with_pending",
    "get_match",
    "get_match_listing",
    "get_model",
    "import_matches",
    "insert_attempts",
    "insert_predictions",
    "leaderboard_totals",
    "learned_outputs",
    "list_attempts",
    "list_models",
    "list_recent_matches",
    "match_states",
    "matches_to_score",
    "normalize_url",
    "parse_stats",
    "predicted_model_ids",
    "prediction_results",
    "primary_calls",
    "read_batch_inputs",
    "read_matches_csv",
    "record_batch",
    "record_output",
    "release_lease",
    "renew_lease",
    "result_of",
    "reveal_results",
    "set_match_quotas",
    "settle_match",
    "stored_prompt",
    "sync_models",
    "take_lease",
    "upsert_matches",
]
