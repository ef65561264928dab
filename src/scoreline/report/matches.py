"""Read-only views of matches and models for the dashboard, the admin API and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scoreline.store import Match, Model, Prediction, get_match, list_models

__all__ = ["match_detail", "model_health", "model_health_of", "recent_matches"]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _match_fields(match: Match) -> dict[str, Any]:
    return {
        "id": match.id,
        "competition": match.competition,
        "competition_name": match.competition_name,
        "season": match.season,
        "kickoff_at": match.kickoff_at.isoformat(),
        "home_team": match.home_team,
        "away_team": match.away_team,
        "status": match.status,
        "home_goals": match.home_goals,
        "away_goals": match.away_goals,
    }


def match_detail(session: Session, match_id: str) -> dict[str, Any] | None:
    """One match with its quotas and every model's prediction, or ``None`` if unknown.

    Predictions are attributed to the original model; ``used_fallback`` and ``answered_by``
    say who actually answered. Points are ``None`` until the match is scored.

    Args:
        session: Open session.
        match_id: The match id.
    """
    match = get_match(session, match_id)
    if match is None:
        return None
    query = (
        select(Prediction, Model.display_name)
        .join(Model, Model.id == Prediction.model_id)
        .where(Prediction.match_id == match_id)
        .order_by(Prediction.points.desc().nulls_last(), Prediction.model_id)
    )
    predictions = [
        {
            "model_id": p.model_id,
            "display_name": display_name,
            "predicted_home": p.predicted_home,
            "predicted_away": p.predicted_away,
            "predicted_result": p.predicted_result,
            "status": p.status,
            "used_fallback": p.used_fallback,
            "answered_by": p.answered_by,
            "after_kickoff": p.after_kickoff,
            "points": p.points,
            "created_at": p.created_at.isoformat(),
        }
        for p, display_name in session.execute(query)
    ]
    quotas = {"home": match.quota_home, "draw": match.quota_draw, "away": match.quota_away}
    return {
        **_match_fields(match),
        "odds": {"home": match.odds_home, "draw": match.odds_draw, "away": match.odds_away},
        "quotas": quotas,
        "predictions": predictions,
    }


def recent_matches(session: Session, *, limit: int = 12) -> list[dict[str, Any]]:
    """The latest matches that have predictions, newest kick-off first, with a count.

    Args:
        session: Open session.
        limit: How many matches at most.
    """
    counted = (
        select(Prediction.match_id, func.count().label("predictions"))
        .group_by(Prediction.match_id)
        .subquery()
    )
    query = (
        select(Match, counted.c.predictions)
        .join(counted, counted.c.match_id == Match.id)
        .order_by(Match.kickoff_at.desc(), Match.id)
        .limit(limit)
    )
    return [
        {**_match_fields(match), "predictions": int(count)}
        for match, count in session.execute(query)
    ]


def model_health(session: Session, *, now: datetime) -> list[dict[str, Any]]:
    """Every stored model with its health and cooldown state, sorted by id.

    Args:
        session: Open session.
        now: Current time, aware UTC (``in_cooldown`` is ``cooldown_until > now``).
    """
    return [_health_row(model, now) for model in list_models(session)]


def _health_row(model: Model, now: datetime) -> dict[str, Any]:
    return {
        "model_id": model.id,
        "display_name": model.display_name,
        "provider": model.provider,
        "fallback_id": model.fallback_id,
        "active": model.active,
        "auto_disabled": model.auto_disabled,
        "consecutive_failures": model.consecutive_failures,
        "last_error": model.last_error,
        "cooldown_until": _iso(model.cooldown_until),
        "in_cooldown": model.cooldown_until is not None and model.cooldown_until > now,
        "last_success_at": _iso(model.last_success_at),
        "last_failure_at": _iso(model.last_failure_at),
    }


def model_health_of(session: Session, model_id: str, *, now: datetime) -> dict[str, Any] | None:
    """One model's health row, or ``None`` if unknown."""
    model = session.get(Model, model_id)
    return _health_row(model, now) if model is not None else None
