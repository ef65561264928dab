"""The queue's reachability: one back-off for the whole worker while its queue is down.

When the queue (Redis, say) stops answering, the first thread to notice closes the gate; the
consumer's threads and the reconcile sweep then wait instead of each logging a traceback per
poll. One watcher probes the queue with exponential back-off, printing one line per step,
and opens the gate again when the queue answers: the worker recovers by itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from huey.consumer import Consumer, Scheduler, Worker
from redis import exceptions as redis_errors

__all__ = ["QUEUE_DOWN", "GatedConsumer", "QueueGate"]

log = logging.getLogger("scoreline.queue")

QUEUE_DOWN: tuple[type[BaseException], ...] = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    OSError,
)
"""Errors meaning the queue cannot be reached (as opposed to a job's own failure)."""


def _brief(exc: BaseException | None) -> str:
    """The error's class and the first line of its message, for a one-line report."""
    if exc is None:
        return "unknown error"
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__


class QueueGate:
    """Open while the queue answers; closed, with one watcher backing off, while it does not."""

    def __init__(
        self,
        probe: Callable[[], object],
        describe: str,
        *,
        first_s: float = 1.0,
        max_s: float = 30.0,
    ) -> None:
        """Build an open gate.

        Args:
            probe: A cheap queue call that raises one of ``QUEUE_DOWN`` while it is down.
            describe: The queue, password masked, for the messages.
            first_s: The first back-off step; each failed probe doubles it.
            max_s: The longest back-off step.
        """
        self.probe = probe
        self.describe = describe
        self.first_s = first_s
        self.max_s = max_s
        self._open = threading.Event()
        self._open.set()
        self._down = threading.Event()
        self._error: BaseException | None = None

    def is_open(self) -> bool:
        """Whether the queue was answering at last notice."""
        return self._open.is_set()

    def down(self, exc: BaseException) -> None:
        """Report the queue unreachable; the watcher takes it from there."""
        self._error = exc
        self._open.clear()
        self._down.set()

    def watch(self, stop: threading.Event) -> None:
        """Back off and probe whenever the gate closes, until ``stop`` is set."""
        while not stop.is_set():
            if self._down.wait(0.5):
                self._recover(stop)

    def _recover(self, stop: threading.Event) -> None:
        delay = self.first_s
        while not stop.is_set():
            log.warning(
                "queue %s unreachable (%s); retrying in %gs",
                self.describe,
                _brief(self._error),
                delay,
            )
            if stop.wait(delay):
                return
            try:
                self.probe()
            except QUEUE_DOWN as exc:
                self._error = exc
                delay = min(delay * 2, self.max_s)
                continue
            log.warning("queue %s reachable again; resuming", self.describe)
            self._down.clear()
            self._open.set()
            return


class _GatedWorker(Worker):
    """Huey's worker, waiting at the gate instead of logging a traceback per failed poll."""

    def __init__(self, *args: Any, gate: QueueGate, **kwargs: Any) -> None:
        self.gate = gate
        super().__init__(*args, **kwargs)

    def loop(self, now: Any = None) -> None:
        """Take one task and run it, unless the queue is down."""
        if not self.gate.is_open():
            self.stop_flag.wait(0.5)
            return
        try:
            task = self.huey.dequeue()
        except QUEUE_DOWN as exc:
            self.gate.down(exc)
            return
        if task is None:
            if not self.huey.storage.blocking:
                self.sleep()
            return
        self.delay = self.default_delay
        try:
            self.huey.execute(task, now)
        except QUEUE_DOWN as exc:  # the job ran; only the queue's bookkeeping failed
            self.gate.down(exc)
        except Exception:
            self._logger.exception("Unhandled error during execution of task %s.", task.id)


class _GatedScheduler(Scheduler):
    """Huey's scheduler (delayed retries), skipping its rounds while the queue is down."""

    def __init__(self, *args: Any, gate: QueueGate, **kwargs: Any) -> None:
        self.gate = gate
        super().__init__(*args, **kwargs)

    def loop(self, now: Any = None) -> None:
        """Move the tasks that are due from the schedule to the queue."""
        started = time.monotonic()
        if self.gate.is_open():
            try:
                for task in self.huey.read_schedule(now):
                    self.huey.enqueue(task)
            except QUEUE_DOWN as exc:  # a lost retry is enqueued again by the sweep
                self.gate.down(exc)
        self.sleep_for_interval(started, self.interval)


class GatedConsumer(Consumer):
    """Huey's consumer whose worker threads and scheduler share one ``QueueGate``."""

    def __init__(self, huey: Any, gate: QueueGate, **options: Any) -> None:
        self.gate = gate
        super().__init__(huey, **options)

    def _create_worker(self) -> Worker:
        return _GatedWorker(
            huey=self.huey,
            stop_flag=self.stop_flag,
            default_delay=self.default_delay,
            max_delay=self.max_delay,
            backoff=self.backoff,
            max_tasks=self.max_tasks,
            gate=self.gate,
        )

    def _create_scheduler(self) -> Scheduler:
        return _GatedScheduler(
            huey=self.huey,
            stop_flag=self.stop_flag,
            interval=self.scheduler_interval,
            periodic=self.periodic,
            gate=self.gate,
        )
