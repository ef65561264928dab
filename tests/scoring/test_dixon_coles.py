from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import replace
from importlib.util import find_spec

import numpy as np
import pytest

from scoreline.scoring import (
    DixonColesCache,
    DixonColesSettings,
    MatchInfo,
    MissingExtraError,
    PastResult,
    dixon_coles_score_matrix,
    predict_dixon_coles,
    predict_market,
    predict_reference,
    tendency_of,
)
from scoreline.scoring.quotas import Tendency

needs_penaltyblog = pytest.mark.skipif(
    find_spec("penaltyblog") is None,
    reason="penaltyblog not installed: pip install 'scoreline[reference]'",
)


def _by_teams(matches: dict[str, MatchInfo], home: str, away: str, season: str) -> MatchInfo:
    return next(
        m
        for key, m in matches.items()
        if key.startswith(f"E0-{season}") and (m.home_team, m.away_team) == (home, away)
    )


@needs_penaltyblog
@pytest.mark.parametrize(
    ("home", "away", "tendency"),
    [
        ("Arsenal", "Brentford", Tendency.HOME),
        ("Sheffield United", "Arsenal", Tendency.AWAY),
        ("Man City", "Man United", Tendency.HOME),
    ],
)
def test_strong_teams_are_backed(
    e0_matches: dict[str, MatchInfo],
    e0_results: list[PastResult],
    home: str,
    away: str,
    tendency: Tendency,
) -> None:
    match = _by_teams(e0_matches, home, away, "2023-24")
    score = predict_dixon_coles(match, e0_results, cache=DixonColesCache())
    assert tendency_of(*score) is tendency


@needs_penaltyblog
def test_score_grid_is_normalised(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    match = _by_teams(e0_matches, "Arsenal", "Brentford", "2023-24")
    grid = dixon_coles_score_matrix(match, e0_results, cache=DixonColesCache())
    assert grid is not None
    assert grid.shape == (11, 11)
    assert grid.sum() == pytest.approx(1.0)
    assert np.tril(grid, -1).sum() > 0.6  # a home win is likely


@needs_penaltyblog
def test_later_results_never_change_the_prediction(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    match = _by_teams(e0_matches, "Man United", "Everton", "2023-24")
    cache = DixonColesCache()
    before = [r for r in e0_results if r.kickoff_at < match.kickoff_at]
    later = [r for r in e0_results if r.kickoff_at >= match.kickoff_at]
    flipped = [replace(r, home_goals=r.away_goals, away_goals=r.home_goals + 3) for r in later]
    baseline = predict_dixon_coles(match, before, cache=DixonColesCache())
    assert predict_dixon_coles(match, before + later, cache=cache) == baseline
    assert predict_dixon_coles(match, flipped + before, cache=cache) == baseline
    assert (cache.fits, cache.hits) == (1, 1)  # later rows do not even change the fit key


@needs_penaltyblog
def test_a_changed_earlier_result_is_refitted(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    match = _by_teams(e0_matches, "Man United", "Everton", "2023-24")
    cache = DixonColesCache()
    predict_dixon_coles(match, e0_results, cache=cache)
    edited = [replace(e0_results[-500], home_goals=9), *e0_results]
    edited.remove(e0_results[-500])
    predict_dixon_coles(match, edited, cache=cache)
    assert cache.fits == 2


@needs_penaltyblog
def test_one_fit_serves_a_whole_match_day(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    day = [
        m
        for m in e0_matches.values()
        if m.kickoff_at.date().isoformat() == "2024-03-02" and "Luton" not in m.home_team
    ]
    assert len(day) >= 5
    cache = DixonColesCache()
    for match in day:
        predict_dixon_coles(match, e0_results, cache=cache)
    assert (cache.fits, cache.hits) == (1, len(day) - 1)


@needs_penaltyblog
def test_a_promoted_team_falls_back_to_the_market(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    # Luton were promoted in 2023: no E0 results of theirs before August 2023.
    match = _by_teams(e0_matches, "Brighton", "Luton", "2023-24")
    assert dixon_coles_score_matrix(match, e0_results, cache=DixonColesCache()) is None
    assert predict_dixon_coles(match, e0_results) == predict_market(match, e0_results)


@needs_penaltyblog
def test_too_little_history_falls_back_to_the_market(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    match = _by_teams(e0_matches, "Arsenal", "Brentford", "2023-24")
    settings = DixonColesSettings(lookback_days=20)
    assert dixon_coles_score_matrix(match, e0_results, settings=settings) is None
    without_odds = replace(match, odds_home=None)
    assert predict_dixon_coles(without_odds, e0_results[:5], cache=DixonColesCache()) == (2, 1)


@needs_penaltyblog
def test_registry_runs_dixon_coles(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    match = _by_teams(e0_matches, "Arsenal", "Brentford", "2023-24")
    assert predict_reference("ref-dixon-coles", match, e0_results) == predict_dixon_coles(
        match, e0_results, cache=DixonColesCache()
    )


@needs_penaltyblog
@pytest.mark.slow
def test_dixon_coles_mostly_agrees_with_the_market_favourite(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    # Second half of 2023-24: both models should usually back the same side.
    season = [
        m for k, m in e0_matches.items() if k.startswith("E0-2023-24") and k >= "E0-2023-24-0280"
    ]
    cache = DixonColesCache()
    agree = 0
    for match in season:
        odds = match.odds
        assert odds is not None
        favourite = Tendency.HOME if odds[0] < odds[2] else Tendency.AWAY
        agree += tendency_of(*predict_dixon_coles(match, e0_results, cache=cache)) is favourite
    assert agree / len(season) > 0.75
    assert cache.fits < len(season) / 2


def test_missing_penaltyblog_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, e0_matches: dict[str, MatchInfo]
) -> None:
    # Reason for monkeypatch: the package cannot be uninstalled for one test;
    # a None entry in sys.modules makes its import fail exactly like a missing one.
    monkeypatch.setitem(sys.modules, "penaltyblog", None)
    match = _by_teams(e0_matches, "Arsenal", "Brentford", "2023-24")
    with pytest.raises(MissingExtraError, match=r"pip install 'scoreline\[reference\]'"):
        predict_dixon_coles(match, [])
    assert issubclass(MissingExtraError, ImportError)


@needs_penaltyblog
def test_a_fit_that_does_not_converge_falls_back_once(
    monkeypatch: pytest.MonkeyPatch,
    e0_matches: dict[str, MatchInfo],
    e0_results: list[PastResult],
) -> None:
    # Reason for monkeypatch: no real data set was found that makes penaltyblog's
    # optimiser fail, so its failure (a ValueError) is raised in its place.
    from scoreline.scoring import dixon_coles

    calls: list[int] = []

    def failing_fit(*args: object, **kwargs: object) -> None:
        calls.append(1)
        raise ValueError("Optimization failed with message: Iteration limit reached")

    monkeypatch.setattr(dixon_coles, "_fit", failing_fit)
    match = _by_teams(e0_matches, "Arsenal", "Brentford", "2023-24")
    cache = DixonColesCache()
    for _ in range(2):
        assert predict_dixon_coles(match, e0_results, cache=cache) == predict_market(
            match, e0_results
        )
    assert len(calls) == 1


@needs_penaltyblog
def test_matches_asked_side_by_side_share_one_fit(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    # The predict jobs of a match day run in threads: the first computes the fit, the
    # others wait for it instead of fitting the same window again.
    day = [
        m
        for m in e0_matches.values()
        if m.kickoff_at.date().isoformat() == "2024-03-02" and "Luton" not in m.home_team
    ][:4]
    cache = DixonColesCache()
    start = threading.Barrier(len(day))
    grids: dict[int, np.ndarray] = {}

    def ask(i: int, match: MatchInfo) -> None:
        start.wait()
        grid = dixon_coles_score_matrix(match, e0_results, cache=cache)
        assert grid is not None
        grids[i] = grid

    threads = [threading.Thread(target=ask, args=(i, m)) for i, m in enumerate(day)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (cache.fits, cache.hits) == (1, len(day) - 1)
    alone = dixon_coles_score_matrix(day[0], e0_results, cache=DixonColesCache())
    # the same fit as alone, to the optimiser's last bits (numpy's sums may round
    # differently with the arrays' alignment: measured 1e-13)
    assert alone is not None and np.abs(alone - grids[0]).max() < 1e-9


def test_blas_stays_at_one_thread_until_the_last_caller_leaves() -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from scoreline.scoring.extras import single_threaded_blas

    def blas_threads() -> set[int]:
        info = threadpoolctl.threadpool_info()
        return {i["num_threads"] for i in info if i["user_api"] == "blas"}

    before = blas_threads()
    with single_threaded_blas():
        with single_threaded_blas():
            assert blas_threads() <= {1}
        assert blas_threads() <= {1}  # the outer caller is still inside
    assert blas_threads() == before


_LEAN_PROBE = """
import subprocess
import sys
from scoreline.scoring.extras import import_in_background
from scoreline.scoring.market import demargin
import_in_background("penaltyblog").join()
print(round(demargin(2.0, 3.5, 4.0, method="shin")[0], 6))
print(sorted(m for m in ("matplotlib", "plotly", "networkx", "penaltyblog.viz") if m in sys.modules))
import penaltyblog
print(penaltyblog.__version__ == penaltyblog.version.__version__, "penaltyblog.viz" in sys.modules)
print(penaltyblog.models.PoissonGoalsModel.__name__)
"""


@needs_penaltyblog
def test_the_model_and_de_margining_load_without_the_rest_of_penaltyblog() -> None:
    # A fresh interpreter: this process may have imported all of penaltyblog already.
    out = subprocess.run(
        [sys.executable, "-c", _LEAN_PROBE], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert 0.0 < float(out[0]) < 0.5
    assert out[1] == "[]"
    # Anything else of penaltyblog still works: its own __init__ runs on first use.
    assert out[2:4] == ["True True", "PoissonGoalsModel"]
