"""Job leases: ``take_lease`` / ``renew_lease`` / ``release_lease``, safe across machines.

A lease lives in the store rather than the queue, so it works the same on every queue
backend. It is short and renewed while its job runs, so it expires within seconds when a
worker dies holding it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite

from scoreline.store.db import Database, rowcount
from scoreline.store.tables import JobLock

__all__ = ["release_lease", "renew_lease", "take_lease"]


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


def renew_lease(db: Database, name: str, *, owner: str, now: datetime, ttl_s: float) -> bool:
    """Extend this owner's lease to ``now + ttl_s`` (the running job's heartbeat).

    Returns:
        Whether this owner still held the lease; ``False`` once another worker took it over.
    """
    with db.session() as session:
        statement = (
            update(JobLock)
            .where(JobLock.name == name, JobLock.owner == owner)
            .values(expires_at=now + timedelta(seconds=ttl_s))
        )
        return rowcount(session.execute(statement)) == 1


def release_lease(db: Database, name: str, *, owner: str) -> None:
    """Release the lease if this owner still holds it."""
    with db.session() as session:
        session.execute(delete(JobLock).where(JobLock.name == name, JobLock.owner == owner))
