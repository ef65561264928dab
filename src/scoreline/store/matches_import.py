"""Importing matches (fixtures and results) from a CSV into the ``matches`` table.

The whole file is validated first; then one transaction inserts new matches, updates
changed ones and leaves identical ones alone, so re-importing a file is a no-op. Existing
rows are loaded with a few bulk ``SELECT ... WHERE id IN (...)`` queries, never one per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from scoreline.store.db import Database
from scoreline.store.matches_csv import MatchRecord, read_matches_csv
from scoreline.store.tables import Match

__all__ = ["BUNDLED_MATCHES_DIR", "ImportReport", "bundled_matches_path", "import_matches"]

BUNDLED_MATCHES_DIR = Path(__file__).resolve().parent.parent / "data" / "matches"
"""Folder of the match CSVs shipped with the package, one file per competition."""

# Columns the CSV owns; quotas and timestamps are never taken from a file.
_CSV_COLUMNS = tuple(MatchRecord.__slots__)
_CHUNK = 500  # ids per IN (...) and rows per INSERT: far below every engine's parameter limit


@dataclass(frozen=True)
class ImportReport:
    """What an import did.

    Attributes:
        inserted: New matches.
        updated: Existing matches with at least one changed column.
        unchanged: Existing matches identical to the file.
        rows: Data rows in the file.
        changed_result_ids: Existing matches whose goals changed (a result arrived or was
            corrected), sorted; the scoring layer re-scores them.
    """

    inserted: int
    updated: int
    unchanged: int
    rows: int
    changed_result_ids: list[str] = field(default_factory=list)


def bundled_matches_path(competition: str = "E0") -> Path:
    """Return the CSV of real matches shipped with the package for ``competition``.

    Args:
        competition: football-data division code; only ``E0`` (Premier League) is bundled.

    Returns:
        Path to the file.

    Raises:
        FileNotFoundError: No bundled file for that competition.
    """
    path = BUNDLED_MATCHES_DIR / f"{competition}.csv"
    if not competition.isalnum() or not path.is_file():
        known = ", ".join(sorted(p.stem for p in BUNDLED_MATCHES_DIR.glob("*.csv")))
        raise FileNotFoundError(f"no bundled matches for {competition!r} (bundled: {known})")
    return path


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(session: Session, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    columns = [getattr(Match, name) for name in _CSV_COLUMNS]
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for row in session.execute(select(*columns).where(Match.id.in_(chunk))):
            found[row.id] = row._asdict()
    return found


def _changes(record: MatchRecord, stored: dict[str, Any]) -> dict[str, Any]:
    new = record.values()
    return {name: value for name, value in new.items() if stored[name] != value}


@dataclass
class _Plan:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    changed_result_ids: list[str] = field(default_factory=list)


def _plan(
    records: Iterable[MatchRecord], existing: dict[str, dict[str, Any]], now: datetime
) -> _Plan:
    plan = _Plan()
    for record in records:
        stored = existing.get(record.id)
        if stored is None:
            plan.inserts.append({**record.values(), "created_at": now, "updated_at": now})
            continue
        changes = _changes(record, stored)
        if not changes:
            plan.unchanged += 1
            continue
        # Bulk UPDATE needs the same keys in every row: send the full CSV column set.
        plan.updates.append({**record.values(), "updated_at": now})
        if "home_goals" in changes or "away_goals" in changes:
            plan.changed_result_ids.append(record.id)
    return plan


def _apply(session: Session, plan: _Plan) -> None:
    for chunk in _chunks(plan.inserts):
        session.execute(insert(Match), list(chunk))
    if plan.updates:
        # ORM bulk UPDATE by primary key: one executemany, not one statement per row.
        session.execute(update(Match), plan.updates)


def import_matches(db: Database, path: Path, *, now: datetime | None = None) -> ImportReport:
    """Add or update matches from a CSV with the columns of the bundled data set.

    Goals empty means the fixture is not played (status ``scheduled``); both goals given
    means ``finished`` unless an optional ``status`` column says otherwise. The file is the
    truth for the columns it carries; quotas are left alone.

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
    now = now or datetime.now(UTC)
    with db.session() as session:
        existing = _existing(session, [r.id for r in records])
        plan = _plan(records, existing, now)
        _apply(session, plan)
    return ImportReport(
        inserted=len(plan.inserts),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
        rows=len(records),
        changed_result_ids=sorted(plan.changed_result_ids),
    )
