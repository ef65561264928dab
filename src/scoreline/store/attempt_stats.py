"""Aggregates of ``prediction_attempts``: fallback statistics and the ``/metrics`` counts.

One row per provider call: ``model_id`` is the ORIGINAL model, ``called_model_id`` the
model actually called, ``is_fallback`` marks the fallback call. Every figure is a
``GROUP BY`` in SQL, so no attempt row is ever loaded; the latency histogram's cumulative
buckets are ``SUM(CASE WHEN latency <= bound)`` columns of one query. Prices, costs and
rates are computed above the store (``scoreline.report``) from these counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session, aliased

from scoreline.store.db import Database
from scoreline.store.tables import Prediction, PredictionAttempt

__all__ = [
    "LATENCY_BUCKETS_S",
    "AttemptCounts",
    "FallbackAttempts",
    "FallbackCalls",
    "LatencyRow",
    "attempt_counts",
    "fallback_attempts",
]

LATENCY_BUCKETS_S = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)
"""Upper bounds (seconds) of the call latency histogram; ``+Inf`` is implied."""

_A = PredictionAttempt


@dataclass(frozen=True, slots=True)
class FallbackCalls:
    """The fallback calls made for one original model to one called model in a window."""

    model_id: str
    """The original model."""
    called_model_id: str
    """The fallback model called."""
    calls: int
    """How many calls."""
    prompt_tokens: int
    """Prompt tokens reported."""
    completion_tokens: int
    """Completion tokens reported."""
    missing_prompt: int
    """Billed calls (succeeded or reported tokens) that reported no prompt tokens."""
    missing_completion: int
    """Billed calls that reported no completion tokens."""
    average_prompt: float | None
    """Average prompt tokens the called model reported over all of its attempts in any
    window (None when it never reported any): the estimate for a missing count."""
    average_completion: float | None
    """Average completion tokens the called model reported, likewise."""


@dataclass(frozen=True, slots=True)
class FallbackAttempts:
    """What the attempts of a window say about fallbacks, per original model."""

    model_ids: tuple[str, ...]
    """The models asked about plus every model whose fallback was called, sorted."""
    calls: tuple[FallbackCalls, ...]
    """Fallback calls by (original, called) model, sorted."""
    asked: Mapping[str, int]
    """Distinct matches each model was asked for (absent: none)."""
    served: Mapping[str, int]
    """Distinct matches whose prediction the model's fallback served (absent: none)."""
    primary_failures: Mapping[str, Mapping[str, int]]
    """Failed primary calls by error class (``error`` when unclassified)."""


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class AttemptCounts:
    """Every provider call and stored prediction, counted for ``/metrics``."""

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


def fallback_attempts(
    db: Database, *, model_ids: Iterable[str], since: datetime, until: datetime
) -> FallbackAttempts:
    """Count the fallback calls, asked and served matches and primary failures of a window.

    Args:
        db: The store.
        model_ids: Original models to report even without a fallback call in the window.
        since: Start of the window on the attempts' ``created_at``, inclusive, aware UTC.
        until: End of the window, inclusive, aware UTC.
    """
    with db.session() as session:
        calls = _fallback_calls(session, since, until)
        ids = sorted(set(model_ids) | {c.model_id for c in calls})
        asked, served = _asked_and_served(session, ids, since, until)
        return FallbackAttempts(
            model_ids=tuple(ids),
            calls=tuple(calls),
            asked=asked,
            served=served,
            primary_failures=_primary_failures(session, ids, since, until),
        )


def _window(since: datetime, until: datetime) -> ColumnElement[bool]:
    return and_(_A.created_at >= since, _A.created_at <= until)


def _fallback_calls(session: Session, since: datetime, until: datetime) -> list[FallbackCalls]:
    billed = or_(_A.ok, _A.prompt_tokens.is_not(None), _A.completion_tokens.is_not(None))

    def missing(column: Any) -> Any:
        return func.sum(case((and_(billed, column.is_(None)), 1), else_=0))

    def average(column: str) -> Any:
        # Over every attempt of the called model, whatever the window.
        other = aliased(PredictionAttempt)
        tokens = getattr(other, column)
        return (
            select(func.avg(tokens))
            .where(other.called_model_id == _A.called_model_id)
            .scalar_subquery()
        )

    query = (
        select(
            _A.model_id,
            _A.called_model_id,
            func.count(),
            func.coalesce(func.sum(_A.prompt_tokens), 0),
            func.coalesce(func.sum(_A.completion_tokens), 0),
            missing(_A.prompt_tokens),
            missing(_A.completion_tokens),
            average("prompt_tokens"),
            average("completion_tokens"),
        )
        .where(_window(since, until), _A.is_fallback)
        .group_by(_A.model_id, _A.called_model_id)
        .order_by(_A.model_id, _A.called_model_id)
    )
    return [
        FallbackCalls(
            model_id=row[0],
            called_model_id=row[1],
            calls=int(row[2]),
            prompt_tokens=int(row[3]),
            completion_tokens=int(row[4]),
            missing_prompt=int(row[5] or 0),
            missing_completion=int(row[6] or 0),
            average_prompt=_float(row[7]),
            average_completion=_float(row[8]),
        )
        for row in session.execute(query)
    ]


def _asked_and_served(
    session: Session, ids: list[str], since: datetime, until: datetime
) -> tuple[dict[str, int], dict[str, int]]:
    served = case((and_(_A.is_fallback, _A.ok), _A.match_id), else_=None)
    query = (
        select(_A.model_id, func.count(distinct(_A.match_id)), func.count(distinct(served)))
        .where(_window(since, until), _A.match_id.is_not(None), _A.model_id.in_(ids))
        .group_by(_A.model_id)
    )
    rows = session.execute(query).all()
    return {m: int(a) for m, a, _ in rows}, {m: int(s) for m, _, s in rows}


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _primary_failures(
    session: Session, ids: list[str], since: datetime, until: datetime
) -> dict[str, dict[str, int]]:
    error = func.coalesce(_A.error_class, "error")
    query = (
        select(_A.model_id, error, func.count())
        .where(_window(since, until), _A.model_id.in_(ids))
        .where(_A.is_fallback.is_(False), _A.ok.is_(False))
        .group_by(_A.model_id, error)
        .order_by(_A.model_id, error)
    )
    failures: dict[str, dict[str, int]] = defaultdict(dict)
    for model_id, error_class, count in session.execute(query):
        failures[model_id][error_class] = int(count)
    return dict(failures)


def attempt_counts(db: Database) -> AttemptCounts:
    """Count every provider call and stored prediction, in one transaction (for ``/metrics``).

    Args:
        db: The store.
    """
    with db.session() as session:
        return AttemptCounts(
            calls=_calls(session),
            failures=_failures(session),
            fallbacks=_fallbacks(session),
            latency=_latency(session),
            predictions=_predictions(session),
        )


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
