"""Dixon-Coles through penaltyblog's compiled kernels: the public model's fits and grids,
without pandas or scipy.stats, and the public model whenever the kernels cannot be trusted."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.util import find_spec
from itertools import groupby
from typing import Any

import numpy as np
import pytest

from scoreline.scoring import DixonColesCache, MatchInfo, PastResult, dixon_coles_score_matrix
from scoreline.scoring import dixon_coles_fit as lean
from scoreline.scoring.dixon_coles import DixonColesSettings
from scoreline.scoring.extras import single_threaded_blas

pytestmark = pytest.mark.skipif(
    find_spec("penaltyblog") is None, reason="needs scoreline[reference] (penaltyblog)"
)


def _public_grids(
    results: list[PastResult], day: datetime, fixtures: list[MatchInfo]
) -> list[np.ndarray]:
    """penaltyblog's own way: its model, ``fit()`` and ``predict()``, normalised grids."""
    from penaltyblog.models import DixonColesGoalModel

    settings = DixonColesSettings()
    window = [r for r in results if day - timedelta(days=settings.lookback_days) <= r.kickoff_at]
    window = [r for r in window if r.kickoff_at < day]
    ages = np.array([(day - r.kickoff_at).total_seconds() / 86400 for r in window])
    model = DixonColesGoalModel(
        [r.home_goals for r in window],
        [r.away_goals for r in window],
        [r.home_team for r in window],
        [r.away_team for r in window],
        weights=np.exp(-settings.xi * ages),
    )
    with single_threaded_blas():  # else BLAS threads make each fit ten times slower
        model.fit()
    size = settings.max_goals + 1
    return [model.predict(m.home_team, m.away_team, max_goals=size).grid for m in fixtures]


def _day(match: MatchInfo) -> datetime:
    return datetime.combine(match.kickoff_at.astimezone(UTC).date(), datetime.min.time(), UTC)


@pytest.mark.slow
def test_a_season_of_grids_equals_penaltyblogs_public_model(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    season = sorted(
        (m for key, m in e0_matches.items() if key.startswith("E0-2023-24")),
        key=lambda m: m.kickoff_at,
    )
    cache = DixonColesCache()
    compared = 0
    worst = 0.0
    for day, group in groupby(season, key=_day):
        fixtures = list(group)
        ours = [dixon_coles_score_matrix(m, e0_results, cache=cache) for m in fixtures]
        if any(grid is None for grid in ours):  # a promoted team early on: no fit either way
            continue
        theirs = _public_grids(e0_results, day, fixtures)
        for mine, public in zip(ours, theirs, strict=True):
            assert mine is not None
            worst = max(worst, float(np.abs(mine - public).max()))
            compared += 1
    assert compared > 300
    assert worst < 1e-9
    assert cache.fits > 80


def test_kernels_are_found_and_checked() -> None:
    kernels = lean.kernels()
    assert kernels is not None
    assert lean._agrees(kernels)


def _swapped(kernels: lean.Kernels, which: str) -> lean.Kernels:
    """The kernels called with two arguments of the same type in each other's place."""

    def loss(*args: Any) -> float:
        a = list(args)
        a[8], a[9] = a[9], a[8]  # home advantage and rho
        return kernels.loss(*a)

    def gradient(*args: Any) -> Any:
        a = list(args)
        a[4], a[5] = a[5], a[4]  # home and away team indices
        return kernels.gradient(*a)

    def grid(*args: Any) -> None:
        a = list(args)
        a[0], a[1] = a[1], a[0]  # home and away attack
        kernels.grid(*a)

    swapped = {"loss": loss, "gradient": gradient, "grid": grid}
    return replace(kernels, **{which: swapped[which]})


@pytest.mark.parametrize("which", ["loss", "gradient", "grid"])
def test_kernels_that_compute_something_else_are_refused(which: str) -> None:
    kernels = lean.kernels()
    assert kernels is not None
    assert not lean._agrees(_swapped(kernels, which))


def _one_grid(e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]) -> np.ndarray:
    match = e0_matches["E0-2023-24-0250"]
    grid = dixon_coles_score_matrix(match, e0_results, cache=DixonColesCache())
    assert grid is not None
    return grid


def test_untrusted_kernels_leave_the_fit_to_penaltyblogs_model(
    monkeypatch: pytest.MonkeyPatch,
    e0_matches: dict[str, MatchInfo],
    e0_results: list[PastResult],
) -> None:
    # Reason for monkeypatch: a penaltyblog release with different kernels cannot be
    # installed beside this one; the check's verdict is set instead.
    expected = _one_grid(e0_matches, e0_results)
    monkeypatch.setattr(lean, "_CHECKED", {})
    monkeypatch.setattr(lean, "_agrees", lambda kernels: False)
    fitted: list[str] = []
    monkeypatch.setattr(lean, "fit", lambda *args: fitted.append("lean"))
    assert lean.kernels() is None
    assert np.abs(_one_grid(e0_matches, e0_results) - expected).max() < 1e-9
    assert fitted == []


def test_missing_kernels_leave_the_fit_to_penaltyblogs_model(
    monkeypatch: pytest.MonkeyPatch,
    e0_matches: dict[str, MatchInfo],
    e0_results: list[PastResult],
) -> None:
    # Reason for monkeypatch: a release without one of the modules cannot be installed
    # beside this one; a module name that does not exist stands for it.
    expected = _one_grid(e0_matches, e0_results)
    renamed = ("penaltyblog.models.loss", "penaltyblog.models.no_gradients")
    monkeypatch.setattr(lean, "DIXON_COLES_KERNELS", (*renamed, "penaltyblog.models.probabilities"))
    assert lean.kernels() is None
    assert np.abs(_one_grid(e0_matches, e0_results) - expected).max() < 1e-9


_PROBE = """
import sys
from scoreline.backtest.season import load_season
from scoreline.scoring import DixonColesCache, MatchInfo, PastResult, dixon_coles_score_matrix
from scoreline.store import bundled_matches_path

data = load_season(bundled_matches_path("E0"), competition="E0", season="2024-25")
history = [
    PastResult(r.home_team, r.away_team, int(r.home_goals), int(r.away_goals), r.kickoff_at, "E0")
    for r in data.history
]
first = data.records[data.fixtures[0].match_id]
match = MatchInfo(first.home_team, first.away_team, first.kickoff_at, competition="E0")
grid = dixon_coles_score_matrix(match, history, cache=DixonColesCache())
print(grid is not None and abs(grid.sum() - 1) < 1e-12)
print(sorted(m for m in ("pandas", "scipy.stats", "penaltyblog.models.dixon_coles")
             if m in sys.modules))
"""


def test_a_fit_loads_neither_pandas_nor_scipy_stats() -> None:
    # A fresh interpreter: this process may have imported penaltyblog's model already.
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["True", "[]"]
