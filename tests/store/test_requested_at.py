"""``predictions.requested_at`` is the job's start, ``created_at`` the moment the row was written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text

from scoreline.store import Database, NewPrediction, insert_predictions
from scoreline.store.tables import Prediction


def _stamps(db: Database, match_id: str) -> list[tuple[datetime, datetime]]:
    with db.session() as session:
        rows = session.execute(
            select(Prediction.requested_at, Prediction.created_at).where(
                Prediction.match_id == match_id
            )
        )
        return [(r.requested_at, r.created_at) for r in rows]


def test_both_moments_are_stored(catalog_db: Database, now: datetime) -> None:
    before = datetime.now(UTC)
    insert_predictions(
        catalog_db, [NewPrediction("m1", "alpha", 1, 0, False, "alpha", requested_at=now)]
    )
    [(requested, created)] = _stamps(catalog_db, "m1")
    assert requested == now
    assert before <= created <= datetime.now(UTC)  # the write, not the job's start
    # A row given no start was asked for when it was written.
    insert_predictions(catalog_db, [NewPrediction("m2", "beta", 0, 0, False, "beta")])
    [(requested, created)] = _stamps(catalog_db, "m2")
    assert requested == created


def test_upgrade_fills_requested_at_of_existing_rows(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    database.upgrade("0004_model_health_reset")
    written = "2025-01-10 12:00:00.000000"
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO matches (id, competition, season, kickoff_at, home_team, away_team,"
                " status, created_at, updated_at) VALUES ('m1', 'E0', '2024-25', :t, 'A', 'B',"
                " 'scheduled', :t, :t)"
            ),
            {"t": written},
        )
        conn.execute(
            text(
                "INSERT INTO models (id, provider, provider_model, display_name, active)"
                " VALUES ('alpha', 'p', 'p/alpha', 'Alpha', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO predictions (match_id, model_id, predicted_home, predicted_away,"
                " predicted_result, created_at) VALUES ('m1', 'alpha', 1, 0, 'H', :t)"
            ),
            {"t": written},
        )
    database.upgrade()
    [(requested, created)] = _stamps(database, "m1")
    assert requested == created == datetime(2025, 1, 10, 12, tzinfo=UTC)
    database.downgrade("0004_model_health_reset")
    database.upgrade()
    assert _stamps(database, "m1")[0][0] == created
    database.dispose()
