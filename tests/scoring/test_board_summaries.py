"""The leaderboard from the per-model summaries equals the one read from the predictions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from scoreline.scoring import ranking, rescore_changed, score_all, score_matches
from scoreline.scoring.ranking import leaderboard
from scoreline.store import Database, LeaderboardFilters, import_matches
from scoreline.store.board_arrays import board_arrays
from scoreline.store.board_summaries import refresh_board
from scoreline.store.tables import Prediction
from tests.scoring import season
from tests.scoring.season import MODELS, SCORED_AT, kickoff, mid

D1 = "D1-2024-25-9001"
OLD = "E0-2023-24-9001"
OLD_KICKOFF = datetime(2024, 1, 10, 15, tzinfo=UTC)
CASES: list[dict[str, object]] = [
    {},
    {"intervals": False},
    {"sort": "rps"},
    {"sort": "skill", "market_id": "bravo"},
    {"sort": "log_loss", "min_matches": 3},
    {"sort": "brier", "season": "2024-25"},
    {"sort": "total", "min_matches": 7},
    {"sort": "exact"},
    {"sort": "accuracy", "competition": "E0"},
    {"competition": "D1"},
    {"since": kickoff(2), "until": kickoff(5)},
    {"include_after_kickoff": True, "sort": "rps"},
    {"betting": True, "market_id": "bravo"},
]


def _seed(db: Database, tmp_path: Path) -> None:
    """The mini-season, two matches of another competition and season, a prediction made
    after kick-off, and probabilities on two predictions of three (set while pending)."""
    extra = [
        season.row(D1, kickoff(3), (1, 0), competition="D1"),
        season.row(OLD, OLD_KICKOFF, (0, 2), season="2023-24"),
    ]
    season.seed(db, tmp_path, extra)
    season.add_models(db, ("echo",))
    for model_id in ("alpha", "bravo"):
        for match_id, made in ((D1, kickoff(3)), (OLD, OLD_KICKOFF)):
            season.predict(db, model_id, match_id, (1, 0), made_at=made - timedelta(hours=1))
    season.predict(db, "echo", mid(1), (2, 1), made_at=kickoff(1), after_kickoff=True)
    with db.session() as session:
        ids = sorted(session.scalars(select(Prediction.id)))
        for i, pid in enumerate(ids):
            if i % 3 == 2:
                continue
            home = 0.15 + (i % 5) / 10
            values = {"p_home": home, "p_draw": 0.3, "p_away": 0.7 - home}
            session.execute(update(Prediction).where(Prediction.id == pid).values(**values))


def _json(db: Database, **options: object) -> str:
    rows = leaderboard(db, **options)  # type: ignore[arg-type]
    return json.dumps([r.as_dict() for r in rows], sort_keys=True)


def _assert_same_boards(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every case gives the same JSON from the summaries as from the predictions."""
    assert board_arrays(db, LeaderboardFilters()) is not None
    from_summaries = [_json(db, **case) for case in CASES]
    with monkeypatch.context() as patched:
        patched.setattr(ranking, "board_arrays", lambda *_a, **_k: None)
        from_predictions = [_json(db, **case) for case in CASES]
    for case, got, expected in zip(CASES, from_summaries, from_predictions, strict=True):
        assert got == expected, case
    return from_summaries


@pytest.fixture
def seeded(db: Database, tmp_path: Path) -> Database:
    _seed(db, tmp_path)
    return db


def test_summaries_give_the_predictions_leaderboard(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    score_all(seeded, now=SCORED_AT)
    boards = _assert_same_boards(seeded, monkeypatch)
    first = json.loads(boards[0])
    assert {r["model_id"] for r in first} == set(MODELS)
    assert any(r["rps"] is not None for r in first)
    late = CASES.index({"include_after_kickoff": True, "sort": "rps"})
    assert "echo" in {r["model_id"] for r in json.loads(boards[late])}
    assert "echo" not in {r["model_id"] for r in first}


def test_batched_scoring_keeps_them_equal(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    due = [(mid(n), SCORED_AT) for n in range(1, 7)] + [(D1, SCORED_AT), (OLD, SCORED_AT)]
    score_matches(seeded, due)
    _assert_same_boards(seeded, monkeypatch)


def _alpha_total(db: Database) -> int:
    return next(r.total_points for r in leaderboard(db, intervals=False) if r.model_id == "alpha")


def test_rescored_unscored_and_voided_matches(
    seeded: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    score_all(seeded, now=SCORED_AT)
    before = _alpha_total(seeded)
    # m6 corrected to 2-1: alpha's 2-1 becomes exact.
    corrected = season.write_csv(tmp_path / "fix.csv", season.season_rows({6: (2, 1)}))
    report = import_matches(seeded, corrected, now=SCORED_AT + timedelta(hours=1))
    rescore_changed(seeded, report.changed_result_ids, now=SCORED_AT + timedelta(hours=2))
    assert _alpha_total(seeded) > before
    _assert_same_boards(seeded, monkeypatch)
    # m1's result withdrawn: its predictions go back to pending and stop counting.
    withdrawn = season.write_csv(tmp_path / "w.csv", season.season_rows({1: None, 6: (2, 1)}))
    report = import_matches(seeded, withdrawn, now=SCORED_AT + timedelta(hours=3))
    rescore_changed(seeded, report.changed_result_ids, now=SCORED_AT + timedelta(hours=4))
    rows = leaderboard(seeded, intervals=False, competition="E0", season="2024-25")
    assert {r.scored for r in rows} == {5}
    _assert_same_boards(seeded, monkeypatch)
    # The D1 match is cancelled: its predictions are voided.
    cancelled = [season.row(D1, kickoff(3), None, competition="D1", status="cancelled")]
    import_matches(seeded, season.write_csv(tmp_path / "c.csv", cancelled), now=kickoff(4))
    score_all(seeded, now=SCORED_AT + timedelta(days=1))
    assert leaderboard(seeded, competition="D1") == []
    _assert_same_boards(seeded, monkeypatch)


def test_a_write_outside_the_score_job_is_never_hidden(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    score_all(seeded, now=SCORED_AT)
    before = _alpha_total(seeded)
    with seeded.session() as session:
        where = (Prediction.model_id == "alpha", Prediction.match_id == mid(2))
        session.execute(update(Prediction).where(*where).values(points=100))
    assert board_arrays(seeded, LeaderboardFilters()) is None
    assert _alpha_total(seeded) == before + 100
    assert refresh_board(seeded) == 1
    assert _alpha_total(seeded) == before + 100
    _assert_same_boards(seeded, monkeypatch)
