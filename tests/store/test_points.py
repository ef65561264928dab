"""``settle_match``: the store hands the match to a rule and writes what it decided."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from scoreline.store import (
    Database,
    NewPrediction,
    PointsRow,
    Prediction,
    PredictionToScore,
    Settlement,
    StoredMatch,
    UnknownMatchError,
    get_match,
    insert_predictions,
    settle_match,
)


def _stored(db: Database) -> dict[str, tuple[str, int | None]]:
    with db.session() as session:
        return {p.model_id: (p.status, p.points) for p in session.scalars(select(Prediction))}


def test_settle_match_writes_the_rules_decision(catalog_db: Database, now: datetime) -> None:
    insert_predictions(
        catalog_db,
        [
            NewPrediction("m0", "alpha", 2, 1, False, "alpha"),
            NewPrediction("m0", "beta", 0, 0, False, "beta"),
        ],
    )
    seen: list[tuple[StoredMatch, list[PredictionToScore]]] = []

    def rule(match: StoredMatch, rows: list[PredictionToScore]) -> Settlement:
        seen.append((match, rows))
        first = rows[0]
        return Settlement(quotas=(3, 4, 5), points=[PointsRow(first.id, 7, 3, 1, 3)])

    settled = settle_match(catalog_db, "m0", rule, now=now)
    assert (settled.match.id, settled.written, settled.voided, settled.unscored) == ("m0", 1, 0, 0)
    match, rows = seen[0]
    assert (match.home_goals, match.away_goals) == (2, 1)
    assert [r.predicted_result for r in rows] == ["H", "D"]
    assert _stored(catalog_db) == {"alpha": ("scored", 7), "beta": ("pending", None)}
    m0 = get_match(catalog_db, "m0")
    assert m0 is not None and (m0.quota_home, m0.quota_draw, m0.quota_away) == (3, 4, 5)

    settled = settle_match(catalog_db, "m0", lambda m, r: Settlement(unscore=True), now=now)
    assert settled.unscored == 1
    settled = settle_match(catalog_db, "m0", lambda m, r: Settlement(void=True), now=now)
    assert settled.voided == 2
    assert _stored(catalog_db) == {"alpha": ("void", None), "beta": ("void", None)}
    with pytest.raises(UnknownMatchError):
        settle_match(catalog_db, "nope", lambda m, r: Settlement(), now=now)
