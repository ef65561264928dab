"""A model's days and competitions folded in numpy equal the store's grouped query."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from scoreline.report.cache import report_cache
from scoreline.report.model_days import cached_breakdown
from scoreline.store import Database, NewPrediction, insert_predictions, model_breakdown
from scoreline.store.tables import Match, Prediction
from tests.report.seed import NOW, seed_all


def test_folded_breakdown_equals_the_grouped_query(db: Database) -> None:
    seed_all(db)
    kickoff = NOW - timedelta(days=400)
    with db.session() as session:
        session.add(
            Match(
                id="old", competition="E0", competition_name="Premier League", season="2023-24",
                kickoff_at=kickoff, home_team="Leeds", away_team="Wolves", status="finished",
                home_goals=1, away_goals=0,
            )
        )  # fmt: skip
    new = NewPrediction("old", "alpha", 1, 0, used_fallback=False, answered_by="alpha")
    insert_predictions(db, [new])
    with db.session() as session:
        session.execute(
            update(Prediction)
            .where(Prediction.match_id == "old")
            .values(status="scored", points=None, points_tendency=2, points_exact=0)
        )
    report_cache.clear()
    with db.session() as session:
        models = sorted(session.scalars(select(Prediction.model_id).distinct()))
    assert "alpha" in models
    for model_id in [*models, "nobody"]:
        assert cached_breakdown(db, model_id) == model_breakdown(db, model_id), model_id
    assert cached_breakdown(db, "alpha").competitions[-1].season == "2023-24"
