"""The store: tables, the database handle, migrations, the matches import and queries.

Other packages import only from here::

    from scoreline.store import Database, insert_predictions, NewPrediction

``Database(url)`` owns the engine; ``with db.session() as session:`` is one transaction that
the store commits. Alembic owns the schema: ``db.upgrade()`` creates or upgrades it.
"""

from scoreline.store.db import Database, normalize_url
from scoreline.store.errors import (
    MatchImportError,
    StoreError,
    UnknownMatchError,
    UnknownModelError,
)
from scoreline.store.health import (
    CooldownState,
    ModelRow,
    cooldown_state,
    enable_model,
    list_models,
    record_model_failure,
    record_model_success,
    record_model_successes,
    record_primary_result,
    sync_models,
)
from scoreline.store.history import cooling_or_disabled, finished_before, prediction_results
from scoreline.store.matches_import import ImportReport, bundled_matches_path, import_matches
from scoreline.store.queries import (
    NewAttempt,
    NewPrediction,
    due_matches,
    finished_matches_with_pending,
    get_match,
    insert_attempts,
    insert_predictions,
    predicted_model_ids,
    result_of,
    set_match_quotas,
)
from scoreline.store.tables import (
    MATCH_STATUSES,
    PREDICTION_STATUSES,
    RESULTS,
    Base,
    Match,
    Model,
    Prediction,
    PredictionAttempt,
    UTCDateTime,
)

__all__ = [
    "MATCH_STATUSES",
    "PREDICTION_STATUSES",
    "RESULTS",
    "Base",
    "CooldownState",
    "Database",
    "ImportReport",
    "Match",
    "MatchImportError",
    "Model",
    "ModelRow",
    "NewAttempt",
    "NewPrediction",
    "Prediction",
    "PredictionAttempt",
    "StoreError",
    "UTCDateTime",
    "UnknownMatchError",
    "UnknownModelError",
    "bundled_matches_path",
    "cooldown_state",
    "cooling_or_disabled",
    "due_matches",
    "enable_model",
    "finished_before",
    "finished_matches_with_pending",
    "get_match",
    "import_matches",
    "insert_attempts",
    "insert_predictions",
    "list_models",
    "normalize_url",
    "predicted_model_ids",
    "prediction_results",
    "record_model_failure",
    "record_model_success",
    "record_model_successes",
    "record_primary_result",
    "result_of",
    "set_match_quotas",
    "sync_models",
]
