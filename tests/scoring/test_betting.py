"""Flat-stake and fractional-Kelly returns at closing odds, on a hand-computed case."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoreline.scoring.betting import bet_by_match, betting_return

# Edges p * odds - 1 per outcome (the largest is backed when above 0):
# m1: 0.25, -0.04, -0.40 -> home at 2.5, home won: flat +1.5
# m2: -0.64, 0.05, 1.25 -> away at 4.5, a draw:    flat -1
# m3: -0.20, 0.20, 0.00 -> draw at 3.0, away won:  flat -1
# m4: -0.10, -0.10, -0.10 -> no bet
# m5: odds unknown       -> no bet
PROBS = [
    (0.5, 0.3, 0.2),
    (0.2, 0.3, 0.5),
    (0.4, 0.4, 0.2),
    (0.3, 0.3, 0.4),
    (0.5, 0.3, 0.2),
]
ODDS = [
    (2.5, 3.2, 3.0),
    (1.8, 3.5, 4.5),
    (2.0, 3.0, 5.0),
    (3.0, 3.0, 2.25),
    (math.nan, 3.0, 4.0),
]
OUTCOMES = [0, 1, 2, 0, 0]


def test_flat_stakes_by_hand() -> None:
    stake, profit = bet_by_match(PROBS, ODDS, OUTCOMES)
    assert stake.tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]
    assert profit.tolist() == pytest.approx([1.5, -1.0, -1.0, 0.0, 0.0])
    result = betting_return(PROBS, ODDS, OUTCOMES)
    assert (result.bets, result.staked, result.profit) == (3, 3.0, pytest.approx(-0.5))
    assert result.roi is not None
    assert result.roi.estimate == pytest.approx(-0.5 / 3)


def test_half_kelly_by_hand() -> None:
    # Kelly stake = edge / (odds - 1): m1 0.25/1.5, m2 1.25/3.5, m3 0.2/2; halved.
    stake, profit = bet_by_match(PROBS, ODDS, OUTCOMES, staking="kelly", fraction=0.5)
    expected = [0.25 / 1.5 / 2, 1.25 / 3.5 / 2, 0.2 / 2 / 2, 0.0, 0.0]
    assert stake.tolist() == pytest.approx(expected)
    assert profit.tolist() == pytest.approx([expected[0] * 1.5, -expected[1], -expected[2], 0, 0])
    result = betting_return(PROBS, ODDS, OUTCOMES, staking="kelly", fraction=0.5)
    assert result.roi is not None
    assert result.roi.estimate == pytest.approx(float(profit.sum() / stake.sum()))


def test_min_edge_skips_thin_edges() -> None:
    stake, _ = bet_by_match(PROBS, ODDS, OUTCOMES, min_edge=0.22)
    assert stake.tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]


def test_the_market_itself_never_bets() -> None:
    odds = np.array([(2.0, 3.5, 4.0)] * 4)
    fair = 1 / odds / (1 / odds).sum(axis=1, keepdims=True)  # probabilities below 1/odds
    result = betting_return(fair, odds, [0, 1, 2, 0])
    assert (result.bets, result.staked, result.roi) == (0, 0.0, None)


def test_interval_is_reproducible_and_holds_the_estimate() -> None:
    rng = np.random.default_rng(2)
    probs = rng.dirichlet([4, 3, 3], size=300)
    odds = 1 / rng.dirichlet([4, 3, 3], size=300) * 0.95
    odds = np.maximum(odds, 1.01)
    outcomes = rng.integers(0, 3, size=300)
    first = betting_return(probs, odds, outcomes, seed=4)
    assert betting_return(probs, odds, outcomes, seed=4) == first
    assert first.roi is not None
    assert first.roi.low < first.roi.estimate < first.roi.high


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"odds": [(1.0, 3.0, 4.0)] * 5}, "above 1"),
        ({"odds": [(2.0, 3.0)] * 5}, "shape"),
        ({"staking": "martingale"}, "unknown staking"),
        ({"fraction": 0.0}, "fraction"),
    ],
)
def test_bad_input_is_refused(kwargs: dict, problem: str) -> None:
    arguments = {"probs": PROBS, "odds": ODDS, "outcomes": OUTCOMES, **kwargs}
    with pytest.raises(ValueError, match=problem):
        bet_by_match(**arguments)
