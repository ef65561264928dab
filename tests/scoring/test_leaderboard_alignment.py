"""The leaderboard's probabilities line up with its points, and one draw serves both bootstraps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select, update

from scoreline.scoring import score_all
from scoreline.scoring.bootstrap import _resampled_means, shared_resampled_means
from scoreline.scoring.forecast_matrix import build_matrix
from scoreline.scoring.uncertainty import resampled_means
from scoreline.store import Database, LeaderboardFilters, leaderboard_totals
from scoreline.store.scores import _leaderboard_query, _probabilities
from scoreline.store.tables import Prediction
from tests.scoring import season
from tests.scoring.season import SCORED_AT


@pytest.fixture
def scored(db: Database, tmp_path: Path) -> Database:
    season.seed(db, tmp_path)
    score_all(db, now=SCORED_AT)
    return db


def _give_probabilities(db: Database) -> dict[tuple[str, str], tuple[float, float, float]]:
    """Probabilities on every other prediction (by id), none on the rest."""
    given = {}
    with db.session() as session:
        rows = session.execute(select(Prediction.id, Prediction.model_id, Prediction.match_id))
        for i, (pid, model_id, match_id) in enumerate(sorted(rows)):
            if i % 2:
                continue
            triple = (0.1 + (i % 7) / 20, 0.25, 0.65 - (i % 7) / 20)
            given[(model_id, match_id)] = triple
            values = dict(zip(("p_home", "p_draw", "p_away"), triple, strict=True))
            session.execute(update(Prediction).where(Prediction.id == pid).values(**values))
    return given


def _aligned(db: Database, filters: LeaderboardFilters) -> bool:
    """Whether SQLite takes the aligned read (PostgreSQL never does)."""
    with db.session() as session:
        if session.get_bind().dialect.name != "sqlite":
            return False
        points = _leaderboard_query(session, filters, with_points=True)
        query = _probabilities(session, points, filters, None)
        return "match_ids" not in query.selected_columns


@pytest.mark.parametrize("after_kickoff", [False, True])
@pytest.mark.parametrize("analyzed", [False, True])
def test_probabilities_sit_on_their_own_matches(
    scored: Database, after_kickoff: bool, analyzed: bool
) -> None:
    given = _give_probabilities(scored)
    filters = LeaderboardFilters(include_after_kickoff=after_kickoff)
    if analyzed:  # with statistics SQLite walks the covering indexes: the aligned read
        with scored.engine.begin() as conn:  # its own tables: a whole-database ANALYZE
            for table in ("predictions", "matches"):  # deadlocks with parallel tests on PG
                conn.exec_driver_sql(f"ANALYZE {table}")
        sqlite = scored.engine.dialect.name == "sqlite"
        assert _aligned(scored, filters) == sqlite
    totals = leaderboard_totals(scored, filters, with_probabilities=True)
    matrix = build_matrix(totals, [])
    checked = 0
    for row, model_id in enumerate(matrix.model_ids):
        for column, match_id in enumerate(matrix.match_ids):
            expected = given.get((model_id, match_id))
            found = matrix.probs[row, column]
            if expected is None or np.isnan(matrix.points[row, column]):
                assert np.isnan(found).all()
                continue
            assert found == pytest.approx(expected, abs=1e-14)
            checked += 1
    assert checked > 0
    assert [t.probabilistic for t in totals] == [
        int((~np.isnan(matrix.probs[i, :, 0])).sum()) for i in range(len(totals))
    ]


@pytest.mark.parametrize("gaps", [False, True])
def test_one_draw_gives_both_bootstraps_exactly(gaps: bool) -> None:
    rng = np.random.default_rng(3)
    points = rng.integers(0, 8, size=(6, 301)).astype(np.float64)
    if gaps:
        points[2, ::7] = np.nan
    losses = rng.random((18, 301))
    shared = shared_resampled_means(points, losses, n_resamples=700, seed=5)
    assert shared is not None
    assert np.array_equal(shared[0], _resampled_means(points, n_resamples=700, seed=5), True)
    assert np.array_equal(shared[1], resampled_means(losses, n_resamples=700, seed=5))


def test_no_shared_draw_when_the_matches_differ() -> None:
    points = np.ones((2, 10))
    assert shared_resampled_means(points, np.ones((3, 9)), n_resamples=10, seed=0) is None
    halves = np.full((2, 10), 0.5)
    assert shared_resampled_means(halves, np.ones((3, 10)), n_resamples=10, seed=0) is None
