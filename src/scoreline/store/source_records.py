"""Each data source's health, the operator's team aliases, and the logs of the merge.

``scoreline sources`` and ``/admin`` read a source's last success, last error, requests
today and quota left from here, so they survive a restart and agree across workers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from scoreline.store.db import Database
from scoreline.store.source_tables import (
    ResultChange,
    SourceDisagreement,
    SourceRequestCount,
    SourceState,
    TeamAlias,
)

__all__ = [
    "LoggedChange",
    "SourceHealth",
    "add_team_alias",
    "record_source_health",
    "result_changes",
    "source_health",
    "source_request_counts",
    "team_aliases",
]


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One source as the last passes left it."""

    source: str
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    day: str | None
    requests_today: int
    requests_total: int
    quota_remaining: int | None


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """A logged change of a result (``kind`` ``change``) or a disagreement."""

    match_id: str
    kind: str
    old: str
    new: str
    source: str
    at: datetime


def record_source_health(
    db: Database,
    source: str,
    *,
    now: datetime,
    requests: int,
    ok: bool,
    error: str | None = None,
    quota_remaining: int | None = None,
    outcomes: Mapping[str, int] | None = None,
) -> None:
    """Add a pass's requests to the day's count and note its success or (redacted) error.

    ``outcomes``: how this pass's requests ended (``ok``, ``not_modified``, an error class).
    """
    day = now.date().isoformat()
    with db.session() as session:
        for outcome, count in (outcomes or {}).items():
            row = session.get(SourceRequestCount, (source, outcome))
            if row is None:
                session.add(SourceRequestCount(source=source, outcome=outcome, count=count))
            else:
                row.count += count
        state = session.get(SourceState, source)
        if state is None:
            state = SourceState(source=source, requests_today=0, requests_total=0)
            session.add(state)
        if state.day != day:
            state.day, state.requests_today = day, 0
        state.requests_today += requests
        state.requests_total += requests
        if quota_remaining is not None:
            state.quota_remaining = quota_remaining
        if ok:
            state.last_success_at = now
        if error is not None:
            state.last_error, state.last_error_at = error[:500], now


def source_health(db: Database) -> dict[str, SourceHealth]:
    """Every source that ever ran, by name."""
    with db.session() as session:
        return {
            s.source: SourceHealth(
                s.source,
                s.last_success_at,
                s.last_error,
                s.last_error_at,
                s.day,
                s.requests_today,
                s.requests_total,
                s.quota_remaining,
            )
            for s in session.scalars(select(SourceState))
        }


def source_request_counts(db: Database) -> dict[tuple[str, str], int]:
    """Requests ever made, by ``(source, outcome)``: ``/metrics``."""
    with db.session() as session:
        return {(r.source, r.outcome): r.count for r in session.scalars(select(SourceRequestCount))}


def add_team_alias(db: Database, alias: str, team: str, *, now: datetime) -> None:
    """Record (or change) the operator's alias of a team."""
    with db.session() as session:
        row = session.get(TeamAlias, alias)
        if row is None:
            session.add(TeamAlias(alias=alias, team=team, created_at=now))
        else:
            row.team = team


def team_aliases(db: Database) -> dict[str, str]:
    """The operator's aliases, alias -> team."""
    with db.session() as session:
        return {
            a.alias: a.team for a in session.scalars(select(TeamAlias).order_by(TeamAlias.alias))
        }


def result_changes(db: Database, match_id: str | None = None) -> list[LoggedChange]:
    """Logged result changes and source disagreements, oldest first."""
    changes = select(ResultChange).order_by(ResultChange.id)
    disputes = select(SourceDisagreement).order_by(SourceDisagreement.id)
    if match_id is not None:
        changes = changes.where(ResultChange.match_id == match_id)
        disputes = disputes.where(SourceDisagreement.match_id == match_id)
    with db.session() as session:
        found = [
            LoggedChange(c.match_id, "change", c.old, c.new, c.source, c.at)
            for c in session.scalars(changes)
        ]
        found += [
            LoggedChange(d.match_id, "disagreement", d.other, d.kept, d.other_source, d.at)
            for d in session.scalars(disputes)
        ]
    return sorted(found, key=lambda c: c.at)
