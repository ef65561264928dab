"""The backtest on the bundled Premier League data: the first three matchdays of 2024-25.

One replay is shared by the tests (it takes a few seconds): it is interrupted after the
second kick-off slot, then resumed, then run a third time. While it runs, a progress hook
looks into the backtest database after every slot and records any result that could not
have been known when the slot was predicted (its match had not finished): look-ahead.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from scoreline.backtest import (
    DEFAULT_MODELS,
    PREDICT_LEAD,
    BacktestResult,
    backtest_config,
    load_season,
    run_backtest,
)
from scoreline.config import ConfigError, load_config
from scoreline.scoring import MatchInfo, PastResult, predict_reference
from scoreline.store import Database, Match, Prediction, bundled_matches_path

SEASON = "2024-25"
MATCHES = 30  # matchdays 1-3
FULL_TIME = timedelta(minutes=105)
"""The earliest a result can exist: 90 minutes and half-time."""


class Interrupted(Exception):
    """Stands in for Ctrl-C in the middle of a replay."""


@dataclass
class Run:
    directory: Path
    interrupted_after: int = 0
    resumed: BacktestResult | None = None
    again: BacktestResult | None = None
    look_ahead: list[str] = field(default_factory=list)
    slots_seen: int = 0

    @property
    def db_path(self) -> Path:
        return self.directory / f"backtest-E0-{SEASON}.db"


def _kickoffs() -> dict[str, datetime]:
    data = load_season(bundled_matches_path("E0"), competition="E0", season=SEASON)
    return {f.match_id: f.kickoff_at for f in data.fixtures}


def _watch(
    run: Run, kickoffs: dict[str, datetime], *, stop_after: int | None = None, resumed: int = 0
) -> Callable[[int, int], None]:
    """A progress hook that checks the store after each slot, and may interrupt.

    Slots an earlier run already did (``done <= resumed``) are not checked: their results
    were revealed by that run, and nothing is predicted for them now.
    """
    ordered = sorted(kickoffs.values())

    def hook(done: int, total: int) -> None:
        if done <= resumed:
            return
        run.slots_seen += 1
        clock = ordered[done - 1] - PREDICT_LEAD  # the slot just predicted
        db = Database(f"sqlite:///{run.db_path}")
        with db.session() as session:
            known = session.execute(
                select(Match.id, Match.kickoff_at).where(Match.home_goals.is_not(None))
            ).all()
        db.dispose()
        run.look_ahead += [m for m, kicked in known if kicked + FULL_TIME > clock]
        if stop_after is not None and run.slots_seen == stop_after:
            run.interrupted_after = done
            raise Interrupted

    return hook


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Run:
    run = Run(tmp_path_factory.mktemp("backtest"))
    kickoffs = _kickoffs()
    config = load_config()
    options = {"competition": "E0", "season": SEASON, "directory": run.directory}
    with pytest.raises(Interrupted):
        hook = _watch(run, kickoffs, stop_after=2)
        run_backtest(config, max_matches=MATCHES, progress=hook, **options)
    hook = _watch(run, kickoffs, resumed=run.interrupted_after)
    run.resumed = run_backtest(config, max_matches=MATCHES, progress=hook, **options)
    run.again = run_backtest(config, max_matches=MATCHES, **options)
    return run


def _predictions(run: Run) -> list[Prediction]:
    db = Database(f"sqlite:///{run.db_path}")
    with db.session() as session:
        rows = list(session.scalars(select(Prediction).order_by(Prediction.id)))
    db.dispose()
    return rows


def test_every_match_is_predicted_by_every_reference_model_and_scored(replay: Run) -> None:
    predictions = _predictions(replay)
    assert len(predictions) == MATCHES * len(DEFAULT_MODELS)
    assert {p.model_id for p in predictions} == set(DEFAULT_MODELS)
    assert {p.status for p in predictions} == {"scored"}
    assert all(p.points is not None and not p.after_kickoff for p in predictions)
    kickoffs = _kickoffs()
    assert all(p.requested_at == kickoffs[p.match_id] - PREDICT_LEAD for p in predictions)
    assert replay.resumed is not None
    board = replay.resumed.leaderboard
    assert sorted(r.model_id for r in board) == sorted(DEFAULT_MODELS)
    assert all(r.scored == MATCHES and r.ci_low is not None for r in board)


def test_no_result_was_known_before_its_kickoff(replay: Run) -> None:
    assert replay.slots_seen > 10
    assert replay.look_ahead == []


def _history() -> tuple[dict[str, MatchInfo], list[PastResult]]:
    with bundled_matches_path("E0").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    matches, results = {}, []
    for row in rows:
        kickoff = datetime.fromisoformat(row["kickoff_utc"].replace("Z", "+00:00"))
        odds = [float(row[k]) if row[k] else None for k in ("odds_home", "odds_draw", "odds_away")]
        matches[row["match_id"]] = MatchInfo(
            row["home_team"], row["away_team"], kickoff, *odds, competition="E0"
        )
        results.append(
            PastResult(
                row["home_team"],
                row["away_team"],
                int(row["home_goals"]),
                int(row["away_goals"]),
                kickoff,
                competition="E0",
            )
        )
    return matches, results


def test_predictions_equal_the_forecasters_on_earlier_results_only(replay: Run) -> None:
    matches, results = _history()
    for prediction in _predictions(replay):
        match = matches[prediction.match_id]
        known = [r for r in results if r.kickoff_at + timedelta(hours=2) <= prediction.requested_at]
        expected = predict_reference(prediction.model_id, match, known)
        got = (prediction.predicted_home, prediction.predicted_away)
        assert got == expected, (prediction.model_id, prediction.match_id)


def test_an_interrupted_run_resumes_and_a_finished_one_adds_nothing(replay: Run) -> None:
    assert replay.resumed is not None and replay.again is not None
    assert replay.interrupted_after == 2  # slots 1 and 2 hold one match each
    # Match 1 was revealed before slot 2 was predicted: done. Match 2 was predicted but the
    # run stopped before its final whistle: resumed, it is revealed and scored, not re-asked.
    assert (replay.resumed.resumed, replay.resumed.replayed) == (1, MATCHES - 1)
    assert replay.resumed.predictions == (MATCHES - 2) * len(DEFAULT_MODELS)
    assert replay.resumed.scored == (MATCHES - 1) * len(DEFAULT_MODELS)
    assert (replay.again.replayed, replay.again.resumed) == (0, MATCHES)
    assert (replay.again.predictions, replay.again.scored) == (0, 0)
    assert [r.as_dict() for r in replay.again.leaderboard] == [
        r.as_dict() for r in replay.resumed.leaderboard
    ]


def test_backtest_config_keeps_only_the_chosen_models_active() -> None:
    config = load_config()
    reduced = backtest_config(config, ["ref-market", "kimi-k2.5-syn"])
    active = {m.id for m in reduced.models if m.active}
    assert active == {"ref-market", "kimi-k2.5-syn"}
    fallback = config.model("kimi-k2.5-syn").fallback
    assert fallback is not None and reduced.has_model(fallback)
    assert set(reduced.providers) == {m.provider for m in reduced.models}
    with pytest.raises(ConfigError, match="no-such-model"):
        backtest_config(config, ["no-such-model"])


def test_unknown_season_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="1999-00"):
        run_backtest(load_config(), competition="E0", season="1999-00", directory=tmp_path)
