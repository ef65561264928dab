"""Tables: UTC round-trip, defaults and the constraints the schema enforces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from scoreline.store import (
    Database,
    DatabaseError,
    Match,
    Model,
    NewPrediction,
    Prediction,
    insert_predictions,
)

CET = timezone(timedelta(hours=1))


def _match(match_id: str, kickoff: datetime, **extra: object) -> dict[str, object]:
    return {
        "id": match_id,
        "competition": "E0",
        "season": "2024-25",
        "kickoff_at": kickoff,
        "home_team": "Arsenal",
        "away_team": "Chelsea",
        **extra,
    }


def test_timestamps_round_trip_as_aware_utc(db: Database) -> None:
    kickoff = datetime(2025, 3, 30, 2, 30, 15, 123456, tzinfo=CET)
    with db.session() as session:
        session.execute(insert(Match), [_match("m", kickoff)])
    with db.session() as session:
        match = session.get(Match, "m")
        assert match is not None
        assert match.kickoff_at == kickoff
        assert match.kickoff_at.tzinfo is UTC
        assert match.kickoff_at.hour == 1
        assert match.created_at.tzinfo is UTC
        # Comparisons in SQL use the same conversion.
        later = kickoff + timedelta(microseconds=1)
        assert session.scalars(select(Match.id).where(Match.kickoff_at < later)).all() == ["m"]
        assert session.scalars(select(Match.id).where(Match.kickoff_at > kickoff)).all() == []


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(DatabaseError, match="naive datetime") as caught, db.session() as session:
        session.execute(insert(Match), [_match("m", datetime(2025, 1, 1, 15))])
    assert isinstance(caught.value.__cause__, StatementError)


def test_server_defaults_apply_to_raw_inserts(db: Database) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with db.session() as session:
        session.execute(insert(Match), [_match("m", now)])
        session.execute(
            insert(Model).values(
                id="a", provider="p", provider_model="pm", display_name="A", active=True
            )
        )
        # Leave out used_fallback, after_kickoff and status: the database fills them in.
        session.execute(
            text(
                "INSERT INTO predictions (match_id, model_id, predicted_home, predicted_away,"
                " predicted_result, created_at, requested_at)"
                " VALUES ('m', 'a', 1, 0, 'H', :now, :now)"
            ).bindparams(now=now.replace(tzinfo=None) if db.dialect == "sqlite" else now)
        )
    with db.session() as session:
        prediction = session.scalars(select(Prediction)).one()
        model = session.get(Model, "a")
    assert prediction.used_fallback is False
    assert prediction.after_kickoff is False
    assert prediction.status == "pending"
    assert model is not None
    assert (model.auto_disabled, model.consecutive_failures) == (False, 0)
    assert model.health_reset_attempt_id is None
    assert model.tier == "standard"


@pytest.mark.parametrize(
    ("column", "value"),
    [("status", "abandoned"), ("home_goals", -1)],
)
def test_match_check_constraints(db: Database, column: str, value: object) -> None:
    row = _match("m", datetime(2025, 1, 1, tzinfo=UTC), **{column: value})
    with pytest.raises(DatabaseError) as caught, db.session() as session:
        session.execute(insert(Match), [row])
    assert isinstance(caught.value.__cause__, IntegrityError)


def test_prediction_check_constraints_and_foreign_keys(db: Database) -> None:
    with pytest.raises(DatabaseError) as caught:
        insert_predictions(db, [NewPrediction("nope", "nope", 1, 0, False, None)])
    assert isinstance(caught.value.__cause__, IntegrityError)
    with pytest.raises(DatabaseError) as caught, db.session() as session:
        session.execute(insert(Match), [_match("m", datetime(2025, 1, 1, tzinfo=UTC))])
        session.execute(
            insert(Model).values(
                id="a", provider="p", provider_model="pm", display_name="A", active=True
            )
        )
        session.execute(
            insert(Prediction).values(
                match_id="m",
                model_id="a",
                predicted_home=1,
                predicted_away=0,
                predicted_result="X",
            )
        )
    assert isinstance(caught.value.__cause__, IntegrityError)
