"""Every reference forecaster gives outcome probabilities; over a real season their RPS,
Brier and log loss equal penaltyblog's own metric functions."""

from __future__ import annotations

import json
import math
from asyncio import Semaphore
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.util import find_spec

import numpy as np
import pytest

from scoreline.forecast import Estimate
from scoreline.scoring import (
    REFERENCE_CLASSES,
    DixonColesCache,
    MatchInfo,
    PastResult,
    dixon_coles_score_matrix,
    outcome_probabilities,
)
from scoreline.scoring.base_rates import LONG_RUN_RATES, PRIOR_MATCHES, base_rates
from scoreline.scoring.dixon_coles import estimate_dixon_coles
from scoreline.scoring.market import demargin, estimate_market, market_probabilities
from scoreline.scoring.probabilities import outcome_index, score_forecasts

needs_penaltyblog = pytest.mark.skipif(
    find_spec("penaltyblog") is None, reason="needs scoreline[reference]"
)
KICKOFF = datetime(2024, 3, 2, 15, 0, tzinfo=UTC)


def _match(odds: tuple[float | None, float | None, float | None] = (None, None, None)) -> MatchInfo:
    home, draw, away = odds
    return MatchInfo("Arsenal", "Chelsea", KICKOFF, home, draw, away, competition="E0")


def _results(scores: list[tuple[int, int]], competition: str = "E0") -> list[PastResult]:
    return [
        PastResult("A", "B", h, a, KICKOFF - timedelta(days=n + 1), competition=competition)
        for n, (h, a) in enumerate(scores)
    ]


def _estimate(model_id: str, match: MatchInfo, history: list[PastResult]) -> Estimate:
    """What the registered forecaster of ``model_id`` computes (its ``forecast`` runs this)."""
    forecaster = REFERENCE_CLASSES[model_id](model_id, provider="reference", limit=Semaphore())
    return forecaster.estimate(match, history)


def test_base_rates_count_the_competitions_recent_results_and_lean_on_the_long_run() -> None:
    assert base_rates(_match(), []) == pytest.approx(LONG_RUN_RATES)
    history = _results([(2, 0)] * 30 + [(1, 1)] * 10)
    history += _results([(0, 3)] * 50, competition="D1")  # another competition
    history += [replace(r, kickoff_at=KICKOFF + timedelta(days=1)) for r in _results([(0, 1)] * 9)]
    old = [replace(r, kickoff_at=KICKOFF - timedelta(days=400)) for r in _results([(0, 2)] * 9)]
    total = 40 + PRIOR_MATCHES
    expected = (
        (30 + LONG_RUN_RATES[0] * PRIOR_MATCHES) / total,
        (10 + LONG_RUN_RATES[1] * PRIOR_MATCHES) / total,
        (LONG_RUN_RATES[2] * PRIOR_MATCHES) / total,
    )
    assert base_rates(_match(), history + old) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("model_id", ["ref-home-2-1", "ref-draw-1-1"])
def test_the_naive_forecasters_give_the_base_rates(model_id: str) -> None:
    history = _results([(2, 0)] * 12 + [(0, 0)] * 8)
    got = _estimate(model_id, _match(), history)
    assert got.probabilities == base_rates(_match(), history)
    assert got.score_matrix is None


def test_the_market_gives_the_de_margined_odds_and_a_score_from_the_same_numbers() -> None:
    odds = (1.55, 4.48, 5.87)
    got = estimate_market(_match(odds), [])
    inverse = [1 / o for o in odds]
    assert got.probabilities == pytest.approx([x / sum(inverse) for x in inverse], abs=1e-15)
    assert got.home_goals > got.away_goals  # the favourite
    no_data = estimate_market(_match(), [])
    assert (no_data.home_goals, no_data.away_goals) == (2, 1)
    assert no_data.probabilities == pytest.approx(LONG_RUN_RATES)
    league = estimate_market(_match(), _results([(0, 2)] * 20))
    assert league.probabilities is not None and league.probabilities[2] > 0.5


@needs_penaltyblog
@pytest.mark.parametrize("method", ["multiplicative", "shin", "power"])
def test_every_de_margining_method_is_penaltyblogs(method: str) -> None:
    odds = (2.7, 2.3, 4.4)
    assert market_probabilities(odds, method) == pytest.approx(
        demargin(*odds, method=method),
        abs=1e-15,
    )


@needs_penaltyblog
def test_dixon_coles_gives_its_grids_outcomes_and_stores_the_grid(
    e0_matches: dict[str, MatchInfo], e0_results: list[PastResult]
) -> None:
    match = next(m for m in e0_matches.values() if m.kickoff_at > datetime(2024, 3, 1, tzinfo=UTC))
    cache = DixonColesCache()
    got = estimate_dixon_coles(match, e0_results, cache=cache)
    grid = dixon_coles_score_matrix(match, e0_results, cache=cache)
    assert grid is not None and got.probabilities is not None
    assert got.probabilities == pytest.approx(outcome_probabilities(grid), abs=1e-15)
    stored = json.loads(got.score_matrix or "")
    assert len(stored) == 11 and {len(row) for row in stored} == {11}
    assert np.abs(np.array(stored) - grid[:11, :11]).max() <= 5e-7
    assert all(round(p, 6) == p for row in stored for p in row)
    assert sum(map(sum, stored)) == pytest.approx(1.0, abs=1e-3)


def _season_forecasts(
    season: list[MatchInfo], results: list[PastResult]
) -> dict[str, list[tuple[float, float, float]]]:
    forecasts: dict[str, list[tuple[float, float, float]]] = {m: [] for m in REFERENCE_CLASSES}
    for match in season:
        known = [r for r in results if r.kickoff_at < match.kickoff_at]
        for model_id in REFERENCE_CLASSES:
            probabilities = _estimate(model_id, match, known).probabilities
            assert probabilities is not None, model_id
            forecasts[model_id].append(probabilities)
    return forecasts


@needs_penaltyblog
@pytest.mark.slow
def test_reference_forecasters_metrics_over_a_season_equal_penaltyblogs(
    e0_rows: list[dict[str, str]],
    e0_matches: dict[str, MatchInfo],
    e0_results: list[PastResult],
) -> None:
    from penaltyblog.metrics import ignorance_score, multiclass_brier_score, rps_average

    rows = [r for r in e0_rows if r["season"] == "2023-24"]
    season = [e0_matches[r["match_id"]] for r in rows]
    outcomes = outcome_index(
        [int(r["home_goals"]) for r in rows], [int(r["away_goals"]) for r in rows]
    )
    assert len(season) == 380
    rps = {}
    for model_id, probs in _season_forecasts(season, e0_results).items():
        ours = score_forecasts(probs, outcomes)
        assert ours.rps == pytest.approx(rps_average(probs, outcomes), abs=1e-9), model_id
        brier = multiclass_brier_score(probs, outcomes)
        assert ours.brier == pytest.approx(brier, abs=1e-9), model_id
        bits = ignorance_score(probs, outcomes)  # the log loss in bits
        assert ours.log_loss == pytest.approx(bits * math.log(2), abs=1e-9), model_id
        rps[model_id] = ours.rps
    assert rps["ref-home-2-1"] == rps["ref-draw-1-1"]  # the same base rates
    assert rps["ref-market"] < rps["ref-dixon-coles"] < rps["ref-home-2-1"]


@needs_penaltyblog
def test_the_market_forecasters_method_is_a_setting() -> None:
    odds = (1.55, 4.48, 5.87)
    forecaster = REFERENCE_CLASSES["ref-market"](
        "ref-market", provider="reference", limit=Semaphore()
    )
    assert forecaster.estimate(_match(odds), []).probabilities == market_probabilities(odds)
    forecaster.demargin = "shin"
    shin = forecaster.estimate(_match(odds), []).probabilities
    assert shin == pytest.approx(demargin(*odds, method="shin"), abs=1e-12)
    assert shin is not None and shin[0] > market_probabilities(odds)[0]  # less off the favourite
