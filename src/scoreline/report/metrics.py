"""Aggregates behind ``/metrics``: provider calls, failures, fallbacks, latency, predictions.

The web process makes no provider calls (the workers do), so its metrics are computed when
scraped, from the database every worker writes to: the counts of
``scoreline.store.attempt_counts`` (each family one ``GROUP BY``) and each model's health.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from scoreline.config import CooldownConfig
from scoreline.store import (
    LATENCY_BUCKETS_S,
    AttemptCounts,
    Database,
    LatencyRow,
    attempt_counts,
    list_models,
)

__all__ = ["LATENCY_BUCKETS_S", "LatencyRow", "MetricsSnapshot", "metrics_snapshot"]


@dataclass(frozen=True, slots=True)
class MetricsSnapshot(AttemptCounts):
    """Every metric family as read at scrape time: the store's counts, each model's health."""

    models: list[tuple[str, bool, bool]] = field(default_factory=list)
    """(model, auto_disabled, in_cooldown)."""


def metrics_snapshot(
    db: Database, *, now: datetime, cooldown: CooldownConfig | None = None
) -> MetricsSnapshot:
    """Read every metric family from the store.

    Args:
        db: The store.
        now: Current time, aware UTC (for the cooldown gauge).
        cooldown: The cooldown rule (``config.cooldown``); its defaults when omitted.
    """
    counts = attempt_counts(db)
    models = [
        (model.id, bool(model.auto_disabled), _cooling(model.cooldown_until, now))
        for model in list_models(db, now=now, cooldown=cooldown)
    ]
    return MetricsSnapshot(**_fields(counts), models=models)


def _fields(counts: AttemptCounts) -> dict[str, Any]:
    return {f.name: getattr(counts, f.name) for f in fields(counts)}


def _cooling(until: datetime | None, now: datetime) -> bool:
    return until is not None and until > now
