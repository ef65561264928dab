"""``scoreline worker``: the Huey consumer plus the periodic reconcile sweep."""

from __future__ import annotations

import logging
import threading
from typing import Any

from scoreline.config import Config
from scoreline.queue.tasks import JobQueue

__all__ = ["run_worker"]

log = logging.getLogger("scoreline.queue")


def _sweep_forever(queue: JobQueue, every_s: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            queue.reconcile()
        except Exception:  # the database may be down: log, and try at the next sweep
            log.exception("reconcile failed; retrying in %ss", every_s)
        stop.wait(every_s)


def run_worker(config: Config, *, workers: int = 4, queue: JobQueue | None = None) -> None:
    """Run the consumer until SIGINT/SIGTERM, sweeping every ``schedule.reconcile_every_s``.

    The first sweep runs at start, so work lost with a killed worker is enqueued again at
    once. Every worker sweeps; duplicates are harmless.
    """
    jobs = queue or JobQueue(config)
    stop = threading.Event()
    sweeper = threading.Thread(
        target=_sweep_forever,
        args=(jobs, float(config.schedule.reconcile_every_s), stop),
        name="scoreline-reconcile",
        daemon=True,
    )
    options: dict[str, Any] = {"workers": workers, "worker_type": "thread", "periodic": False}
    consumer = jobs.huey.create_consumer(**options)
    sweeper.start()
    try:
        consumer.run()
    finally:
        stop.set()
