"""Aggregates behind ``/metrics``: provider calls, failures, fallbacks, latency, predictions.

The web process makes no provider calls (the workers do), so its metrics are computed when
scraped, from the database every worker writes to. Each family is one ``GROUP BY`` query;
the latency histogram's cumulative bucket counts are ``SUM(CASE WHEN latency <= bound)``
columns of one query, so no attempt row is ever loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from scoreline.store import Model, Prediction, PredictionAttempt

__all__ = ["LATENCY_BUCKETS_S", "LatencyRow", "MetricsSnapshot", "metrics_snapshot"]

LATENCY_BUCKETS_S = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)
"""Upper bounds (seconds) of the call latency histogram; ``+Inf`` is implied."""

_A = PredictionAttempt


@dataclass(frozen=True)
class LatencyRow:
    """The latency histogram of one called model on one provider."""

    model: str
    """The model actually called."""
    provider: str
    """Its provider."""
    buckets: tuple[int, ...]
    """Cumulative counts, one per bound of ``LATENCY_BUCKETS_S``."""
    count: int
    """All calls (the ``+Inf`` bucket)."""
    sum_s: float
    """Total latency in seconds."""


@dataclass
class MetricsSnapshot:
    """Plain rows for each metric family, as read at scrape time."""

    calls: list[tuple[str, str, bool, bool, int]] = field(default_factory=list)
    """(called model, provider, is_fallback, ok, count)."""
    failures: list[tuple[str, str, str, int]] = field(default_factory=list)
    """(called model, provider, error class, count)."""
    fallbacks: list[tuple[str, str, bool, int]] = field(default_factory=list)
    """(original model, fallback model, ok, count) of fallback calls."""
    latency: list[LatencyRow] = field(default_factory=list)
    """Latency histograms."""
    predictions: list[tuple[str, bool, int]] = field(default_factory=list)
    """(original model, used_fallback, count) of stored predictions."""
    models: list[tuple[str, bool, bool]] = field(default_factory=list)
    """(model, auto_disabled, in_cooldown)."""


def _calls(session: Session) -> list[tuple[str, str, bool, bool, int]]:
    keys = (_A.called_model_id, _A.provider, _A.is_fallback, _A.ok)
    query = select(*keys, func.count()).group_by(*keys).order_by(*keys)
    return [(m, p, bool(f), bool(ok), int(n)) for m, p, f, ok, n in session.execute(query)]


def _failures(session: Session) -> list[tuple[str, str, str, int]]:
    error = func.coalesce(_A.error_class, "error")
    keys = (_A.called_model_id, _A.provider, error)
    query = select(*keys, func.count()).where(_A.ok.is_(False)).group_by(*keys).order_by(*keys)
    return [(m, p, e, int(n)) for m, p, e, n in session.execute(query)]


def _fallbacks(session: Session) -> list[tuple[str, str, bool, int]]:
    keys = (_A.model_id, _A.called_model_id, _A.ok)
    query = select(*keys, func.count()).where(_A.is_fallback).group_by(*keys).order_by(*keys)
    return [(m, c, bool(ok), int(n)) for m, c, ok, n in session.execute(query)]


def _latency(session: Session) -> list[LatencyRow]:
    bounds = [
        func.sum(case((_A.latency_ms <= bound * 1000, 1), else_=0)) for bound in LATENCY_BUCKETS_S
    ]
    keys = (_A.called_model_id, _A.provider)
    query = (
        select(*keys, func.count(), func.coalesce(func.sum(_A.latency_ms), 0), *bounds)
        .group_by(*keys)
        .order_by(*keys)
    )
    return [
        LatencyRow(
            model=row[0],
            provider=row[1],
            count=int(row[2]),
            sum_s=float(row[3]) / 1000,
            buckets=tuple(int(n or 0) for n in row[4:]),
        )
        for row in session.execute(query)
    ]


def _predictions(session: Session) -> list[tuple[str, bool, int]]:
    keys = (Prediction.model_id, Prediction.used_fallback)
    query = select(*keys, func.count()).group_by(*keys).order_by(*keys)
    return [(m, bool(f), int(n)) for m, f, n in session.execute(query)]


def _models(session: Session, now: datetime) -> list[tuple[str, bool, bool]]:
    query = select(Model.id, Model.auto_disabled, Model.cooldown_until).order_by(Model.id)
    return [
        (model_id, bool(disabled), until is not None and until > now)
        for model_id, disabled, until in session.execute(query)
    ]


def metrics_snapshot(session: Session, *, now: datetime) -> MetricsSnapshot:
    """Read every metric family from the database.

    Args:
        session: Open session.
        now: Current time, aware UTC (for the cooldown gauge).
    """
    return MetricsSnapshot(
        calls=_calls(session),
        failures=_failures(session),
        fallbacks=_fallbacks(session),
        latency=_latency(session),
        predictions=_predictions(session),
        models=_models(session, now),
    )
