"""Tables of running unattended (migration 0009): model events, skips and sent alerts.

They share ``Base.metadata`` with ``tables``. No foreign keys, like the attempt log: a
record of what happened must never fail because of what it describes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from scoreline.store.tables import Base, utc_now

__all__ = ["AlertSent", "ModelEvent", "PredictionSkip"]


class ModelEvent(Base):
    """A change of a model's state: disabled, probed, recovered, pinned, enabled."""

    __tablename__ = "model_events"
    __table_args__ = (Index("ix_model_events_model_id_at", "model_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model_id: Mapped[str]
    at: Mapped[datetime] = mapped_column(default=utc_now)
    event: Mapped[str]
    reason: Mapped[str | None]


class PredictionSkip(Base):
    """A model left out of a match's job, and why (``budget``, ``disabled``…)."""

    __tablename__ = "prediction_skips"
    __table_args__ = (
        UniqueConstraint(
            "match_id",
            "model_id",
            "reason",
            name="uq_prediction_skips_match_id_model_id_reason",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    match_id: Mapped[str]
    model_id: Mapped[str]
    reason: Mapped[str]
    at: Mapped[datetime] = mapped_column(default=utc_now)


class AlertSent(Base):
    """When a cause last alerted, so one cause alerts once per period across workers."""

    __tablename__ = "alerts_sent"

    cause: Mapped[str] = mapped_column(primary_key=True)
    last_sent_at: Mapped[datetime]
    sent: Mapped[int] = mapped_column(server_default=text("0"))
    suppressed: Mapped[int] = mapped_column(server_default=text("0"))
    last_message: Mapped[str | None]
