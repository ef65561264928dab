"""De-margined 1X2 probabilities by method (penaltyblog's implementations)."""

from __future__ import annotations

import math
from importlib.util import find_spec

import pytest

from scoreline.scoring import implied_probabilities
from scoreline.scoring.market import DEMARGIN_METHODS, demargin

pytestmark = pytest.mark.skipif(
    find_spec("penaltyblog") is None,
    reason="penaltyblog not installed: pip install 'scoreline[reference]'",
)

ODDS = (2.7, 2.3, 4.4)
"""A book with a 3.2 % margin."""


@pytest.mark.parametrize("method", DEMARGIN_METHODS)
def test_probabilities_sum_to_one_and_keep_the_order_of_the_prices(method: str) -> None:
    home, draw, away = demargin(*ODDS, method=method)  # type: ignore[arg-type]
    assert home + draw + away == pytest.approx(1.0, abs=1e-15)
    assert draw > home > away


def test_multiplicative_by_hand() -> None:
    inverse = [1 / o for o in ODDS]
    expected = [x / sum(inverse) for x in inverse]
    assert demargin(*ODDS, method="multiplicative") == pytest.approx(expected, abs=1e-15)


def test_shin_agrees_with_the_market_forecasters_own_shin() -> None:
    assert demargin(*ODDS, method="shin") == pytest.approx(implied_probabilities(*ODDS), abs=1e-9)


def test_power_solves_for_the_exponent() -> None:
    probs = demargin(*ODDS, method="power")
    # p_k = (1 / odds_k) ** k with one k for all three outcomes.
    exponents = [math.log(p) / math.log(1 / o) for p, o in zip(probs, ODDS, strict=True)]
    assert max(exponents) - min(exponents) < 1e-9


@pytest.mark.parametrize("method", ["shin", "power"])
def test_the_long_shot_loses_more_than_proportionally(method: str) -> None:
    proportional = demargin(*ODDS, method="multiplicative")
    other = demargin(*ODDS, method=method)  # type: ignore[arg-type]
    assert other[2] < proportional[2]


def test_a_book_without_margin_is_normalised_for_shin() -> None:
    stale = (2.05, 3.6, 4.3)  # inverse prices sum to 0.998
    assert demargin(*stale, method="shin") == demargin(*stale, method="multiplicative")


@pytest.mark.parametrize(
    ("odds", "method", "problem"),
    [
        ((1.0, 3.0, 4.0), "shin", "odds must be > 1"),
        ((2.0, 3.0, 4.0), "additive", "unknown de-margining method"),
    ],
)
def test_bad_input_is_refused(odds: tuple[float, float, float], method: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        demargin(*odds, method=method)  # type: ignore[arg-type]
