"""The leaderboard's per-model summaries: the change log, refreshes and their fallbacks."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, func, insert, select, update

from scoreline.scoring import score_all
from scoreline.store import Base, Database, LeaderboardFilters
from scoreline.store.board_arrays import board_arrays
from scoreline.store.board_summaries import refresh_board, refresh_summaries
from scoreline.store.board_tables import BoardChange, BoardSummary
from scoreline.store.tables import Prediction
from tests.scoring import season
from tests.scoring.season import MODELS, SCORED_AT, mid


def _logged(db: Database) -> list[tuple[str, str | None]]:
    with db.session() as session:
        query = select(BoardChange.model_id, BoardChange.match_id).order_by(BoardChange.id)
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def _summaries(db: Database) -> dict[str, tuple[Any, ...]]:
    columns: tuple[Any, ...] = (BoardSummary.entries, BoardSummary.match_ids)
    columns += (BoardSummary.points,)
    columns += (BoardSummary.flags, BoardSummary.probabilities)
    with db.session() as session:
        rows = session.execute(select(BoardSummary.model_id, *columns)).all()
    return {
        row[0]: tuple(bytes(v) if isinstance(v, memoryview) else v for v in row[1:]) for row in rows
    }


def test_only_changes_of_scored_predictions_are_logged(db: Database, tmp_path: Path) -> None:
    season.seed(db, tmp_path)
    with db.session() as session:  # pending predictions: nothing the leaderboard counts
        session.execute(update(Prediction).values(p_home=0.5, p_draw=0.25, p_away=0.25))
    assert _logged(db) == []
    score_all(db, now=SCORED_AT)
    assert _logged(db) == []  # the score job refreshed what it logged
    assert set(_summaries(db)) == set(MODELS)
    assert {s[0] for s in _summaries(db).values()} == {6}
    with db.session() as session:
        where = (Prediction.model_id == "bravo", Prediction.match_id == mid(3))
        session.execute(delete(Prediction).where(*where))
    assert _logged(db) == [("bravo", mid(3))]
    assert board_arrays(db, LeaderboardFilters()) is None
    assert refresh_board(db) == 1
    assert _logged(db) == []
    assert _summaries(db)["bravo"][0] == 5
    assert board_arrays(db, LeaderboardFilters()) is not None


def test_an_incremental_refresh_equals_a_rebuild(db: Database, tmp_path: Path) -> None:
    season.seed(db, tmp_path)
    score_all(db, now=SCORED_AT)
    with db.session() as session:
        for n, model_id in ((1, "alpha"), (4, "delta"), (6, "alpha")):
            where = (Prediction.model_id == model_id, Prediction.match_id == mid(n))
            values = {"points": 10 + n, "p_home": 0.1 * n, "p_draw": 0.05, "p_away": None}
            session.execute(update(Prediction).where(*where).values(**values))
        where = (Prediction.model_id == "charlie", Prediction.match_id == mid(2))
        session.execute(update(Prediction).where(*where).values(status="void", points=None))
    refresh_board(db)
    patched = _summaries(db)
    assert patched["charlie"][0] == 5
    with db.session() as session:
        session.execute(delete(BoardSummary))
        session.execute(insert(BoardChange), [{"model_id": m, "match_id": None} for m in MODELS])
    assert refresh_board(db) == len(MODELS)
    assert _summaries(db) == patched


def test_a_scored_prediction_without_points_keeps_the_predictions_read(
    db: Database, tmp_path: Path
) -> None:
    season.seed(db, tmp_path)
    score_all(db, now=SCORED_AT)
    with db.session() as session:
        where = (Prediction.model_id == "delta", Prediction.match_id == mid(5))
        session.execute(update(Prediction).where(*where).values(points=None))
    refresh_board(db)
    assert _logged(db) == [("delta", None)]
    assert "delta" not in _summaries(db)
    assert board_arrays(db, LeaderboardFilters()) is None


def test_a_created_database_logs_changes_too(tmp_path: Path) -> None:
    created = Database(f"sqlite:///{tmp_path / 'created.db'}")
    Base.metadata.create_all(created.engine)
    Base.metadata.create_all(created.engine)  # again: the triggers are created once
    with created.engine.begin() as conn:
        kinds = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        ).scalar_one()
    assert kinds == 3
    season.seed(created, tmp_path)
    with created.session() as session:
        session.execute(update(Prediction).values(status="scored", points=1))
        logged = session.execute(select(func.count()).select_from(BoardChange)).scalar_one()
    assert logged == len(MODELS) * 6
    created.dispose()


def _statements(db: Database) -> list[str]:
    """The statements ``db`` sends from now on (appended as they run)."""
    sent: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def test_a_refresh_takes_a_handful_of_statements_not_some_per_model(
    db: Database, tmp_path: Path
) -> None:
    season.seed(db, tmp_path)
    with db.session() as session:
        session.execute(update(Prediction).values(status="scored", points=2))
    assert len(_logged(db)) == len(MODELS) * 6
    sent = _statements(db)
    assert refresh_board(db) == len(MODELS)
    refreshing = [s for s in sent if "board_" in s or "predictions" in s]
    # SQLite: take the log, read the summaries, read the predictions, write them;
    # PostgreSQL: list the logged models, add placeholders, lock, then the same
    assert len(refreshing) == (6 if db.engine.dialect.name == "postgresql" else 4)
    assert {s[0] for s in _summaries(db).values()} == {6}


ROUNDS = 4


def test_concurrent_refreshes_of_the_same_models_lose_no_change(
    db: Database, tmp_path: Path
) -> None:
    """Six transactions at once change the same models' predictions (each its own match)
    and refresh: none waits for another in a cycle, and the summaries end as a rebuild's."""
    season.seed(db, tmp_path)  # pending predictions: the first round creates the summaries
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def job(n: int) -> None:
        try:
            for round_ in range(ROUNDS):
                barrier.wait()
                with db.session() as session:
                    values = {"status": "scored", "points": 10 * round_ + n, "p_home": 0.1 * n}
                    where = Prediction.match_id == mid(n)
                    session.execute(update(Prediction).where(where).values(**values))
                    refresh_summaries(session)
        except BaseException as error:  # reported below, after the join
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=job, args=(n,)) for n in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _logged(db) == []
    refreshed = _summaries(db)
    assert {s[0] for s in refreshed.values()} == {6}
    with db.session() as session:
        session.execute(delete(BoardSummary))
        session.execute(insert(BoardChange), [{"model_id": m, "match_id": None} for m in MODELS])
    refresh_board(db)
    assert _summaries(db) == refreshed
