"""Matches: reading them, the import (insert new, update changed), quotas and results.

The import loads existing rows with a few bulk ``SELECT ... WHERE id IN (...)`` queries, never
one per row, then one transaction inserts new matches, updates changed ones and leaves
identical ones alone, so importing the same records twice is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from scoreline.store.bulk import insert_rows
from scoreline.store.db import Database, chunks, rowcount
from scoreline.store.errors import UnknownMatchError
from scoreline.store.matches_csv import MatchRecord, read_matches_csv
from scoreline.store.tables import Match, Prediction

__all__ = [
    "ImportReport",
    "Reveal",
    "StoredMatch",
    "due_matches",
    "get_match",
    "import_matches",
    "match_states",
    "reveal_results",
    "set_match_quotas",
    "upsert_matches",
]

# Columns an import owns; quotas and timestamps are never taken from a file.
_RECORD_COLUMNS = tuple(f.name for f in fields(MatchRecord))


@dataclass(frozen=True, slots=True)
class StoredMatch(MatchRecord):
    """A row of ``matches``, every column under its own name: the imported record plus the
    quotas and timestamps the store adds."""

    quota_home: int | None
    quota_draw: int | None
    quota_away: int | None
    created_at: datetime
    updated_at: datetime


_COLUMNS = tuple(f.name for f in fields(StoredMatch))
_TABLE = cast(Table, Match.__table__)
_INSERT_COLUMNS = (*_RECORD_COLUMNS, "created_at", "updated_at")
_record_values = cast("Callable[[MatchRecord], tuple[Any, ...]]", attrgetter(*_RECORD_COLUMNS))
_MATCH_COLUMNS = tuple(Match.__table__.c[name] for name in _COLUMNS)


def stored_match(match: Match) -> StoredMatch:
    """The plain value of an ORM row."""
    return StoredMatch(**{name: getattr(match, name) for name in _COLUMNS})


def get_match(db: Database, match_id: str) -> StoredMatch | None:
    """Return the match with this id, or ``None``."""
    with db.session() as session:
        match = session.get(Match, match_id)
        return None if match is None else stored_match(match)


def due_matches(db: Database, *, now: datetime, window: timedelta) -> list[StoredMatch]:
    """Return scheduled matches kicking off in ``[now, now + window]``, earliest first.

    Args:
        db: The store.
        now: Current time, aware UTC.
        window: How far ahead to look (the predict window, 30 minutes by default).
    """
    query = (
        select(Match)
        .where(Match.status == "scheduled")
        .where(Match.kickoff_at >= now, Match.kickoff_at <= now + window)
        .order_by(Match.kickoff_at, Match.id)
    )
    with db.session() as session:
        return [stored_match(m) for m in session.scalars(query)]


def results_before(session: Session, competition: str, kickoff_at: datetime) -> list[StoredMatch]:
    """Finished matches of the competition that kicked off strictly before ``kickoff_at``.

    Ordered by kick-off; what a forecaster may be shown about a match. The columns are
    selected as plain rows, not ORM objects: a predict job reads a season or more of
    history per match, and ORM instances made that twice as slow (719 rows: 39 ms, 18 ms).
    """
    query = (
        select(*_MATCH_COLUMNS)
        .where(Match.competition == competition, Match.status == "finished")
        .where(Match.kickoff_at < kickoff_at)
        .where(Match.home_goals.is_not(None), Match.away_goals.is_not(None))
        .order_by(Match.kickoff_at, Match.home_team, Match.away_team)
    )
    return [StoredMatch(*row) for row in session.execute(query)]


def write_quotas(session: Session, match_id: str, quotas: tuple[int, int, int]) -> None:
    """Store the Kicktipp quotas ``(home, draw, away)`` of a match in the caller's transaction.

    Raises:
        UnknownMatchError: No match with this id.
    """
    home, draw, away = quotas
    statement = (
        update(Match)
        .where(Match.id == match_id)
        .values(quota_home=home, quota_draw=draw, quota_away=away)
    )
    if rowcount(session.execute(statement)) == 0:
        raise UnknownMatchError(match_id)


def set_match_quotas(db: Database, match_id: str, home: int, draw: int, away: int) -> None:
    """Store the Kicktipp quotas of a match.

    Raises:
        UnknownMatchError: No match with this id.
    """
    with db.session() as session:
        write_quotas(session, match_id, (home, draw, away))


@dataclass(frozen=True, slots=True)
class Reveal:
    """A result to make known."""

    match_id: str
    """The match."""
    home_goals: int
    """Final home goals."""
    away_goals: int
    """Final away goals."""
    revealed_at: datetime
    """When the result became known (stored as the match's ``updated_at``)."""


def match_states(db: Database, match_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
    """Status and number of predictions of each stored match among ``match_ids``."""
    states: dict[str, tuple[str, int]] = {}
    with db.session() as session:
        for chunk in chunks(match_ids):
            counts = (
                select(Prediction.match_id, func.count().label("n"))
                .where(Prediction.match_id.in_(chunk))
                .group_by(Prediction.match_id)
                .subquery()
            )
            query = (
                select(Match.id, Match.status, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.match_id == Match.id)
                .where(Match.id.in_(chunk))
            )
            states.update({row[0]: (row[1], int(row[2])) for row in session.execute(query)})
    return states


def reveal_results(db: Database, reveals: Sequence[Reveal]) -> int:
    """Mark matches finished with their goals, as a results import would have done.

    Returns:
        How many matches were updated.
    """
    rows = [
        {
            "id": r.match_id,
            "status": "finished",
            "home_goals": r.home_goals,
            "away_goals": r.away_goals,
            "updated_at": r.revealed_at,
        }
        for r in reveals
    ]
    if rows:
        with db.session() as session:
            session.execute(update(Match), rows)
    return len(rows)


@dataclass(frozen=True)
class ImportReport:
    """What an import did.

    Attributes:
        inserted: New matches.
        updated: Existing matches with at least one changed column.
        unchanged: Existing matches identical to the file.
        rows: Records given (data rows of the file).
        changed_result_ids: Existing matches whose goals changed (a result arrived or was
            corrected), sorted; the scoring layer re-scores them.
    """

    inserted: int
    updated: int
    unchanged: int
    rows: int
    changed_result_ids: list[str] = field(default_factory=list)


def _existing(session: Session, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """Stored record columns (in ``_RECORD_COLUMNS`` order) of the matches among ``ids``."""
    columns = [getattr(Match, name) for name in _RECORD_COLUMNS]
    found: dict[str, tuple[Any, ...]] = {}
    # A first import meets an empty table: one probe instead of an IN (...) per 500 ids.
    if not ids or session.execute(select(Match.id).limit(1)).first() is None:
        return found
    for chunk in chunks(ids):
        for row in session.execute(select(*columns).where(Match.id.in_(chunk))):
            found[row[0]] = tuple(row)
    return found


@dataclass
class _Plan:
    inserts: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    changed_result_ids: list[str] = field(default_factory=list)


def _plan(
    records: Iterable[MatchRecord], existing: dict[str, tuple[Any, ...]], now: datetime
) -> _Plan:
    """Sort the records into inserts (value tuples), updates (dicts) and unchanged ones.

    Records are read as tuples by one ``attrgetter``: building a dict per record cost a
    third of a ten-thousand-match import.
    """
    plan = _Plan()
    for record in records:
        new = _record_values(record)
        stored = existing.get(record.id)
        if stored is None:
            plan.inserts.append((*new, now, now))
            continue
        if stored == new:
            plan.unchanged += 1
            continue
        changes = {
            name
            for name, old, value in zip(_RECORD_COLUMNS, stored, new, strict=True)
            if old != value
        }
        if not changes:
            plan.unchanged += 1
            continue
        # Bulk UPDATE needs the same keys in every row: send the full record column set.
        plan.updates.append({**dict(zip(_RECORD_COLUMNS, new, strict=True)), "updated_at": now})
        if changes & {"home_goals", "away_goals"}:
            plan.changed_result_ids.append(record.id)
    return plan


def upsert_matches(db: Database, records: Sequence[MatchRecord], *, now: datetime) -> ImportReport:
    """Add or update matches in one transaction; the records are the truth for their columns.

    Quotas are left alone; ``created_at``/``updated_at`` are ``now`` for what is written.

    Args:
        db: The database (migrated).
        records: Validated records with distinct ids (``read_matches_csv`` gives them).
        now: Timestamp for ``created_at``/``updated_at``, aware UTC.

    Returns:
        Counts of inserted, updated and unchanged rows, and the ids whose result changed.
    """
    with db.session() as session:
        plan = _plan(records, _existing(session, [r.id for r in records]), now)
        # One driver executemany with each timestamp bound once (``store.bulk``): Core's
        # per-row parameter processing was most of a ten-thousand-match import.
        insert_rows(session.connection(), _TABLE, _INSERT_COLUMNS, plan.inserts)
        if plan.updates:
            # ORM bulk UPDATE by primary key: one executemany, not one statement per row.
            session.execute(update(Match), plan.updates)
    return ImportReport(
        inserted=len(plan.inserts),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
        rows=len(records),
        changed_result_ids=sorted(plan.changed_result_ids),
    )


def import_matches(db: Database, path: Path, *, now: datetime | None = None) -> ImportReport:
    """Add or update matches from a CSV with the columns of the bundled data set.

    Goals empty means the fixture is not played (status ``scheduled``); both goals given
    means ``finished`` unless an optional ``status`` column says otherwise. The file is
    validated whole before anything is written.

    Args:
        db: The database (migrated).
        path: The CSV file.
        now: Timestamp for ``created_at``/``updated_at``; the current UTC time by default.

    Returns:
        Counts of inserted, updated and unchanged rows, and the ids whose result changed.

    Raises:
        MatchImportError: The file has problems; all are listed and nothing is imported.
    """
    records = read_matches_csv(Path(path))
    return upsert_matches(db, records, now=now or datetime.now(UTC))
