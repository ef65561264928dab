"""Scoring many matches in one transaction decides exactly what the score job decides per match."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from scoreline.scoring import score_match, score_matches
from scoreline.store import Database, Prediction, UnknownMatchError, import_matches
from tests.scoring import season
from tests.scoring.season import MODELS, POINTS, QUOTAS, SCORED_AT, kickoff, mid
from tests.scoring.test_score_job import points_of, quotas_of


@pytest.fixture
def mini(db: Database, tmp_path: Path) -> Database:
    season.seed(db, tmp_path)
    return db


def _scored_at(db: Database) -> dict[str, set[object]]:
    with db.session() as session:
        rows = session.execute(select(Prediction.match_id, Prediction.scored_at)).all()
    found: dict[str, set[object]] = {}
    for match_id, at in rows:
        found.setdefault(match_id, set()).add(at)
    return found


def test_a_batch_gives_the_hand_checked_points_and_quotas(mini: Database) -> None:
    due = [(mid(n), SCORED_AT + timedelta(hours=n)) for n in range(1, 7)]
    summaries = score_matches(mini, due)
    assert [s.match_id for s in summaries] == [mid(n) for n in range(1, 7)]
    assert all(
        (s.match_status, s.scored, s.rescored, s.voided) == ("finished", 4, 0, 0) for s in summaries
    )
    stored = points_of(mini)
    for model_id in MODELS:
        for n in range(1, 7):
            assert stored[model_id, mid(n)] == ("scored", POINTS[model_id][n - 1])
    for n, quotas in QUOTAS.items():
        assert quotas_of(mini, mid(n)) == quotas
        assert summaries[n - 1].quotas is not None
    # every match keeps its own moment
    assert _scored_at(mini) == {mid(n): {SCORED_AT + timedelta(hours=n)} for n in range(1, 7)}


def test_a_batch_counts_like_the_job_per_match(mini: Database) -> None:
    score_matches(mini, [(mid(n), SCORED_AT) for n in range(1, 7)])
    again = score_matches(mini, [(mid(3), SCORED_AT + timedelta(days=1))])
    alone = score_match(mini, mid(3), now=SCORED_AT + timedelta(days=1))
    assert [(s.scored, s.rescored, s.unchanged, s.changed) for s in again] == [(0, 0, 4, 0)]
    assert (alone.scored, alone.rescored, alone.unchanged, alone.changed) == (0, 0, 4, 0)
    assert _scored_at(mini)[mid(3)] == {SCORED_AT}


def test_a_batch_voids_and_unscores_like_the_job(db: Database, tmp_path: Path) -> None:
    season.seed(db, tmp_path, [season.row("E0-2024-25-9007", kickoff(7), None)])
    for model_id in MODELS:
        made = kickoff(7) - timedelta(hours=1)
        season.predict(db, model_id, "E0-2024-25-9007", (1, 0), made_at=made)
    score_matches(db, [(mid(n), SCORED_AT) for n in range(1, 7)])
    rows = [*season.season_rows({2: None})]
    rows.append(season.row("E0-2024-25-9007", kickoff(7), None, status="cancelled"))
    import_matches(db, season.write_csv(tmp_path / "c.csv", rows), now=SCORED_AT)
    later = SCORED_AT + timedelta(days=1)
    void, withdrawn = score_matches(db, [("E0-2024-25-9007", later), (mid(2), later)])
    assert (void.match_status, void.voided, void.quotas) == ("cancelled", 4, None)
    assert (withdrawn.match_status, withdrawn.unscored) == ("scheduled", 4)
    stored = points_of(db)
    assert {stored[m, "E0-2024-25-9007"] for m in MODELS} == {("void", None)}
    assert {stored[m, mid(2)] for m in MODELS} == {("pending", None)}


def test_an_unknown_match_writes_nothing(mini: Database) -> None:
    with pytest.raises(UnknownMatchError):
        score_matches(mini, [(mid(1), SCORED_AT), ("no-such-match", SCORED_AT)])
    assert {status for status, _ in points_of(mini).values()} == {"pending"}
    with pytest.raises(ValueError, match="more than once"):
        score_matches(mini, [(mid(1), SCORED_AT), (mid(1), SCORED_AT)])
    assert score_matches(mini, []) == []
