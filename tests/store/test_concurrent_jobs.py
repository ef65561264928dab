"""Many predict jobs finishing at once on the same model rows: no deadlock, no lost count.

Each job records a batch for its match (predictions, whose foreign keys lock the model rows,
then one attempt per model and the health update), listing the models in its own order and
with its own mix of successes and failures, so that without one lock order the jobs would
take the model rows in opposing orders. Run on PostgreSQL, where that deadlocks, and SQLite.
"""

from __future__ import annotations

import random
import threading
from datetime import datetime
from pathlib import Path

from scoreline.health import own_failure_streak
from scoreline.store import (
    Database,
    ModelRow,
    NewPrediction,
    PredictionBatch,
    import_matches,
    list_models,
    record_batch,
    sync_models,
)
from scoreline.store.attempts import NewAttempt, primary_calls

from .conftest import NOW, WriteCsv, _match_line

MODELS = [f"c{i:02d}" for i in range(12)]
MATCHES = [f"x{i}" for i in range(6)]
ROUNDS = 4


def _batch(match_id: str, rng: random.Random) -> PredictionBatch:
    order = list(MODELS)
    rng.shuffle(order)
    ok = {m: rng.random() < 0.5 for m in order}
    attempts = [
        NewAttempt(
            match_id,
            m,
            m,
            "p",
            False,
            ok[m],
            None if ok[m] else "unparseable",
            200,
            1.0,
            1,
            1,
            NOW,
        )
        for m in order
    ]
    return PredictionBatch(
        match_id,
        [NewPrediction(match_id, m, 1, 0, False, m) for m in order if ok[m]],
        attempts,
        now=NOW,
        disable_after=1000,
        errors={m: "unparseable" for m in order if not ok[m]},
    )


def test_concurrent_jobs_on_the_same_model_rows_neither_deadlock_nor_lose_counts(
    db: Database, write_csv: WriteCsv, tmp_path: Path
) -> None:
    sync_models(db, [ModelRow(m, "p", f"p/{m}", m) for m in MODELS])
    import_matches(
        db, write_csv([_match_line(m, "2025-01-10T15:00:00Z") for m in MATCHES]), now=NOW
    )
    barrier = threading.Barrier(len(MATCHES))
    errors: list[BaseException] = []

    def jobs(index: int) -> None:
        rng = random.Random(index)
        try:
            for round_ in range(ROUNDS):
                batch = _batch(MATCHES[(index + round_) % len(MATCHES)], rng)
                barrier.wait(timeout=60)  # every job of the round finishes together
                record_batch(db, batch, quotas=lambda rows: (1, 1, 1))
        except BaseException as exc:  # reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=jobs, args=(i,)) for i in range(len(MATCHES))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = {m.id: m for m in list_models(db, now=datetime.now(NOW.tzinfo))}
    for model_id in MODELS:
        calls = primary_calls(db, model_id, limit=1000)
        assert len(calls) == len(MATCHES) * ROUNDS
        # The last job to update a model saw every other job's calls: nothing lost.
        assert stored[model_id].consecutive_failures == own_failure_streak(calls)
