"""Job leases: ``take_lease`` / ``release_lease``, safe across workers and machines.

A lease lives in the store rather than the queue, so it works the same on every queue
backend, and it expires by itself when a worker dies holding it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from scoreline.store.db import Database
from scoreline.store.tables import JobLock

__all__ = ["release_lease", "take_lease"]


def take_lease(db: Database, name: str, *, owner: str, now: datetime, ttl_s: float) -> bool:
    """Take the lease ``name`` for ``ttl_s`` seconds unless someone else holds a live one.

    An expired lease (its holder died) is taken over. Concurrent callers race on the
    primary key: exactly one of them gets it.

    Returns:
        Whether this caller now holds the lease.
    """
    with db.session() as session:
        session.execute(delete(JobLock).where(JobLock.name == name, JobLock.expires_at <= now))
        module: Any = postgresql if db.dialect == "postgresql" else sqlite
        statement = (
            module.insert(JobLock)
            .values(name=name, owner=owner, expires_at=now + timedelta(seconds=ttl_s))
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(JobLock.name)
        )
        return session.execute(statement).scalar_one_or_none() is not None


def release_lease(db: Database, name: str, *, owner: str) -> None:
    """Release the lease if this owner still holds it."""
    with db.session() as session:
        session.execute(delete(JobLock).where(JobLock.name == name, JobLock.owner == owner))
