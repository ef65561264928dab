"""Read-only views of matches and models for the dashboard, the admin API and the CLI."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from scoreline.config import CooldownConfig
from scoreline.store import (
    Database,
    StoredMatch,
    StoredModel,
    get_match_listing,
    get_model,
    list_models,
    list_recent_matches,
)

__all__ = ["match_detail", "model_health", "model_health_of", "recent_matches"]

_MATCH_FIELDS = (
    "id",
    "competition",
    "competition_name",
    "season",
    "kickoff_at",
    "home_team",
    "away_team",
    "status",
    "home_goals",
    "away_goals",
)
"""What every match view shows, in order."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _match_fields(match: StoredMatch) -> dict[str, Any]:
    fields = {name: getattr(match, name) for name in _MATCH_FIELDS}
    fields["kickoff_at"] = match.kickoff_at.isoformat()
    return fields


def match_detail(db: Database, match_id: str) -> dict[str, Any] | None:
    """One match with its quotas and every model's prediction, or ``None`` if unknown.

    Predictions are attributed to the original model; ``used_fallback`` and ``answered_by``
    say who actually answered. Points are ``None`` until the match is scored.

    Args:
        db: The store.
        match_id: The match id.
    """
    listing = get_match_listing(db, match_id)
    if listing is None:
        return None
    match = listing.match
    predictions = [
        dataclasses.asdict(p) | {"created_at": p.created_at.isoformat()}
        for p in listing.predictions
    ]
    quotas = {"home": match.quota_home, "draw": match.quota_draw, "away": match.quota_away}
    return {
        **_match_fields(match),
        "odds": {"home": match.odds_home, "draw": match.odds_draw, "away": match.odds_away},
        "quotas": quotas,
        "predictions": predictions,
    }


def recent_matches(db: Database, *, limit: int = 12) -> list[dict[str, Any]]:
    """The latest matches that have predictions, newest kick-off first, with a count.

    Args:
        db: The store.
        limit: How many matches at most.
    """
    return [
        {**_match_fields(recent.match), "predictions": recent.predictions}
        for recent in list_recent_matches(db, limit=limit)
    ]


def model_health(
    db: Database, *, now: datetime, cooldown: CooldownConfig | None = None
) -> list[dict[str, Any]]:
    """Every stored model with its health and cooldown state, sorted by id.

    Args:
        db: The store.
        now: Current time, aware UTC (``in_cooldown`` is ``cooldown_until > now``).
        cooldown: The cooldown rule (``config.cooldown``); its defaults when omitted.
    """
    return [_health_row(model, now) for model in list_models(db, now=now, cooldown=cooldown)]


def _health_row(model: StoredModel, now: datetime) -> dict[str, Any]:
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


def model_health_of(
    db: Database, model_id: str, *, now: datetime, cooldown: CooldownConfig | None = None
) -> dict[str, Any] | None:
    """One model's health row, or ``None`` if unknown.

    Args:
        db: The store.
        model_id: The model id.
        now: Current time, aware UTC.
        cooldown: The cooldown rule (``config.cooldown``); its defaults when omitted.
    """
    model = get_model(db, model_id, now=now, cooldown=cooldown)
    return _health_row(model, now) if model is not None else None
