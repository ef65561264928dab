"""Queue tasks: thin wrappers that call the predict and score services with ids and ``now``.

Job-level failures (the database unreachable, say) are retried by Huey with exponential
backoff. A per-match lease in the store (``job_locks``, short and renewed while the job
runs) keeps two workers from running the same match at once; if a worker is killed while
holding it, the lease expires within seconds. Idempotency makes a duplicate harmless anyway.
Task results are not stored (nobody reads them); a job that fails for good is recorded
under ``failed.<task id>`` for ``queue status``. Each consumer thread runs its predict jobs on
one long-lived event loop (``llm.thread_loop``), so the provider connections one job opened
serve the next; the thread closes it when the consumer stops.
"""

from __future__ import annotations

import logging
import sys
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from huey import Huey, signals

from scoreline.config import Config
from scoreline.queue.backend import build_huey
from scoreline.queue.gate import QUEUE_DOWN
from scoreline.queue.lease import hold_lease, new_owner
from scoreline.queue.reconcile import ReconcileReport, reconcile
from scoreline.store import Database, DatabaseError, take_lease

__all__ = ["FAILED_PREFIX", "JobQueue"]

log = logging.getLogger("scoreline.queue")
FAILED_PREFIX = "failed."
RETRIES = 5
RETRY_DELAY_S = 5


def utc_now() -> datetime:
    """The clock, read only at the queue's edge."""
    return datetime.now(UTC)


class _DatabaseErrorsInOneLine(logging.Filter):
    """Huey logs a failed task with its traceback; a database that dropped or refused the
    connection is an operational event, not a bug: one line with the store's message
    (which names the driver's error and never a password). Huey still retries the job."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DatabaseError):
            record.msg = f"{record.getMessage()} {error}; retried with back-off"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True


def _quiet_database_tracebacks() -> None:
    huey_log = logging.getLogger("huey")
    if not any(isinstance(f, _DatabaseErrorsInOneLine) for f in huey_log.filters):
        huey_log.addFilter(_DatabaseErrorsInOneLine())


def _close_job_loop() -> None:
    """Close the calling thread's job loop and its provider clients (a consumer thread
    stopping); the SDK is imported only if a job ever ran."""
    if "scoreline.llm.clients" in sys.modules:
        sys.modules["scoreline.llm.clients"].close_thread_loop()


class JobQueue:
    """The Huey instance with scoreline's tasks registered on it."""

    def __init__(self, config: Config, *, huey: Huey | None = None, db: Database | None = None):
        """Build the queue for a configuration.

        Args:
            config: The configuration (``queue_url``, ``database_url``, schedule).
            huey: A Huey to use instead of the one ``queue_url`` names (tests).
            db: A store to use instead of the one ``database_url`` names (tests).
        """
        self.config = config
        self.huey = huey or build_huey(config.queue_url, name=config.queue_name)
        self.db = db or Database(config.database_url)
        task = self.huey.task(retries=RETRIES, retry_delay=RETRY_DELAY_S, retry_backoff=2)
        self.predict_task = task(self._predict)
        self.score_task = task(self._score)
        self.huey.signal(signals.SIGNAL_ERROR)(self._record_failure)
        self.huey.on_shutdown("scoreline-close-job-loop")(_close_job_loop)
        _quiet_database_tracebacks()

    def _lease(self, name: str) -> AbstractContextManager[bool]:
        """The job's lease, renewed while the job runs (``queue.lease``)."""
        return hold_lease(self.db, name, ttl_s=self.config.schedule.job_lock_ttl_s)

    def _predict(self, match_id: str, now: datetime | None = None) -> dict[str, Any]:
        # The pipeline (the openai SDK, numpy, scipy) loads with the first job: an idle
        # worker stays small.
        from scoreline.predict import PredictRefusedError
        from scoreline.predict.job import run_predict

        with self._lease(f"predict-{match_id}") as held:
            if not held:
                log.info("predict %s: another worker holds the lock; skipped", match_id)
                return {"match_id": match_id, "skipped": "locked"}
            try:
                summary = run_predict(self.db, self.config, match_id, now=now or utc_now())
            except PredictRefusedError as exc:  # kicked off meanwhile: nothing to retry
                log.warning("predict %s refused: %s", match_id, exc)
                return {"match_id": match_id, "refused": str(exc)}
        return summary.as_dict()

    def _score(self, match_id: str, now: datetime | None = None) -> dict[str, Any]:
        from scoreline.scoring import score_match

        with self._lease(f"score-{match_id}") as held:
            if not held:
                return {"match_id": match_id, "skipped": "locked"}
            rule = self.config.scoring.draw_goal_difference
            summary = score_match(
                self.db, match_id, now=now or utc_now(), draw_goal_difference=rule
            )
        return summary.as_dict()

    def _record_failure(self, signal: str, task: Any, exc: BaseException | None = None) -> None:
        if task.retries:  # Huey will try again
            return
        record = {
            "task": task.name,
            "args": list(task.args),
            "error": repr(exc)[:500],
            "at": utc_now().isoformat(),
        }
        try:
            self.huey.put(f"{FAILED_PREFIX}{task.id}", record)
        except QUEUE_DOWN as down:  # the next sweep enqueues the job again anyway
            log.warning("%s %s failed for good; not recorded (%s)", task.name, task.args, down)

    def enqueue_predict(self, match_id: str, *, now: datetime | None = None) -> Any:
        """Enqueue a predict job; ``now`` replays a moment (demo, backtest), else the clock."""
        return self.predict_task(match_id, now)

    def enqueue_score(self, match_id: str, *, now: datetime | None = None) -> Any:
        """Enqueue a score job."""
        return self.score_task(match_id, now)

    def run_pending(self) -> int:
        """Execute every job waiting in the queue, in this thread; returns how many ran.

        For one-process use (the demo, tests): the worker is the normal consumer. The jobs
        share this thread's job loop, closed when the queue is empty.
        """
        ran = 0
        try:
            while (task := self.huey.dequeue()) is not None:
                self.huey.execute(task)
                ran += 1
        finally:
            _close_job_loop()
        return ran

    def _enqueued_lately(self, job: str) -> bool:
        """Whether some sweep enqueued this job less than ``job_lock_ttl_s`` ago.

        Every worker sweeps, every few seconds near kick-off: without this mark each sweep
        would add a duplicate of every job still queued or running. A job lost with its
        worker is enqueued again once the mark (and the job's own lease) has expired.
        """
        ttl = self.config.schedule.job_lock_ttl_s
        owner = new_owner()
        return not take_lease(self.db, f"queued-{job}", owner=owner, now=utc_now(), ttl_s=ttl)

    def reconcile(self, *, now: datetime | None = None) -> ReconcileReport:
        """One sweep: enqueue what the database says is missing (once per ``job_lock_ttl_s``)."""

        def predict(match_id: str) -> object:
            if self._enqueued_lately(f"predict-{match_id}"):
                return None
            return self.enqueue_predict(match_id)

        def score(match_id: str) -> object:
            if self._enqueued_lately(f"score-{match_id}"):
                return None
            return self.enqueue_score(match_id)

        report = reconcile(
            self.db,
            self.config,
            now=now or utc_now(),
            enqueue_predict=predict,
            enqueue_score=score,
        )
        if report.predict or report.score:
            log.info("reconcile: predict %s, score %s", report.predict, report.score)
        return report

    def status(self) -> dict[str, Any]:
        """Pending, scheduled and failed jobs."""
        failed = []
        results = self.huey.all_results()
        for key in results:
            name = key.decode() if isinstance(key, bytes) else str(key)
            if name.startswith(FAILED_PREFIX):
                failed.append(self.huey.get(name, peek=True))
        return {
            "backend": type(self.huey).__name__,
            "pending": self.huey.pending_count(),
            "scheduled": self.huey.scheduled_count(),
            "failed": failed,
        }
