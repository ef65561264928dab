"""What the sources said before kick-off: odds, missing players, line-ups and standings.

Every snapshot keeps its ``fetched_at``; the readers take a ``before`` moment and return
only the latest snapshot fetched strictly before it, so a prompt built for a job that
started at ``before`` can never see what was learnt later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from scoreline.store.db import Database
from scoreline.store.source_tables import (
    LineupSnapshot,
    MissingPlayerSnapshot,
    OddsSnapshotRow,
    StandingSnapshot,
)
from scoreline.store.tables import Match

__all__ = [
    "LineupRow",
    "MatchSnapshots",
    "MissingRow",
    "OddsRow",
    "StandingEntry",
    "add_snapshots",
    "latest_snapshot_at",
    "lineups_before",
    "missing_before",
    "odds_before",
    "set_match_odds",
    "snapshots_before",
    "standings_before",
]


@dataclass(frozen=True, slots=True)
class OddsRow:
    """1X2 odds of one bookmaker for a match."""

    match_id: str
    source: str
    bookmaker: str
    home: float
    draw: float
    away: float
    timing: str
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class MissingRow:
    """A player who will (or may) miss a match."""

    match_id: str
    source: str
    team: str
    player: str
    reason: str
    kind: str
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class LineupRow:
    """A side's confirmed line-up (starters and substitutes one per line)."""

    match_id: str
    source: str
    team: str
    formation: str | None
    starters: str
    substitutes: str
    coach: str | None
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class StandingEntry:
    """One row of a league table at one moment."""

    competition: str
    season: str
    source: str
    scope: str
    position: int
    team: str
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    points: int
    form: str | None
    fetched_at: datetime


_TABLES: dict[type, Any] = {
    OddsRow: OddsSnapshotRow,
    MissingRow: MissingPlayerSnapshot,
    LineupRow: LineupSnapshot,
    StandingEntry: StandingSnapshot,
}


def add_snapshots(
    db: Database, rows: Sequence[OddsRow | MissingRow | LineupRow | StandingEntry]
) -> int:
    """Store snapshots, whatever their type, in one transaction; returns how many."""
    by_table: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        values = {f.name: getattr(row, f.name) for f in fields(row)}
        by_table.setdefault(_TABLES[type(row)], []).append(values)
    with db.session() as session:
        for table, batch in by_table.items():
            session.execute(insert(table), batch)
    return len(rows)


def latest_snapshot_at(db: Database, kind: type, match_id: str) -> datetime | None:
    """When the latest snapshot of this kind (``OddsRow``, ``MissingRow``, ``LineupRow``)
    was fetched for the match, or ``None``: the worker's "is a fetch due" question."""
    table = _TABLES[kind]
    with db.session() as session:
        query = select(func.max(table.fetched_at)).where(table.match_id == match_id)
        return session.execute(query).scalar_one_or_none()


def _latest(db: Database, kind: type, before: datetime, *where: Any) -> list[Any]:
    """Rows of the latest fetch of each source strictly before ``before``."""
    table = _TABLES[kind]
    latest = (
        select(table.source, func.max(table.fetched_at).label("at"))
        .where(table.fetched_at < before, *where)
        .group_by(table.source)
        .subquery()
    )
    query = (
        select(table)
        .join(latest, (latest.c.source == table.source) & (latest.c.at == table.fetched_at))
        .where(*where)
        .order_by(table.source, table.id)
    )
    names = [f.name for f in fields(kind)]
    with db.session() as session:
        return [kind(**{n: getattr(r, n) for n in names}) for r in session.scalars(query)]


def odds_before(db: Database, match_id: str, before: datetime) -> list[OddsRow]:
    """Each source's latest pre-match odds fetched before ``before`` (closing odds never)."""
    table = OddsSnapshotRow
    return _latest(db, OddsRow, before, table.match_id == match_id, table.timing == "pre-match")


def missing_before(db: Database, match_id: str, before: datetime) -> list[MissingRow]:
    """Each source's latest list of missing players fetched before ``before``."""
    return _latest(db, MissingRow, before, MissingPlayerSnapshot.match_id == match_id)


def lineups_before(db: Database, match_id: str, before: datetime) -> list[LineupRow]:
    """Each source's latest line-ups fetched before ``before``."""
    return _latest(db, LineupRow, before, LineupSnapshot.match_id == match_id)


def standings_before(
    db: Database, competition: str, season: str, before: datetime
) -> list[StandingEntry]:
    """Each source's latest table of the season fetched before ``before``."""
    table = StandingSnapshot
    return _latest(
        db, StandingEntry, before, table.competition == competition, table.season == season
    )


def set_match_odds(db: Database, match_id: str, odds: tuple[float, float, float]) -> None:
    """Set a match's own 1X2 odds (what the market forecaster reads) from a fresh snapshot."""
    home, draw, away = odds
    statement = (
        update(Match)
        .where(Match.id == match_id)
        .values(odds_home=home, odds_draw=draw, odds_away=away)
    )
    with db.session() as session:
        session.execute(statement)


@dataclass(frozen=True, slots=True)
class MatchSnapshots:
    """Everything the sources said about a match before one moment."""

    odds: tuple[OddsRow, ...]
    missing: tuple[MissingRow, ...]
    lineups: tuple[LineupRow, ...]
    standings: tuple[StandingEntry, ...]


def snapshots_before(
    db: Database, match_id: str, competition: str, season: str, before: datetime
) -> MatchSnapshots:
    """The latest snapshots of each kind fetched strictly before ``before`` (a prompt's)."""
    return MatchSnapshots(
        odds=tuple(odds_before(db, match_id, before)),
        missing=tuple(missing_before(db, match_id, before)),
        lineups=tuple(lineups_before(db, match_id, before)),
        standings=tuple(standings_before(db, competition, season, before)),
    )
