"""Bulk INSERT (``store.bulk``): the rows read back exactly as Core's own ``insert`` wrote them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.exc import StatementError

from scoreline.store import Database, DatabaseError, Match, bulk, get_match, upsert_matches
from scoreline.store.bulk import insert_rows
from scoreline.store.matches_csv import MatchRecord

TABLE = cast(Table, Match.__table__)
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 1, 10, 12, 0, 0, 123456, tzinfo=UTC)
KICKOFFS = (
    datetime(2025, 1, 11, 15, 0, tzinfo=UTC),
    datetime(2025, 1, 11, 16, 0, tzinfo=timezone(timedelta(hours=1))),  # = the first
    datetime(2025, 1, 11, 10, 0, 0, 500, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2024, 10, 27, 2, 30, tzinfo=BERLIN),  # the repeated hour: CEST
    datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=BERLIN),  # equal in Python, an hour later
    datetime(2025, 3, 30, 1, 59, 59, 999999, tzinfo=BERLIN),
)


def _record(n: int, kickoff: datetime) -> MatchRecord:
    goals = (n % 3, 1) if n % 2 else (None, None)
    odds = (2.1 + n / 100, 3.4, 3.5) if n % 3 else (None, None, None)
    status = "finished" if n % 2 else "scheduled"
    name = None if n == 4 else "English Premier League"
    return MatchRecord(
        f"m{n}", "E0", name, "2024-25", kickoff, f"Home {n}", f"Away {n}", status, *goals, *odds
    )


RECORDS = [_record(n, kickoff) for n, kickoff in enumerate(KICKOFFS * 3)]


def _raw_rows(db: Database) -> list[tuple[Any, ...]]:
    """Every row as the driver returns it: SQLite's stored text, PostgreSQL's values."""
    with db.session() as session:
        result = session.connection().exec_driver_sql("SELECT * FROM matches ORDER BY id")
        return [tuple(row) for row in result]


def _core_insert(db: Database, records: list[MatchRecord], now: datetime) -> None:
    rows = [{**r.values(), "created_at": now, "updated_at": now} for r in records]
    with db.session() as session:
        session.execute(insert(TABLE), rows)


def _clear(db: Database) -> None:
    with db.session() as session:
        session.execute(delete(TABLE))


def test_import_stores_what_core_insert_stores(db: Database) -> None:
    for now in (NOW, NOW.astimezone(BERLIN)):
        _core_insert(db, RECORDS, now)
        expected = _raw_rows(db)
        _clear(db)
        report = upsert_matches(db, RECORDS, now=now)
        assert (report.inserted, report.rows) == (len(RECORDS), len(RECORDS))
        assert _raw_rows(db) == expected
        _clear(db)
    if db.dialect == "sqlite":
        assert expected[0][4] == "2025-01-11 15:00:00.000000"  # kickoff_at of m0
        assert expected[0][-1] == "2025-01-10 12:00:00.123456"  # updated_at


def test_equal_instants_in_other_zones_and_the_repeated_hour(db: Database) -> None:
    upsert_matches(db, RECORDS[: len(KICKOFFS)], now=NOW)
    stored = [get_match(db, f"m{n}") for n in range(len(KICKOFFS))]
    # Compared in UTC: Python never finds a time in a repeated hour equal to another zone's.
    assert [m.kickoff_at if m else None for m in stored] == [k.astimezone(UTC) for k in KICKOFFS]
    fall_back = [m.kickoff_at for m in stored[3:5] if m]
    assert fall_back[1] - fall_back[0] == timedelta(hours=1)
    assert all(m is not None and m.created_at == m.updated_at == NOW for m in stored)


def _shuffled(n: int, r: MatchRecord) -> tuple[Any, ...]:
    quota = n if n % 2 else None
    first = (NOW, r.kickoff_at, r.id, r.season, r.home_team, r.away_team)
    return (*first, r.competition, r.status, NOW, r.odds_home, quota)


def test_columns_in_any_order_and_pages(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "_PAGE", 4)
    columns = (
        *("updated_at", "kickoff_at", "id", "season", "home_team", "away_team"),
        *("competition", "status", "created_at", "odds_home", "quota_draw"),
    )
    # Another column order than the table's, some columns left out, quotas given.
    rows = [_shuffled(n, r) for n, r in enumerate(RECORDS)]
    with db.session() as session:
        assert insert_rows(session.connection(), TABLE, columns, rows) == len(rows)
        assert insert_rows(session.connection(), TABLE, columns, []) == 0
    got = _raw_rows(db)
    _clear(db)
    with db.session() as session:
        session.execute(insert(TABLE), [dict(zip(columns, row, strict=True)) for row in rows])
    assert got == _raw_rows(db)


def test_a_naive_timestamp_is_refused_as_core_refuses_it(db: Database) -> None:
    row = (*RECORDS[0].values().values(), NOW, datetime(2025, 1, 1))
    columns = (*RECORDS[0].values(), "created_at", "updated_at")
    with pytest.raises(DatabaseError, match="naive datetime") as caught, db.session() as session:
        insert_rows(session.connection(), TABLE, columns, [row])
    assert isinstance(caught.value.__cause__, StatementError)


def test_a_failing_insert_leaves_nothing(db: Database) -> None:
    upsert_matches(db, RECORDS[:1], now=NOW)
    columns = (*RECORDS[0].values(), "created_at", "updated_at")
    rows = [(*r.values().values(), NOW, NOW) for r in RECORDS]  # m0 is stored already
    with pytest.raises(DatabaseError, match="IntegrityError"), db.session() as session:
        insert_rows(session.connection(), TABLE, columns[::-1], [row[::-1] for row in rows])
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Match)) == 1


def test_a_column_with_a_python_default_must_be_given(db: Database) -> None:
    columns = ("id", "competition", "season", "kickoff_at", "home_team", "away_team")
    row = ("m", "E0", "2024-25", NOW, "A", "B")
    with pytest.raises(ValueError, match="created_at"), db.session() as session:
        insert_rows(session.connection(), TABLE, columns, [row])
