"""The operator's view of running unattended: spend against the budget, coverage, models by
state, recent model events and alerts, and the data sources' health (``/admin``).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from scoreline.config import Config
from scoreline.health import MODEL_STATES, model_state
from scoreline.report.costs import budget_view
from scoreline.report.coverage import coverage_summary
from scoreline.store import (
    Database,
    list_model_events,
    list_models,
    recent_alerts,
    source_health,
)

__all__ = [
    "models_by_state",
    "operations_overview",
    "source_rows",
]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def models_by_state(db: Database, config: Config, *, now: datetime) -> dict[str, Any]:
    """Counts by state and one row per model."""
    rows = []
    for m in list_models(db, now=now, cooldown=config.cooldown):
        state, detail = model_state(
            active=m.active,
            disabled=m.auto_disabled,
            pinned=m.pinned,
            recover_at=m.recover_at,
            cooldown_until=m.cooldown_until,
            now=now,
        )
        rows.append(
            {
                "model_id": m.id,
                "display_name": m.display_name,
                "provider": m.provider,
                "state": state,
                "detail": detail,
                "cooldown_until": _iso(m.cooldown_until),
                "recover_at": _iso(m.recover_at),
                "last_error": m.last_error,
            }
        )
    counts = Counter(row["state"] for row in rows)
    return {"counts": {state: counts.get(state, 0) for state in MODEL_STATES}, "models": rows}


def source_rows(db: Database) -> list[dict[str, Any]]:
    """Each data source's last success and error, requests today and quota left."""
    return [
        {
            "source": name,
            "ok": s.last_error_at is None
            or (s.last_success_at is not None and s.last_success_at >= s.last_error_at),
            "last_success_at": _iso(s.last_success_at),
            "last_error": s.last_error,
            "last_error_at": _iso(s.last_error_at),
            "requests_today": s.requests_today,
            "quota_remaining": s.quota_remaining,
        }
        for name, s in sorted(source_health(db).items())
    ]


def operations_overview(
    db: Database, config: Config, *, now: datetime, limit: int = 20
) -> dict[str, Any]:
    """Everything ``/admin`` shows about running unattended, as plain data."""
    return {
        "now": now.isoformat(),
        "budget": budget_view(db, config, now=now),
        "coverage": coverage_summary(db, config, now=now),
        "models": models_by_state(db, config, now=now),
        "events": [
            {"model_id": e.model_id, "at": e.at.isoformat(), "event": e.event, "reason": e.reason}
            for e in list_model_events(db, limit=limit)
        ],
        "alerts": [
            {
                "cause": a.cause,
                "last_sent_at": a.last_sent_at.isoformat(),
                "sent": a.sent,
                "suppressed": a.suppressed,
                "last_message": a.last_message,
            }
            for a in recent_alerts(db, limit=limit)
        ],
        "sources": source_rows(db),
    }
