"""Importing matches from CSV: inserts, updates, idempotence and row validation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scoreline.store import Database, Match, MatchImportError, get_match, import_matches

from .conftest import HEADER, MatchLine, WriteCsv

LATER = datetime(2025, 1, 20, tzinfo=UTC)


def _count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Match)) or 0


def test_inserts_fixtures_and_results(
    db: Database, write_csv: WriteCsv, match_line: MatchLine, now: datetime
) -> None:
    path = write_csv([match_line("a", goals="2,1"), match_line("b", odds=",,")])
    report = import_matches(db, path, now=now)
    assert (report.inserted, report.updated, report.unchanged, report.rows) == (2, 0, 0, 2)
    assert report.changed_result_ids == []
    a, b = get_match(db, "a"), get_match(db, "b")
    assert a is not None and b is not None
    assert (a.status, a.home_goals, a.away_goals) == ("finished", 2, 1)
    assert (a.odds_home, a.odds_draw, a.odds_away) == (2.1, 3.4, 3.5)
    assert a.kickoff_at == datetime(2025, 1, 11, 15, tzinfo=UTC)
    assert a.competition_name == "English Premier League"
    assert (b.status, b.home_goals, b.odds_home) == ("scheduled", None, None)
    assert a.created_at == a.updated_at == now


def test_reimport_changes_nothing(
    db: Database, write_csv: WriteCsv, match_line: MatchLine, now: datetime
) -> None:
    path = write_csv([match_line("a", goals="2,1"), match_line("b")])
    import_matches(db, path, now=now)
    report = import_matches(db, path, now=LATER)
    assert (report.inserted, report.updated, report.unchanged, report.rows) == (0, 0, 2, 2)
    with db.session() as session:
        assert session.scalars(select(Match.updated_at)).all() == [now, now]


def test_updates_moved_kickoff_arrived_and_corrected_results(
    db: Database, write_csv: WriteCsv, match_line: MatchLine, now: datetime
) -> None:
    first = [match_line("moved"), match_line("played"), match_line("fixed", goals="1,1")]
    import_matches(db, write_csv([*first, match_line("same")]), now=now)
    second = [
        match_line("moved", kickoff="2025-01-12T20:00:00+01:00"),
        match_line("played", goals="0,3"),
        match_line("fixed", goals="1,2"),
        match_line("same"),
        match_line("new"),
    ]
    report = import_matches(db, write_csv(second), now=LATER)
    assert (report.inserted, report.updated, report.unchanged, report.rows) == (1, 3, 1, 5)
    assert report.changed_result_ids == ["fixed", "played"]
    moved, played = get_match(db, "moved"), get_match(db, "played")
    same = get_match(db, "same")
    assert moved is not None and played is not None and same is not None
    assert moved.kickoff_at == datetime(2025, 1, 12, 19, tzinfo=UTC)
    assert (moved.updated_at, moved.created_at) == (LATER, now)
    assert (played.status, played.home_goals, played.away_goals) == ("finished", 0, 3)
    assert same.updated_at == now


def test_status_column_overrides_the_derived_status(db: Database, write_csv: WriteCsv) -> None:
    header = HEADER + ",status"
    rows = [
        "p,E0,,2024-25,2025-01-11T15:00:00Z,Arsenal,Chelsea,,,,,,postponed",
        "l,E0,,2024-25,2025-01-11T15:00:00Z,Fulham,Leeds,1,0,,,,LIVE",
        "f,E0,,2024-25,2025-01-11T15:00:00Z,Wolves,Spurs,1,0,,,,",
    ]
    import_matches(db, write_csv(rows, header=header))
    with db.session() as session:
        statuses = {row.id: row.status for row in session.execute(select(Match.id, Match.status))}
    p = get_match(db, "p")
    assert statuses == {"p": "postponed", "l": "live", "f": "finished"}
    assert p is not None and p.competition_name is None


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"kickoff": "15/01/2025 15:00"}, "kickoff_utc", "not an ISO 8601"),
        ({"kickoff": "2025-01-15"}, "kickoff_utc", "needs a date and a time"),
        ({"kickoff": ""}, "kickoff_utc", "empty"),
        ({"goals": "-1,2"}, "home_goals", "not a non-negative integer"),
        ({"goals": "1,2.5"}, "away_goals", "not a non-negative integer"),
        ({"goals": "1,"}, "away_goals", "empty while home_goals is given"),
        ({"goals": ",0"}, "home_goals", "empty while away_goals is given"),
        ({"odds": "1.0,3.4,3.5"}, "odds_home", "greater than 1"),
        ({"odds": "2.1,x,3.5"}, "odds_draw", "not a number"),
        ({"odds": "2.1,3.4,nan"}, "odds_away", "greater than 1"),
        ({"odds": "2.1,,3.5"}, "odds_draw", "empty while other odds are given"),
        ({"home": ""}, "home_team", "empty"),
        ({"away": "Arsenal"}, "away_team", "same as home_team"),
    ],
)
def test_each_kind_of_bad_row_is_reported_with_file_line_and_field(
    db: Database,
    write_csv: WriteCsv,
    match_line: MatchLine,
    bad: dict[str, str],
    field: str,
    message: str,
) -> None:
    path = write_csv([match_line("ok1"), match_line("bad", **bad), match_line("ok2")])
    with pytest.raises(MatchImportError) as caught:
        import_matches(db, path)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(f"{path}:3: {field}: ")
    assert message in caught.value.problems[0]
    assert _count(db) == 0


def test_all_problems_are_collected_and_nothing_is_imported(
    db: Database, write_csv: WriteCsv, match_line: MatchLine
) -> None:
    header = HEADER + ",status"
    lines = [
        match_line("a") + ",",
        match_line("a") + ",",  # duplicate of line 2
        match_line("b", goals="x,1") + ",",
        match_line("c") + ",abandoned",
        match_line("d") + ",finished",
        "",  # blank lines are skipped but still counted
        match_line("e", home="") + ",",
    ]
    path = write_csv(lines, header=header)
    with pytest.raises(MatchImportError) as caught:
        import_matches(db, path)
    assert caught.value.problems == [
        f"{path}:3: match_id: duplicate of line 2",
        f"{path}:4: home_goals: 'x': not a non-negative integer",
        f"{path}:5: status: 'abandoned' is not one of scheduled, live, finished, postponed,"
        " cancelled",
        f"{path}:6: status: finished but the goals are missing",
        f"{path}:8: home_team: empty",
    ]
    assert "5 problem(s), nothing imported" in str(caught.value)
    assert _count(db) == 0


def test_missing_header_columns(db: Database, write_csv: WriteCsv, match_line: MatchLine) -> None:
    header = HEADER.replace("kickoff_utc,", "").replace(",odds_away", "")
    path = write_csv(["x"], header=header)
    with pytest.raises(MatchImportError) as caught:
        import_matches(db, path)
    assert caught.value.problems == [
        f"{path}:1: header: missing column kickoff_utc",
        f"{path}:1: header: missing column odds_away",
    ]


def test_a_valid_file_after_a_rejected_one_imports(
    db: Database, write_csv: WriteCsv, match_line: MatchLine
) -> None:
    with pytest.raises(MatchImportError):
        import_matches(db, write_csv([match_line("a"), match_line("a")]))
    assert import_matches(db, write_csv([match_line("a")])).inserted == 1


@pytest.mark.slow
def test_full_data_set_imports_then_reimports_unchanged(db: Database) -> None:
    path = Path("/work/shared/data/matches.csv")
    if not path.is_file():
        pytest.skip(f"{path} not present")
    start = datetime.now(UTC)
    report = import_matches(db, path)
    assert (report.inserted, report.rows) == (10_438, 10_438)
    again = import_matches(db, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 10_438)
    # Reported, not asserted: no timed assertions.
    print(f"{db.dialect}: full import + re-import in {datetime.now(UTC) - start}")
    with db.session() as session:
        finished = session.scalar(
            select(func.count()).select_from(Match).where(Match.status == "finished")
        )
        no_odds = session.scalar(
            select(func.count()).select_from(Match).where(Match.odds_home.is_(None))
        )
    assert (finished, no_odds) == (10_438, 1)
