"""Replaying a season: every match predicted as if before kick-off, then revealed and scored.

The replay keeps a clock. Kick-off slots (matches sharing a kick-off time) are visited in
order; for a slot at ``k`` the clock is set to ``k - 30 min`` and, first, every result whose
final whistle (kick-off + 2 h) has passed is revealed (status ``finished`` and goals, as a
results import would) and scored. Then the slot's matches are predicted by the real predict
job, ``predict_match(now=k - 30 min)``: it refuses a match that is not a
scheduled fixture or has kicked off, and it reads history only from finished matches that
kicked off before the match. As the database holds nothing else (later seasons are never
imported, the season's results are revealed only by the clock), a prediction cannot see a
later result.

Resuming: a match already finished in the backtest database is done and skipped; a match
predicted but not revealed is asked again, and the predict job skips the models that
already predicted it. So a model added to a finished backtest predicts nothing: give it a
new work folder.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from scoreline.backtest.season import Fixture, SeasonData, load_season, write_import_file
from scoreline.config import Config, ConfigError, ProviderConfig
from scoreline.predict import PredictSummary, predict_match
from scoreline.scoring import (
    REFERENCE_FORECASTERS,
    DixonColesSettings,
    LeaderboardRow,
    leaderboard,
    score_match,
)
from scoreline.store import Database, bundled_matches_path, import_matches
from scoreline.store.backtest_queries import Reveal, match_states, reveal_results

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
DEFAULT_MODELS = tuple(REFERENCE_FORECASTERS)
"""The reference forecasters: the backtest's models unless others are chosen."""
REFERENCE_HISTORY_DAYS = DixonColesSettings().lookback_days + 1
"""History the reference forecasters read before a season: the Dixon-Coles window (from
the match day back), one day more. ``ref-market`` reads history only without odds."""

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


def backtest_config(config: Config, model_ids: Sequence[str] | None = None) -> Config:
    """The configuration the replay predicts with: only the chosen models are active.

    Their fallback targets stay in the catalog (inactive) so that fallbacks still work;
    everything else, and every provider nobody uses, is dropped, which keeps the predict
    job's per-match model sync and client set small.

    Args:
        config: The full configuration.
        model_ids: Models to ask (default: ``DEFAULT_MODELS``).

    Returns:
        The reduced configuration.

    Raises:
        ConfigError: A chosen model is not in the configuration.
    """
    chosen = list(model_ids or DEFAULT_MODELS)
    unknown = [m for m in chosen if not config.has_model(m)]
    if unknown:
        raise ConfigError(f"{config.source}: unknown model(s) for the backtest: {unknown}")
    keep = set(chosen)
    for model_id in chosen:
        fallback = config.model(model_id).fallback
        if fallback is not None:
            keep.add(fallback)
    models = [
        m.model_copy(update={"active": m.active and m.id in chosen})
        for m in config.models
        if m.id in keep
    ]
    used = {m.provider for m in models}
    providers = {
        name: _serial(p) if p.kind == "reference" else p
        for name, p in config.providers.items()
        if name in used
    }
    return config.model_copy(update={"models": models, "providers": providers})


def _serial(provider: ProviderConfig) -> ProviderConfig:
    """One reference forecaster at a time: they are numpy/scipy code that holds the GIL
    most of the time, so running them side by side only adds switching."""
    return provider.model_copy(update={"max_concurrency": 1})


@contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to one thread while the replay runs (needs ``threadpoolctl``).

    The reference models multiply small matrices, where OpenBLAS threads only cost: on a
    2-core machine with anything else running, its spinning threads made each Dixon-Coles
    fit 5-10 times slower. ``threadpoolctl`` comes with ``scoreline[reference]``; without
    it nothing is changed.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


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
    ) -> None:
        self.db = db
        self.config = config
        self.concurrency = concurrency
        self.data = data
        self.result = result
        with db.session() as session:
            states = match_states(session, [f.match_id for f in data.fixtures])
        self.done = {m for m, (status, _) in states.items() if status == "finished"}
        self.unrevealed = [f for f in data.fixtures if f.match_id not in self.done]

    def reveal_until(self, moment: datetime) -> None:
        """Reveal and score every result whose final whistle is at or before ``moment``."""
        due = [f for f in self.unrevealed if f.kickoff_at + RESULT_DELAY <= moment]
        if not due:
            return
        self.unrevealed = [f for f in self.unrevealed if f.kickoff_at + RESULT_DELAY > moment]
        with self.db.session() as session:
            reveal_results(
                session,
                [
                    Reveal(f.match_id, f.home_goals, f.away_goals, f.kickoff_at + RESULT_DELAY)
                    for f in due
                ],
            )
        for fixture in due:
            summary = score_match(self.db, fixture.match_id, now=fixture.kickoff_at + RESULT_DELAY)
            self.result.scored += summary.scored

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
            summaries = await self._predict(todo, now)
            self._count(summaries)
            self.result.replayed += len(todo)
            self.result.resumed += len(slot) - len(todo)
            finished += len(slot)
            if progress is not None:
                progress(finished, total)
        await asyncio.to_thread(self.reveal_until, datetime.max.replace(tzinfo=UTC))


def _all_reference(config: Config, model_ids: Sequence[str]) -> bool:
    return all(config.provider_of(m).kind == "reference" for m in model_ids)


def _prepare(db: Database, data: SeasonData, directory: Path) -> None:
    """Import the history and the fixtures not stored yet (as scheduled, without goals)."""
    db.upgrade()
    if not data.fixtures:
        return
    with db.session() as session:
        stored = set(match_states(session, [f.match_id for f in data.fixtures]))
    path = write_import_file(data, directory / "backtest-import.csv", stored=stored)
    try:
        import_matches(db, path, now=data.fixtures[0].kickoff_at - timedelta(days=1))
    finally:
        path.unlink(missing_ok=True)


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
    """Replay a season with the chosen models and return the season's leaderboard.

    Args:
        config: The configuration (providers and catalog; its database is not touched).
        competition: Competition code, e.g. ``E0``.
        season: Season, e.g. ``2024-25``.
        directory: Work folder: holds the backtest database unless ``database_url`` is given.
        models: Models to ask (default: the four reference forecasters).
        max_matches: Replay only the season's first this many matches.
        database_url: Backtest database (default: ``backtest-<competition>-<season>.db``
            in ``directory``). Never point it at the production store.
        data_path: Matches CSV with the bundled columns (default: the bundled file).
        concurrency: Matches of one kick-off slot predicted at once. Default: 1 when every
            model is a reference forecaster (CPU-bound Python: running several at once
            only adds thread switching), else 8 (LLM calls wait on the network).
        history_days: Import only the results of this many days before the season (0: none).
            Default: all earlier results, except when every model is a reference
            forecaster and every fixture has odds: then only what those read (the
            Dixon-Coles look-back), which gives the same predictions at half the cost.
        progress: Called with ``(done, total)`` after every kick-off slot.

    Returns:
        Counts of this run and the leaderboard over every replayed match.

    Raises:
        ConfigError: A chosen model is unknown.
        ValueError: The file has no match of that competition and season.
    """
    started = time.perf_counter()
    replay_config = backtest_config(config, models)
    chosen = list(models or DEFAULT_MODELS)
    reference_only = _all_reference(replay_config, chosen)
    data = load_season(
        data_path or bundled_matches_path(competition),
        competition=competition,
        season=season,
        max_matches=max_matches,
    )
    if history_days is None and reference_only and not data.without_odds:
        history_days = REFERENCE_HISTORY_DAYS
    if history_days is not None:
        data = data.with_history_days(history_days)
    if concurrency is None:
        concurrency = 1 if reference_only else 8
    directory.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{directory / f'backtest-{competition}-{season}.db'}"
    db = Database(url)
    result = BacktestResult(
        competition=competition,
        season=season,
        database=repr(db.url),
        models=chosen,
        inactive={
            m: replay_config.inactive_reason(m) or ""
            for m in chosen
            if not replay_config.is_active(m)
        },
        matches=len(data.fixtures),
    )
    try:
        await asyncio.to_thread(_prepare, db, data, directory)
        with _single_threaded_blas():
            replay = _Replay(db, replay_config, data, result, concurrency=concurrency)
            await replay.run(progress)
        with db.session() as session:
            result.leaderboard = leaderboard(session, competition=competition, season=season)
    finally:
        db.dispose()
    result.wall_s = time.perf_counter() - started
    return result


def run_backtest(config: Config, **options: Any) -> BacktestResult:
    """``replay_season`` for synchronous callers (the CLI, scripts); same keyword options."""
    return asyncio.run(replay_season(config, **options))
