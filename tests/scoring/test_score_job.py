"""The score job on a real store (SQLite and PostgreSQL): points, quotas, corrections, voids."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from scoreline.scoring import rescore_changed, score_all, score_match
from scoreline.store import Database, Match, Prediction, UnknownMatchError, import_matches
from tests.scoring import season
from tests.scoring.season import MODELS, POINTS, QUOTAS, SCORED_AT, kickoff, mid


def points_of(db: Database) -> dict[tuple[str, str], tuple[str, int | None]]:
    with db.session() as session:
        rows = session.scalars(select(Prediction))
        return {(p.model_id, p.match_id): (p.status, p.points) for p in rows}


def quotas_of(db: Database, match_id: str) -> tuple[int | None, ...]:
    with db.session() as session:
        match = session.get(Match, match_id)
        assert match is not None
        return (match.quota_home, match.quota_draw, match.quota_away)


@pytest.fixture
def mini(db: Database, tmp_path: Path) -> Database:
    season.seed(db, tmp_path)
    return db


def test_mini_season_points_breakdown_and_quotas(mini: Database) -> None:
    summaries = score_all(mini, now=SCORED_AT)
    assert [s.match_id for s in summaries] == [mid(n) for n in range(1, 7)]
    assert all((s.scored, s.rescored, s.voided) == (4, 0, 0) for s in summaries)
    stored = points_of(mini)
    for model_id in MODELS:
        for n in range(1, 7):
            assert stored[model_id, mid(n)] == ("scored", POINTS[model_id][n - 1])
    for n, quotas in QUOTAS.items():
        assert quotas_of(mini, mid(n)) == quotas
    with mini.session() as session:
        exact = session.scalars(
            select(Prediction).where(Prediction.model_id == "delta", Prediction.match_id == mid(2))
        ).one()
        assert (exact.points_tendency, exact.points_goal_diff, exact.points_exact) == (2, 1, 3)
        assert exact.scored_at == SCORED_AT


def test_scoring_twice_changes_nothing(mini: Database) -> None:
    score_all(mini, now=SCORED_AT)
    before = points_of(mini)
    assert score_all(mini, now=SCORED_AT + timedelta(days=1)) == []
    again = score_match(mini, mid(3), now=SCORED_AT + timedelta(days=1))
    assert (again.scored, again.rescored, again.unchanged, again.changed) == (0, 0, 4, 0)
    assert points_of(mini) == before
    with mini.session() as session:
        assert set(session.scalars(select(Prediction.scored_at))) == {SCORED_AT}


def test_corrected_result_rescores_the_match(mini: Database, tmp_path: Path) -> None:
    score_all(mini, now=SCORED_AT)
    corrected = season.write_csv(tmp_path / "fix.csv", season.season_rows({6: (1, 1)}))
    report = import_matches(mini, corrected, now=SCORED_AT + timedelta(hours=1))
    assert report.changed_result_ids == [mid(6)]
    [summary] = rescore_changed(mini, report.changed_result_ids, now=SCORED_AT + timedelta(hours=2))
    # 1-1: only delta's 1-1 is right: draw quota 4 (1 of 4) + 1 + 3.
    assert (summary.rescored, summary.unchanged) == (3, 1)
    stored = points_of(mini)
    assert [stored[m, mid(6)][1] for m in MODELS] == [0, 0, 0, 8]
    assert quotas_of(mini, mid(6)) == QUOTAS[6]


def test_a_correction_nobody_rescored_is_found_by_score_all(mini: Database, tmp_path: Path) -> None:
    score_all(mini, now=SCORED_AT)
    corrected = season.write_csv(tmp_path / "fix.csv", season.season_rows({1: (0, 0)}))
    import_matches(mini, corrected, now=SCORED_AT + timedelta(hours=1))
    [summary] = score_all(mini, now=SCORED_AT + timedelta(hours=2))
    assert summary.match_id == mid(1)
    # 0-0: delta's 1-1 is the only draw: quota 4 (1 of 4), not exact.
    assert [points_of(mini)[m, mid(1)][1] for m in MODELS] == [0, 0, 0, 4]
    assert score_all(mini, now=SCORED_AT + timedelta(hours=3)) == []


def test_cancelled_match_voids_its_predictions(db: Database, tmp_path: Path) -> None:
    extra = [season.row("E0-2024-25-9007", kickoff(7), None)]
    season.seed(db, tmp_path, extra)
    for model_id in MODELS:
        season.predict(
            db, model_id, "E0-2024-25-9007", (1, 0), made_at=kickoff(7) - timedelta(hours=1)
        )
    cancelled = [season.row("E0-2024-25-9007", kickoff(7), None, status="cancelled")]
    import_matches(db, season.write_csv(tmp_path / "c.csv", cancelled), now=kickoff(7))
    summaries = {s.match_id: s for s in score_all(db, now=SCORED_AT + timedelta(days=1))}
    assert summaries["E0-2024-25-9007"].voided == 4
    assert summaries["E0-2024-25-9007"].quotas is None
    stored = points_of(db)
    assert {stored[m, "E0-2024-25-9007"] for m in MODELS} == {("void", None)}
    assert score_all(db, now=SCORED_AT + timedelta(days=2)) == []


def test_withdrawn_result_puts_predictions_back_to_pending(mini: Database, tmp_path: Path) -> None:
    score_all(mini, now=SCORED_AT)
    withdrawn = season.write_csv(tmp_path / "w.csv", season.season_rows({2: None}))
    report = import_matches(mini, withdrawn, now=SCORED_AT + timedelta(hours=1))
    [summary] = rescore_changed(mini, report.changed_result_ids, now=SCORED_AT)
    assert (summary.match_status, summary.unscored) == ("scheduled", 4)
    assert {points_of(mini)[m, mid(2)] for m in MODELS} == {("pending", None)}


def test_unfinished_match_is_left_alone_and_unknown_match_raises(
    db: Database, tmp_path: Path
) -> None:
    season.seed(db, tmp_path, [season.row("E0-2024-25-9007", kickoff(7), None)])
    season.predict(db, "alpha", "E0-2024-25-9007", (1, 0), made_at=kickoff(7) - timedelta(hours=1))
    summary = score_match(db, "E0-2024-25-9007", now=SCORED_AT)
    assert (summary.match_status, summary.changed, summary.quotas) == ("scheduled", 0, None)
    assert points_of(db)["alpha", "E0-2024-25-9007"] == ("pending", None)
    assert "E0-2024-25-9007" not in {s.match_id for s in score_all(db, now=SCORED_AT)}
    with pytest.raises(UnknownMatchError):
        score_match(db, "no-such-match", now=SCORED_AT)
    assert rescore_changed(db, ["no-such-match"], now=SCORED_AT) == []


def test_after_kickoff_prediction_is_scored_but_moves_no_quota(mini: Database) -> None:
    season.add_models(mini, ("echo",))
    late = kickoff(1) + timedelta(minutes=10)
    season.predict(mini, "echo", mid(1), (2, 1), made_at=late, after_kickoff=True)
    score_all(mini, now=SCORED_AT)
    assert quotas_of(mini, mid(1)) == QUOTAS[1]
    stored = points_of(mini)
    assert stored["echo", mid(1)] == ("scored", 6)
    assert stored["alpha", mid(1)] == ("scored", 6)


def test_summary_as_dict_is_plain_data(mini: Database) -> None:
    summary = score_match(mini, mid(1), now=SCORED_AT)
    assert summary.as_dict() | {"wall_ms": 0} == {
        "match_id": mid(1),
        "match_status": "finished",
        "quotas": {"H": 2, "D": 4, "A": 6},
        "scored": 4,
        "rescored": 0,
        "unchanged": 0,
        "voided": 0,
        "unscored": 0,
        "wall_ms": 0,
    }
