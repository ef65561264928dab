"""``scoreline worker``: the Huey consumer plus the periodic reconcile sweep.

The sweep runs every ``schedule.reconcile_every_s``, and every
``schedule.near_kickoff_every_s`` while a match in the predict window still lacks
predictions: a job lost with a killed worker is enqueued again within seconds of its lease
expiring, well before kick-off. While the queue is unreachable the sweep and the consumer
wait at one ``QueueGate``, which backs off and reports one line per step. Once an hour the
same thread clears reply texts older than ``[retention] attempt_text_days``.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from scoreline.alerts import check_alerts
from scoreline.config import Config, ScheduleConfig
from scoreline.queue.backend import describe_queue_url
from scoreline.queue.backlog import BacklogWatch
from scoreline.queue.gate import QUEUE_DOWN, GatedConsumer, QueueGate
from scoreline.queue.reconcile import sweep_retention
from scoreline.queue.tasks import JobQueue
from scoreline.store import due_probes, schedule_recovery

__all__ = ["next_sweep_in", "run_worker"]

log = logging.getLogger("scoreline.queue")
GATE_CLOSED_WAIT_S = 1.0
"""How often a sweep waiting for the queue looks again (it runs as soon as it is back)."""
RETENTION_EVERY_S = 3600.0
"""How often old reply texts are cleared (``[retention] attempt_text_days``): a day's
texts age out within the hour, and the sweep never costs every reconcile a scan."""


def next_sweep_in(schedule: ScheduleConfig, *, missing: bool) -> float:
    """Seconds to the next sweep: sooner while a match near kick-off still lacks predictions."""
    if missing:
        return float(min(schedule.reconcile_every_s, schedule.near_kickoff_every_s))
    return float(schedule.reconcile_every_s)


def _sweep_once(queue: JobQueue, gate: QueueGate) -> float:
    """One sweep; returns the seconds to wait before the next one."""
    schedule = queue.config.schedule
    if not gate.is_open():
        return GATE_CLOSED_WAIT_S
    try:
        report = queue.reconcile()
    except QUEUE_DOWN as exc:
        gate.down(exc)
        return GATE_CLOSED_WAIT_S
    except Exception as exc:  # the database may be down: one line, and try at the next sweep
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        log.warning("reconcile failed (%s: %s); retrying", type(exc).__name__, first)
        return next_sweep_in(schedule, missing=True)
    return next_sweep_in(schedule, missing=bool(report.predict))


def _retention_once(queue: JobQueue) -> None:
    """Clear old reply texts; a failure is one line, tried again at the next turn."""
    try:
        cleared = sweep_retention(queue.db, queue.config, now=datetime.now(UTC))
    except Exception as exc:  # the database may be down: the reconcile sweep says so too
        log.warning("retention sweep failed (%s)", type(exc).__name__)
        return
    if cleared:
        log.info("retention: cleared %d reply texts", cleared)


def _probes_due(queue: JobQueue, now: datetime) -> bool:
    """Whether a disabled model served over HTTP is due for its recovery probe.

    Read from the store first, so an idle worker loads the provider SDK only to probe.
    """
    config = queue.config
    schedule_recovery(queue.db, now=now, wait_s=config.health.recover_after_s)
    served = [m.id for m in config.active_models() if config.provider_of(m.id).needs_endpoint]
    return bool(served) and bool(due_probes(queue.db, now=now, model_ids=served))


def _operations_once(queue: JobQueue, gate: QueueGate, backlog: BacklogWatch) -> None:
    """Probe models due for recovery when nothing is due, then raise what needs an alert.

    Each step is one line on failure and never stops the sweep: the database or the queue
    may be down, and the next turn tries again.
    """
    now = datetime.now(UTC)
    try:
        pending = queue.huey.pending_count() if gate.is_open() else 0
        age = backlog.observe(pending, time.monotonic())
        if pending == 0 and _probes_due(queue, now):
            from scoreline.predict.recovery import recover_idle  # the SDK, only when needed

            recover_idle(queue.db, queue.config, now)
        check_alerts(queue.db, queue.config, now, backlog_age_s=age)
    except Exception as exc:  # a failing step must not stop the sweep thread
        log.warning("operations step failed (%s)", type(exc).__name__)


def _sweep_forever(queue: JobQueue, gate: QueueGate, stop: threading.Event) -> None:
    next_retention = 0.0
    backlog = BacklogWatch()
    while not stop.is_set():
        if time.monotonic() >= next_retention:
            next_retention = time.monotonic() + RETENTION_EVERY_S
            _retention_once(queue)
        wait = _sweep_once(queue, gate)
        _operations_once(queue, gate, backlog)
        stop.wait(wait)


def run_worker(config: Config, *, workers: int = 4, queue: JobQueue | None = None) -> None:
    """Run the consumer until SIGINT/SIGTERM, with the reconcile sweep and the queue gate.

    The first sweep runs at start, so work lost with a killed worker is enqueued again at
    once. Every worker sweeps; duplicates are harmless.
    """
    jobs = queue or JobQueue(config)
    gate = QueueGate(jobs.huey.pending_count, describe_queue_url(config.queue_url))
    stop = threading.Event()
    threads = [
        threading.Thread(target=gate.watch, args=(stop,), name="scoreline-queue-gate"),
        threading.Thread(
            target=_sweep_forever, args=(jobs, gate, stop), name="scoreline-reconcile"
        ),
    ]
    if config.sources:  # the data sources' fetch schedule (queue.fetch)
        from scoreline.queue.fetch import run_fetches

        fetch = {"enqueue_score": jobs.enqueue_score}
        args = (jobs.db, config, stop)
        threads.append(threading.Thread(target=run_fetches, args=args, kwargs=fetch))
    consumer = GatedConsumer(jobs.huey, gate, workers=workers, worker_type="thread", periodic=False)
    for thread in threads:
        thread.daemon = True
        thread.start()
    try:
        consumer.run()
    finally:
        stop.set()
