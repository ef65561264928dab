"""Replaying a season: every match predicted as if before kick-off, then revealed and scored.

The season is written straight into the backtest database (history, and the season's
matches as scheduled fixtures). The replay keeps a clock. Kick-off slots (matches sharing a
kick-off time) are visited in order; for a slot at ``k`` the clock is set to ``k - 30 min``
and, first, every result whose final whistle (kick-off + 2 h) has passed is revealed (status
``finished`` and goals, as a results import would) and scored. Then the slot's matches are
predicted by the real predict job, ``predict_match(now=k - 30 min)``: it refuses a match
that is not a scheduled fixture or has kicked off, and it reads history only from finished
matches that kicked off before the match. As the database holds nothing else (later seasons
are never stored, the season's results are revealed only by the clock), a prediction cannot see a
later result.

Resuming: a match already finished in the backtest database is done and skipped; a match
predicted but not revealed is asked again, and the predict job skips the models that
already predicted it. So a model added to a finished backtest predicts nothing: give it a
new work folder.

When every chosen model is an in-process forecaster (the reference models), the slots are
predicted by ``backtest.direct`` instead of a predict job per match: the same forecasters on
the same history, read from what the replay revealed rather than from the store; the rows
and the revealed results are stored (and scored) once per ``WRITE_EVERY`` of replay time,
after every slot when a progress hook watches. Predictions carry the forecasters' probabilities (and
Dixon-Coles's score matrix) on either path.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from scoreline.backtest.direct import DirectPredictor
from scoreline.backtest.season import Fixture, SeasonData, load_season
from scoreline.backtest.selection import DEFAULT_MODELS, Needs, backtest_config
from scoreline.backtest.selection import needs as forecaster_needs
from scoreline.config import Config
from scoreline.predict import PredictSummary, predict_match
from scoreline.scoring import LeaderboardRow, leaderboard, score_matches
from scoreline.scoring.extras import import_in_background, single_threaded_blas
from scoreline.store import (
    Database,
    Reveal,
    bundled_matches_path,
    match_states,
    reveal_results,
    upsert_matches,
)

__all__ = [
    "DEFAULT_MODELS",
    "PREDICT_LEAD",
    "RESULT_DELAY",
    "BacktestResult",
    "ProgressFn",
    "backtest_config",
    "replay_season",
    "run_backtest",
]

PREDICT_LEAD = timedelta(minutes=30)
"""How long before kick-off the replay predicts (the predict job's window)."""
RESULT_DELAY = timedelta(hours=2)
"""How long after kick-off a result becomes known (90 minutes, half-time, stoppages)."""
WRITE_EVERY = timedelta(days=28)
"""The direct way writes what it kept once per four weeks of replay time (and after every
slot when a progress hook watches): an interrupted run redoes at most that (a few seconds),
identically. Each write scores its matches and refreshes the board summaries at a fixed
cost of about 15 ms beside what it holds (measured: a season's writes 0.93 s of CPU weekly,
0.56 s four-weekly)."""

_NEEDS_PENALTYBLOG = {"ref-market", "ref-dixon-coles"}
"""Reference forecasters that import penaltyblog (its compiled kernels and de-margining,
milliseconds): the replay starts that import in the background while it reads the season
and prepares its database."""

ProgressFn = Callable[[int, int], None]
"""Called with ``(matches done, matches in the replay)`` after every kick-off slot."""


@dataclass
class BacktestResult:
    """What a backtest did, and the season's leaderboard at its end."""

    competition: str
    """Competition replayed."""
    season: str
    """Season replayed."""
    database: str
    """The backtest database (password masked)."""
    models: list[str]
    """Models asked."""
    inactive: dict[str, str] = field(default_factory=dict)
    """Chosen models that cannot be asked (no API key, missing extra), with the reason."""
    matches: int = 0
    """Matches in the replay."""
    replayed: int = 0
    """Matches this run worked on: predicted (unless an interrupted run already had),
    revealed and scored."""
    resumed: int = 0
    """Matches already done by an earlier run (skipped)."""
    predictions: int = 0
    """Predictions stored by this run."""
    via_fallback: int = 0
    """Of those, answered by a fallback model."""
    failed: dict[str, int] = field(default_factory=dict)
    """Failed model calls by error class."""
    scored: int = 0
    """Predictions scored by this run."""
    wall_s: float = 0.0
    """Wall time of the run."""
    leaderboard: list[LeaderboardRow] = field(default_factory=list)
    """The season's leaderboard over every replayed match."""

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        data = {k: v for k, v in self.__dict__.items() if k != "leaderboard"}
        data["wall_s"] = round(self.wall_s, 2)
        data["leaderboard"] = [row.as_dict() for row in self.leaderboard]
        return data


class _Replay:
    """The replay clock over one season, in one backtest database."""

    def __init__(
        self,
        db: Database,
        config: Config,
        data: SeasonData,
        result: BacktestResult,
        *,
        concurrency: int,
        direct: bool = False,
    ) -> None:
        self.db = db
        self.config = config
        self.concurrency = concurrency
        self.data = data
        self.result = result
        states = match_states(db, [f.match_id for f in data.fixtures])
        self.done = {m for m, (status, _) in states.items() if status == "finished"}
        self.unrevealed = [f for f in data.fixtures if f.match_id not in self.done]
        self.direct = DirectPredictor(db, config, data) if direct else None
        if self.direct is not None:
            predicted = [m for m, (status, n) in states.items() if status != "finished" and n]
            self.direct.resume(self.done, predicted)
        self.queued: list[Fixture] = []
        self.written_at: datetime | None = None

    def reveal_until(self, moment: datetime) -> None:
        """Reveal every result whose final whistle is at or before ``moment``.

        Through the predict job they are stored and scored at once (the job reads them from
        the store); the direct way learns them at once and stores them with its next write.
        """
        due = [f for f in self.unrevealed if f.kickoff_at + RESULT_DELAY <= moment]
        self.unrevealed = [f for f in self.unrevealed if f.kickoff_at + RESULT_DELAY > moment]
        self.queued += due
        if self.direct is None:
            self._store_reveals()
        else:
            self.direct.reveal(self.data.records[f.match_id] for f in due)

    def _store_reveals(self) -> None:
        """Store the queued results and score their matches (the score job's rule, batched)."""
        due, self.queued = self.queued, []
        if not due:
            return
        reveal_results(
            self.db,
            [
                Reveal(f.match_id, f.home_goals, f.away_goals, f.kickoff_at + RESULT_DELAY)
                for f in due
            ],
        )
        summaries = score_matches(
            self.db,
            [(f.match_id, f.kickoff_at + RESULT_DELAY) for f in due],
            draw_goal_difference=self.config.scoring.draw_goal_difference,
        )
        self.result.scored += sum(s.scored for s in summaries)

    def write(self) -> None:
        """The direct way's write: the kept predictions first, then the results and scores."""
        if self.direct is not None:
            self.direct.flush()
        self._store_reveals()

    def _count(self, summaries: Sequence[PredictSummary]) -> None:
        failed = Counter(self.result.failed)
        for summary in summaries:
            self.result.predictions += summary.predicted
            self.result.via_fallback += summary.via_fallback
            failed.update(summary.failed)
        self.result.failed = dict(failed)

    async def _predict(self, fixtures: Sequence[Fixture], now: datetime) -> list[PredictSummary]:
        """Predict a kick-off slot, ``concurrency`` matches at a time."""
        limit = asyncio.Semaphore(self.concurrency)

        async def one(fixture: Fixture) -> PredictSummary:
            async with limit:
                return await predict_match(self.db, self.config, fixture.match_id, now=now)

        return list(await asyncio.gather(*(one(f) for f in fixtures)))

    async def run(self, progress: ProgressFn | None) -> None:
        """Visit every kick-off slot in order, then reveal what is left."""
        total = len(self.data.fixtures)
        finished = 0
        for kickoff, group in groupby(self.data.fixtures, key=lambda f: f.kickoff_at):
            slot: list[Fixture] = list(group)
            now = kickoff - PREDICT_LEAD
            await asyncio.to_thread(self.reveal_until, now)
            todo = [f for f in slot if f.match_id not in self.done]
            if self.direct is not None:
                summaries = await self.direct.predict(todo, now)
                if progress is not None or self._write_due(now):
                    await asyncio.to_thread(self.write)
            else:
                summaries = await self._predict(todo, now)
            self._count(summaries)
            self.result.replayed += len(todo)
            self.result.resumed += len(slot) - len(todo)
            finished += len(slot)
            if progress is not None:
                progress(finished, total)
        await asyncio.to_thread(self.reveal_until, datetime.max.replace(tzinfo=UTC))
        await asyncio.to_thread(self.write)

    def _write_due(self, now: datetime) -> bool:
        """Whether the direct way has kept rows for ``WRITE_EVERY`` of replay time."""
        if self.written_at is None:
            self.written_at = now
        if now - self.written_at < WRITE_EVERY:
            return False
        self.written_at = now
        return True


def _prepare(db: Database, data: SeasonData) -> None:
    """Store the history and the fixtures not stored yet (as scheduled, without goals)."""
    db.upgrade()
    if not data.fixtures:
        return
    stored = set(match_states(db, [f.match_id for f in data.fixtures]))
    upsert_matches(db, data.to_store(stored), now=data.fixtures[0].kickoff_at - timedelta(days=1))


def _trimmed(data: SeasonData, needs: Needs, history_days: int | None) -> SeasonData:
    """The season with only ``history_days`` of history, or what the forecasters read."""
    if history_days is None and not data.without_odds:
        history_days = needs.history_days
    return data if history_days is None else data.with_history_days(history_days)


async def _run(
    db: Database,
    config: Config,
    data: SeasonData,
    result: BacktestResult,
    needs: Needs,
    *,
    concurrency: int | None,
    progress: ProgressFn | None,
) -> None:
    """Prepare the database, replay the season and read its leaderboard.

    Models that call providers are asked through the predict job, ``concurrency`` matches
    at a time (default 8); in-process ones only are asked directly (``backtest.direct``).
    """
    direct = not needs.calls_provider
    workers = concurrency if concurrency is not None else (1 if direct else 8)
    try:
        await asyncio.to_thread(_prepare, db, data)
        with single_threaded_blas():
            replay = _Replay(db, config, data, result, concurrency=workers, direct=direct)
            await replay.run(progress)
        result.leaderboard = leaderboard(
            db,
            competition=data.competition,
            season=data.season,
            draw_goal_difference=config.scoring.draw_goal_difference,
        )
    finally:
        db.dispose()


def _database(directory: Path, url: str | None, competition: str, season: str) -> Database:
    """The backtest database: ``url``, else a SQLite file in the work folder."""
    directory.mkdir(parents=True, exist_ok=True)
    return Database(url or f"sqlite:///{directory / f'backtest-{competition}-{season}.db'}")


def _new_result(
    db: Database, config: Config, data: SeasonData, chosen: list[str]
) -> BacktestResult:
    inactive = {m: config.inactive_reason(m) or "" for m in chosen if not config.is_active(m)}
    return BacktestResult(
        competition=data.competition,
        season=data.season,
        database=repr(db.url),
        models=chosen,
        inactive=inactive,
        matches=len(data.fixtures),
    )


@asynccontextmanager
async def _penaltyblog_loading(chosen: Sequence[str]) -> AsyncIterator[None]:
    """Import penaltyblog in the background meanwhile when a chosen forecaster needs it."""
    if not _NEEDS_PENALTYBLOG & set(chosen):
        yield
        return
    loading = import_in_background("penaltyblog")
    try:
        yield
    finally:
        await asyncio.to_thread(loading.join)


async def replay_season(
    config: Config,
    *,
    competition: str,
    season: str,
    directory: Path,
    models: Sequence[str] | None = None,
    max_matches: int | None = None,
    database_url: str | None = None,
    data_path: Path | None = None,
    concurrency: int | None = None,
    history_days: int | None = None,
    progress: ProgressFn | None = None,
) -> BacktestResult:
    """Replay a season with the chosen models; return this run's counts and the leaderboard.

    Args:
        config: Providers and catalog (its database is not touched).
        competition: Competition code, e.g. ``E0``.
        season: Season, e.g. ``2024-25``.
        directory: Work folder; holds ``backtest-<competition>-<season>.db`` by default.
        models: Models to ask (default: the four reference forecasters).
        max_matches: Replay only the season's first this many matches.
        database_url: The backtest database instead; never point it at the production store.
        data_path: Matches CSV with the bundled columns (default: the bundled file).
        concurrency: Matches of a slot predicted at once (default: 8 with a provider, else 1).
        history_days: Days of results before the season to store (0: none). Default: when
            every fixture has odds, what the forecasters read (their ``history_days``), else all.
        progress: Called with ``(done, total)`` after every kick-off slot.

    Raises:
        ConfigError: A chosen model is unknown.
        ValueError: The file has no match of that competition and season.
    """
    started = time.perf_counter()
    chosen = list(models or DEFAULT_MODELS)
    async with _penaltyblog_loading(chosen):
        replay_config = backtest_config(config, models)
        needs = forecaster_needs(replay_config, chosen)
        path = data_path or bundled_matches_path(competition)
        data = load_season(path, competition=competition, season=season, max_matches=max_matches)
        data = _trimmed(data, needs, history_days)
        db = _database(directory, database_url, competition, season)
        result = _new_result(db, replay_config, data, chosen)
        await _run(
            db, replay_config, data, result, needs, concurrency=concurrency, progress=progress
        )
    result.wall_s = time.perf_counter() - started
    return result


def run_backtest(config: Config, **options: Any) -> BacktestResult:
    """``replay_season`` for synchronous callers (the CLI, scripts); same keyword options."""
    return asyncio.run(replay_season(config, **options))
