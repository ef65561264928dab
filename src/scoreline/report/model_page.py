"""One model's public page as plain data: its record over time and per competition, its
reliability and cost, how it is served and its latest predictions.

A matchday is the ISO week (Monday to Sunday, UTC) of the kick-off: the bundled data has
no round numbers, and a league's round (Friday to Monday) or midweek round falls in one week.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from scoreline.config import Config
from scoreline.report.model_days import cached_breakdown
from scoreline.store import (
    Database,
    DayPoints,
    ModelUsage,
    get_model,
    latest_predictions,
    model_usage,
)

__all__ = ["PENDING_METRICS", "fold_matchdays", "model_record", "provider_chain"]

PENDING_METRICS = ("rps", "brier", "calibration")
"""Probability metrics the page has a place for; ``None`` until forecasts carry them."""


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _avg(points: int, scored: int) -> float | None:
    return round(points / scored, 3) if scored else None


def fold_matchdays(days: list[DayPoints]) -> list[dict[str, Any]]:
    """Fold per-day points into matchdays (ISO weeks) with the running average.

    Args:
        days: Points per kick-off day, oldest first.

    Returns:
        One dict per matchday: ``matchday`` (``2024-W47``), ``first_day`` and ``last_day``,
        ``scored``, ``points``, ``avg_points`` and ``cumulative_avg`` (all matchdays so far).
    """
    weeks: dict[str, dict[str, Any]] = {}
    for day in days:
        year, week, _ = day.day.isocalendar()
        key = f"{year}-W{week:02d}"
        row = weeks.setdefault(key, {"matchday": key, "first_day": day.day, "scored": 0})
        row["last_day"] = day.day
        row["scored"] += day.scored
        row["points"] = row.get("points", 0) + day.points
    scored = points = 0
    folded = []
    for row in weeks.values():
        scored, points = scored + row["scored"], points + row["points"]
        folded.append(
            {
                **row,
                "first_day": row["first_day"].isoformat(),
                "last_day": row["last_day"].isoformat(),
                "avg_points": _avg(row["points"], row["scored"]),
                "cumulative_avg": _avg(points, scored),
            }
        )
    return folded


def provider_chain(config: Config, model_id: str, stored: Any) -> list[dict[str, Any]]:
    """Who serves the model: its provider, then its fallback (one level, as configured).

    Args:
        config: The configuration (the source of truth for the chain).
        model_id: The model.
        stored: The stored model, used when the configuration no longer lists it.
    """
    if config.has_model(model_id):
        entry = config.model(model_id)
        chain: list[dict[str, Any]] = [
            {"model_id": model_id, "provider": entry.provider, "role": "primary"}
        ]
        fallback = entry.fallback
        if fallback and config.has_model(fallback):
            provider = config.model(fallback).provider
            chain.append({"model_id": fallback, "provider": provider, "role": "fallback"})
        return chain
    chain = [{"model_id": model_id, "provider": stored.provider, "role": "primary"}]
    if stored.fallback_id:
        chain.append({"model_id": stored.fallback_id, "provider": None, "role": "fallback"})
    return chain


def _usage(usage: ModelUsage, scored: int, points: int) -> dict[str, Any]:
    per_prediction = usage.cost_usd / usage.predictions if usage.predictions else None
    return {
        "scored": scored,
        "points": points,
        "avg_points": _avg(points, scored),
        "predictions": usage.predictions,
        "fallbacks": usage.fallbacks,
        "fallback_rate_pct": _pct(usage.fallbacks, usage.predictions),
        "calls": usage.calls,
        "priced_calls": usage.priced_calls,
        "cost_usd": round(usage.cost_usd, 6),
        "cost_per_prediction_usd": None if per_prediction is None else round(per_prediction, 6),
    }


def _competition_row(record: Any) -> dict[str, Any]:
    return {
        **dataclasses.asdict(record),
        "avg_points": _avg(record.points, record.scored),
        "tendency_pct": _pct(record.tendency_hits, record.scored),
        "exact_pct": _pct(record.exact_hits, record.scored),
    }


def _latest_row(row: Any) -> dict[str, Any]:
    return dataclasses.asdict(row) | {"kickoff_at": row.kickoff_at.isoformat()}


def model_record(
    db: Database, config: Config, model_id: str, *, now: datetime, latest: int = 20
) -> dict[str, Any] | None:
    """Everything the model page shows, or ``None`` for a model the store does not know.

    Args:
        db: The store.
        config: The configuration (provider and fallback chain).
        model_id: The model.
        now: Current time, aware UTC (the model's health is read as of then).
        latest: How many of its latest predictions to list.
    """
    stored = get_model(db, model_id, now=now, cooldown=config.cooldown)
    if stored is None:
        return None
    breakdown = cached_breakdown(db, model_id)
    days = list(breakdown.days)
    scored, points = sum(d.scored for d in days), sum(d.points for d in days)
    return {
        "model_id": stored.id,
        "display_name": stored.display_name,
        "provider": stored.provider,
        "active": stored.active and not stored.auto_disabled,
        "chain": provider_chain(config, model_id, stored),
        "totals": _usage(model_usage(db, model_id), scored, points),
        "matchdays": fold_matchdays(days),
        "competitions": [_competition_row(r) for r in breakdown.competitions],
        "latest": [_latest_row(r) for r in latest_predictions(db, model_id, limit=latest)],
        "metrics": dict.fromkeys(PENDING_METRICS),
    }
