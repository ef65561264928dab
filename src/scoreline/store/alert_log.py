"""When each alert cause last went out (``alerts_sent``): the claim that deduplicates them.

Every worker derives the same alerts from the store on every sweep; the claim decides which
one of them speaks. It is one ``INSERT … ON CONFLICT`` statement, so two workers checking at
once cannot both win, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from scoreline.store.db import Database
from scoreline.store.operation_tables import AlertSent

__all__ = ["AlertRecord", "claim_alert", "known_causes", "recent_alerts"]

MAX_MESSAGE_LENGTH = 2000
"""``last_message`` is cut to this: enough to read it again in ``/admin``."""


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """One cause as ``alerts_sent`` holds it."""

    cause: str
    last_sent_at: datetime
    sent: int
    """Messages that went out for the cause."""
    suppressed: int
    """Times the cause came up again within the repeat period and stayed silent."""
    last_message: str | None


def claim_alert(
    db: Database,
    cause: str,
    *,
    now: datetime,
    repeat_after_s: float,
    message: str,
    once: bool = False,
) -> bool:
    """Claim the right to send ``message`` for ``cause`` now; count it suppressed otherwise.

    A cause is claimed when it never went out, or (unless ``once``) when it last went out at
    least ``repeat_after_s`` ago. A ``once`` cause names one occurrence (a match, an event):
    it goes out a single time and a second claim is neither sent nor counted.

    Returns:
        Whether this caller won and must send the message.
    """
    message = message[:MAX_MESSAGE_LENGTH]
    module: Any = postgresql if db.dialect == "postgresql" else sqlite
    insert = module.insert(AlertSent).values(
        cause=cause, last_sent_at=now, sent=1, suppressed=0, last_message=message
    )
    if once:
        statement = insert.on_conflict_do_nothing(index_elements=["cause"])
    else:
        statement = insert.on_conflict_do_update(
            index_elements=["cause"],
            set_={
                "last_sent_at": now,
                "sent": AlertSent.sent + 1,
                "last_message": message,
            },
            where=AlertSent.last_sent_at <= now - timedelta(seconds=repeat_after_s),
        )
    with db.session() as session:
        won = session.execute(statement.returning(AlertSent.cause)).first() is not None
        if not won and not once:
            session.execute(
                update(AlertSent)
                .where(AlertSent.cause == cause)
                .values(suppressed=AlertSent.suppressed + 1)
            )
    return won


def known_causes(db: Database, causes: Iterable[str]) -> set[str]:
    """Which of ``causes`` already have a row (a ``once`` cause among them is done)."""
    wanted = sorted(set(causes))
    if not wanted:
        return set()
    with db.session() as session:
        return set(session.scalars(select(AlertSent.cause).where(AlertSent.cause.in_(wanted))))


def recent_alerts(db: Database, *, limit: int = 20) -> list[AlertRecord]:
    """The causes that alerted most recently, newest first."""
    query = select(AlertSent).order_by(AlertSent.last_sent_at.desc(), AlertSent.cause)
    with db.session() as session:
        return [
            AlertRecord(a.cause, a.last_sent_at, a.sent, a.suppressed, a.last_message)
            for a in session.scalars(query.limit(limit))
        ]
