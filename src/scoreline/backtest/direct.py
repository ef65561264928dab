"""Replaying with in-process forecasters only: the same forecasts without a job per match.

When every chosen forecaster runs in-process (the reference models), a predict job per
match costs far more than the forecasts themselves: it reads the season's history from the
store again, renders an LLM prompt nobody reads, and writes in a transaction of its own,
380 times a season. Here the replay keeps the results it revealed in memory — the same rows
the job would read: the stored history and the season's matches whose final whistle the
clock has passed, all of them finished matches of the competition that kicked off before
the match — asks the same forecasters through the same ``Forecaster`` protocol with the
same context, and writes a week's predictions and attempt rows together. Scoring is the
score job's own rule, batched (``scoring.score_matches``).

What the job does beyond that (provider health, cooldowns, budgets, fallbacks, prompts)
concerns provider calls, which these forecasters never make. A forecaster that raises is
recorded as a failed attempt with its ``error_class``, like in the job.
"""

from __future__ import annotations

import asyncio
from bisect import insort
from collections.abc import Iterable, Sequence
from datetime import datetime

from scoreline.backtest.season import Fixture, SeasonData
from scoreline.config import Config
from scoreline.forecast import Forecast, ForecastContext, Forecaster, ForecastError, PastResult
from scoreline.llm import Attempt, Registry
from scoreline.predict import PredictSummary, build_forecasters, context_of
from scoreline.predict.plan import model_rows
from scoreline.predict.prompt import FixtureInfo
from scoreline.predict.record import attempt_row
from scoreline.store import (
    Database,
    MatchRecord,
    NewAttempt,
    NewPrediction,
    predicted_model_ids,
    sync_models,
)
from scoreline.store.backtest_writes import write_replay_rows

__all__ = ["DirectPredictor"]


def _past(record: MatchRecord) -> PastResult:
    return PastResult(
        home_team=record.home_team,
        away_team=record.away_team,
        home_goals=int(record.home_goals or 0),
        away_goals=int(record.away_goals or 0),
        kickoff_at=record.kickoff_at,
        competition=record.competition,
        season=record.season,
    )


def _order(result: PastResult) -> tuple[datetime, str, str]:
    return (result.kickoff_at, result.home_team, result.away_team)


def _fixture(record: MatchRecord) -> FixtureInfo:
    return FixtureInfo(
        match_id=record.id,
        competition=record.competition,
        competition_name=record.competition_name,
        season=record.season,
        kickoff_at=record.kickoff_at,
        home_team=record.home_team,
        away_team=record.away_team,
    )


def _attempt(match_id: str, model_id: str, a: Attempt, now: datetime) -> NewAttempt:
    return attempt_row(match_id, model_id, a, now)


def _prediction(match_id: str, model_id: str, f: Forecast, now: datetime) -> NewPrediction:
    probabilities = f.probabilities or (None, None, None)
    return NewPrediction(
        match_id=match_id,
        model_id=model_id,
        predicted_home=f.home_goals,
        predicted_away=f.away_goals,
        used_fallback=f.used_fallback,
        answered_by=f.answered_by,
        requested_at=now,
        p_home=probabilities[0],
        p_draw=probabilities[1],
        p_away=probabilities[2],
        probability_note=f.probability_note,
        score_matrix=f.score_matrix,
    )


class DirectPredictor:
    """Predicts kick-off slots with in-process forecasters from the revealed history."""

    def __init__(self, db: Database, config: Config, data: SeasonData) -> None:
        """Build the forecasters of the active models and sync the catalog into ``db``."""
        forecasters = build_forecasters(config, Registry(config))
        self.forecasters: list[Forecaster] = [forecasters[m.id] for m in config.active_models()]
        self.db = db
        self.data = data
        self.known: tuple[PastResult, ...] = tuple(sorted(map(_past, data.history), key=_order))
        self.done: dict[str, set[str]] = {}
        self.rows: tuple[list[NewPrediction], list[NewAttempt]] = ([], [])
        sync_models(db, model_rows(config))

    def resume(self, revealed: Iterable[str], predicted: Iterable[str]) -> None:
        """Take in what an earlier run did: matches revealed, matches with predictions."""
        self.reveal(self.data.records[m] for m in revealed)
        self.done = {m: predicted_model_ids(self.db, m) for m in predicted}

    def reveal(self, records: Iterable[MatchRecord]) -> None:
        """Add results whose final whistle the clock has passed to the known history.

        Each is inserted in order (after equal ones, as a stable sort of the old and the new
        would put it): re-sorting the whole history at every slot cost a key per result.
        """
        added = sorted(map(_past, records), key=_order)
        if added:
            known = list(self.known)
            for result in added:
                insort(known, result, key=_order)
            self.known = tuple(known)

    async def predict(self, fixtures: Sequence[Fixture], now: datetime) -> list[PredictSummary]:
        """Forecast a slot's matches and keep their rows for ``flush``."""
        summaries = []
        for fixture in fixtures:
            record = self.data.records[fixture.match_id]
            odds = (record.odds_home, record.odds_draw, record.odds_away)
            context = context_of(_fixture(record), odds, self.known)
            summaries.append(await self._one(context, now))
        return summaries

    async def _one(self, context: ForecastContext, now: datetime) -> PredictSummary:
        done = self.done.get(context.match_id, set())
        todo = [f for f in self.forecasters if f.model_id not in done]
        summary = PredictSummary(context.match_id, asked=len(todo), skipped=len(done))
        outcomes = await asyncio.gather(*(_ask(f, context) for f in todo))
        predictions, attempts = self.rows
        for forecaster, (forecast, tried) in zip(todo, outcomes, strict=True):
            mid, model = context.match_id, forecaster.model_id
            attempts.extend(_attempt(mid, model, a, now) for a in tried)
            if isinstance(forecast, Forecast):
                predictions.append(_prediction(mid, model, forecast, now))
                summary.predicted += 1
                summary.via_fallback += forecast.used_fallback
            else:
                summary.failed[forecast] = summary.failed.get(forecast, 0) + 1
        return summary

    def flush(self) -> None:
        """Write the kept rows in one transaction (attempts first, one executemany each)."""
        predictions, attempts = self.rows
        write_replay_rows(self.db, predictions, attempts)
        self.rows = ([], [])


async def _ask(
    forecaster: Forecaster, context: ForecastContext
) -> tuple[Forecast | str, tuple[Attempt, ...]]:
    """The forecast or its error class, and the attempts made."""
    try:
        forecast = await forecaster.forecast(context)
    except ForecastError as exc:
        return exc.error_class, exc.attempts
    return forecast, forecast.attempts
