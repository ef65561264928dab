"""The merge of source reports into matches, snapshots and source health, on both engines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from scoreline.store import (
    Database,
    MergeOutcome,
    OddsRow,
    SourceMatch,
    StandingEntry,
    add_snapshots,
    add_team_alias,
    get_match,
    linked_matches,
    match_links,
    merge_source_match,
    odds_before,
    record_source_health,
    report_missing_results,
    result_changes,
    source_health,
    standings_before,
    team_aliases,
)

T0 = datetime(2025, 12, 6, 9, 0, tzinfo=UTC)
KICKOFF = datetime(2025, 12, 6, 15, 0, tzinfo=UTC)
PRIORITIES = {"fd": 1, "af": 2}
FD = SourceMatch(
    source="fd",
    priority=1,
    external_id="541662",
    competition="E0",
    competition_name="English Premier League",
    season="2025-26",
    kickoff_at=KICKOFF,
    home_team="Everton",
    away_team="Nott'm Forest",
    status="scheduled",
    raw_status="TIMED",
    home_goals=None,
    away_goals=None,
)
AF = replace(FD, source="af", priority=2, external_id="1379099", raw_status="NS")


def merge(db: Database, report: SourceMatch, at: datetime = T0) -> MergeOutcome:
    return merge_source_match(db, report, priorities=PRIORITIES, now=at)


def test_two_sources_make_one_readable_match(db: Database) -> None:
    first = merge(db, FD)
    second = merge(db, AF)
    assert first.created and not second.created
    assert first.match_id == second.match_id == "E0-2025-26-everton-v-nott-m-forest"
    assert match_links(db) == {first.match_id: ["af", "fd"]}
    assert not merge(db, FD).updated  # the same report again changes nothing


def test_the_best_source_moves_the_kickoff_and_a_lesser_one_does_not(db: Database) -> None:
    match_id = merge(db, FD).match_id
    merge(db, AF)
    merge(db, replace(AF, kickoff_at=KICKOFF + timedelta(hours=2)))
    assert get_match(db, match_id).kickoff_at == KICKOFF
    moved = merge(db, replace(FD, kickoff_at=KICKOFF + timedelta(hours=1)))
    assert moved.updated
    assert get_match(db, match_id).kickoff_at == KICKOFF + timedelta(hours=1)


def test_postponed_then_rescheduled(db: Database) -> None:
    match_id = merge(db, FD).match_id
    outcome = merge(db, replace(FD, status="postponed", raw_status="POSTPONED"))
    assert outcome.postponed
    assert get_match(db, match_id).status == "postponed"
    later = KICKOFF + timedelta(days=30)
    again = merge(db, replace(FD, kickoff_at=later))
    assert again.updated and not again.postponed
    match = get_match(db, match_id)
    assert match is not None and (match.status, match.kickoff_at) == ("scheduled", later)
    assert [c.new for c in result_changes(db, match_id)] == ["postponed", "scheduled"]


def test_cancelled_and_abandoned_void_and_awarded_is_a_result(db: Database) -> None:
    match_id = merge(db, FD).match_id
    assert merge(db, replace(FD, status="cancelled", raw_status="ABD")).cancelled
    other = replace(FD, external_id="2", home_team="Arsenal", away_team="Chelsea")
    awarded = merge(db, replace(other, status="awarded", home_goals=3, away_goals=0))
    assert awarded.created and awarded.result
    assert get_match(db, match_id).status == "cancelled"
    match = get_match(db, awarded.match_id)
    assert match is not None and (match.status, match.home_goals) == ("finished", 3)


def test_priority_wins_a_disagreement_which_is_logged_once(db: Database) -> None:
    match_id = merge(db, FD).match_id
    merge(db, AF)
    finished_af = replace(AF, status="finished", home_goals=3, away_goals=1)
    taken = merge(db, finished_af)  # the best source has no result yet: the other's is used
    assert taken.result
    assert get_match(db, match_id).home_goals == 3
    fd = merge(db, replace(FD, status="finished", home_goals=2, away_goals=1))
    assert fd.corrected and fd.disagreement
    merge(db, finished_af)
    match = get_match(db, match_id)
    assert match is not None and (match.home_goals, match.away_goals) == (2, 1)
    disputes = [c for c in result_changes(db, match_id) if c.kind == "disagreement"]
    assert [(d.source, d.old, d.new) for d in disputes] == [("af", "finished 3-1", "finished 2-1")]


def test_a_corrected_score_is_logged(db: Database) -> None:
    match_id = merge(db, FD).match_id
    merge(db, replace(FD, status="finished", home_goals=4, away_goals=0))
    fixed = merge(db, replace(FD, status="finished", home_goals=3, away_goals=0), T0 + timedelta(1))
    assert fixed.corrected and fixed.result
    changes = [(c.old, c.new) for c in result_changes(db, match_id) if c.kind == "change"]
    assert changes[-1] == ("finished 4-0", "finished 3-0")


def test_missing_result_is_reported_once(db: Database) -> None:
    match_id = merge(db, FD).match_id
    late = KICKOFF + timedelta(hours=7)
    assert report_missing_results(db, kicked_off_before=late - timedelta(hours=6), now=late) == [
        match_id
    ]
    assert report_missing_results(db, kicked_off_before=late, now=late) == []
    links = linked_matches(
        db, statuses=("scheduled",), kickoff_from=KICKOFF, kickoff_to=KICKOFF, source="fd"
    )
    assert [(link.match_id, link.external_id) for link in links] == [(match_id, "541662")]


def test_snapshots_are_read_as_known_before_a_moment(db: Database) -> None:
    match_id = merge(db, FD).match_id
    early, late = T0, T0 + timedelta(hours=3)
    odds = OddsRow(match_id, "af", "Bet365", 2.0, 3.4, 3.9, "pre-match", early)
    add_snapshots(
        db,
        [
            odds,
            replace(odds, home=1.9, fetched_at=late),
            replace(odds, timing="closing", fetched_at=early),
        ],
    )
    assert odds_before(db, match_id, early) == []
    assert odds_before(db, match_id, early + timedelta(seconds=1)) == [odds]
    assert [o.home for o in odds_before(db, match_id, late + timedelta(seconds=1))] == [1.9]
    row = StandingEntry(
        "E0", "2025-26", "fd", "total", 1, "Arsenal", 14, 10, 3, 1, 27, 8, 33, None, early
    )
    add_snapshots(db, [row, replace(row, points=36, fetched_at=late)])
    assert [r.points for r in standings_before(db, "E0", "2025-26", late)] == [33]


def test_source_health_counts_a_day_and_keeps_the_last_error(db: Database) -> None:
    record_source_health(db, "fd", now=T0, requests=3, ok=True, quota_remaining=None)
    record_source_health(db, "fd", now=T0, requests=2, ok=False, error="503 from fd")
    record_source_health(db, "fd", now=T0 + timedelta(days=1), requests=1, ok=True)
    state = source_health(db)["fd"]
    assert (state.requests_today, state.requests_total) == (1, 6)
    assert state.last_error == "503 from fd" and state.last_success_at == T0 + timedelta(days=1)
    add_team_alias(db, "Toffees", "Everton", now=T0)
    assert team_aliases(db) == {"Toffees": "Everton"}
