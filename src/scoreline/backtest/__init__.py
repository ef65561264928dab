"""Backtest: replay a past season with chosen models, as if every match were upcoming.

Each match is predicted by the real predict job half an hour before kick-off, with only
the results known at that moment in a database of its own; results are revealed at the
final whistle and scored by the score job's own rule, in batches (``score_matches``). The
run is resumable and ends with the season's leaderboard::

    from scoreline import load_config
    from scoreline.backtest import run_backtest

    result = run_backtest(load_config(), competition="E0", season="2024-25",
                          directory=Path("backtest"))
"""

from scoreline.backtest.replay import (
    DEFAULT_MODELS,
    PREDICT_LEAD,
    RESULT_DELAY,
    BacktestResult,
    ProgressFn,
    backtest_config,
    replay_season,
    run_backtest,
)
from scoreline.backtest.season import Fixture, SeasonData, load_season

__all__ = [
    "DEFAULT_MODELS",
    "PREDICT_LEAD",
    "RESULT_DELAY",
    "BacktestResult",
    "Fixture",
    "ProgressFn",
    "SeasonData",
    "backtest_config",
    "load_season",
    "replay_season",
    "run_backtest",
]
