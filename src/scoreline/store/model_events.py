"""Every change of a model's state (``model_events``), with its reason.

Written in the transaction that makes the change, so a transition and its record never
part: ``disabled`` (the error streak, or the operator), ``pinned``, ``enabled``,
``recovered`` and ``probe_failed``. Operators and alerts read them back in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from scoreline.store.db import Database
from scoreline.store.operation_tables import ModelEvent

__all__ = ["MODEL_EVENTS", "ModelTransition", "add_events", "list_model_events"]

MODEL_EVENTS = ("disabled", "pinned", "enabled", "recovered", "probe_failed")
"""The events a model's state changes by."""

MAX_REASON_LENGTH = 500
"""A reason is cut to this many characters: an error streak, not a whole reply."""


@dataclass(frozen=True)
class ModelTransition:
    """One recorded transition."""

    id: int
    model_id: str
    at: datetime
    event: str
    reason: str | None


def add_events(
    session: Session, model_ids: list[str], event: str, *, at: datetime, reasons: dict[str, str]
) -> None:
    """Record ``event`` for each model in the caller's transaction (reason by model id)."""
    if event not in MODEL_EVENTS:
        raise ValueError(f"unknown model event {event!r}")
    if not model_ids:
        return
    rows = [
        {
            "model_id": model_id,
            "at": at,
            "event": event,
            "reason": (reasons.get(model_id) or "")[:MAX_REASON_LENGTH] or None,
        }
        for model_id in model_ids
    ]
    session.execute(insert(ModelEvent), rows)


def list_model_events(
    db: Database,
    model_id: str | None = None,
    *,
    since: datetime | None = None,
    limit: int = 200,
) -> list[ModelTransition]:
    """The latest transitions, newest first (of one model, or all; from ``since`` on)."""
    query = select(ModelEvent).order_by(ModelEvent.at.desc(), ModelEvent.id.desc()).limit(limit)
    if model_id is not None:
        query = query.where(ModelEvent.model_id == model_id)
    if since is not None:
        query = query.where(ModelEvent.at >= since)
    with db.session() as session:
        return [
            ModelTransition(e.id, e.model_id, e.at, e.event, e.reason)
            for e in session.scalars(query)
        ]
