"""The job queue: Huey tasks, the reconcile sweep and the worker."""

from typing import Any

from scoreline.config import Config
from scoreline.queue.backend import build_huey, describe_queue_url
from scoreline.queue.reconcile import ReconcileReport, reconcile
from scoreline.queue.tasks import JobQueue
from scoreline.queue.worker import run_worker

__all__ = [
    "JobQueue",
    "ReconcileReport",
    "build_huey",
    "describe_queue_url",
    "queue_status",
    "reconcile",
    "run_worker",
]


def queue_status(config: Config) -> dict[str, Any]:
    """Pending, scheduled and failed jobs of the configured queue (raises if unreachable)."""
    return JobQueue(config).status()
