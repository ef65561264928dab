"""Job leases in the store: ``try_lock`` / ``unlock``, safe across workers and machines."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scoreline.store.tables import JobLock

__all__ = ["try_lock", "unlock"]


def try_lock(session: Session, name: str, *, owner: str, now: datetime, ttl_s: float) -> bool:
    """Take the lease ``name`` for ``ttl_s`` seconds unless someone else holds a live one.

    An expired lease (its holder died) is taken over. Concurrent callers race on the
    primary key: exactly one of them gets it.

    Returns:
        Whether this caller now holds the lease.
    """
    session.execute(delete(JobLock).where(JobLock.name == name, JobLock.expires_at <= now))
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(JobLock)
        .values(name=name, owner=owner, expires_at=now + timedelta(seconds=ttl_s))
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(JobLock.name)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def unlock(session: Session, name: str, *, owner: str) -> None:
    """Release the lease if this owner still holds it."""
    session.execute(delete(JobLock).where(JobLock.name == name, JobLock.owner == owner))
