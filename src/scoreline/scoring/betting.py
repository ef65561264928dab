"""Betting simulation: what a forecaster's probabilities would have earned at closing odds.

For each match the forecaster backs the outcome with the largest edge ``p * odds - 1``, and
only when that edge is above ``min_edge`` (0 by default: it bets where it disagrees with the
price in its own favour, never otherwise). Two staking rules:

- **flat**: one unit on every bet;
- **Kelly**: ``fraction`` of the Kelly stake ``edge / (odds - 1)`` of a bankroll of one unit.
  Stakes are not compounded (the bankroll is reset every match), so each match's profit is
  independent of the order of matches and the matches can be resampled like any other
  per-match value.

The return is ``profit / staked`` (the yield, -1 lost everything staked). Its interval
resamples matches (``scoring.uncertainty``): profit and stake of the same resampled matches,
so the interval is of the ratio, not of two separate means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scoreline.scoring.probabilities import check_forecasts
from scoreline.scoring.uncertainty import DEFAULT_RESAMPLES, Interval, resampled_means

__all__ = ["BettingReturn", "Staking", "bet_by_match", "betting_return"]

Staking = Literal["flat", "kelly"]
"""How much is staked on a bet."""


@dataclass(frozen=True, slots=True)
class BettingReturn:
    """The outcome of backing a forecaster's best edges at closing odds."""

    staking: Staking
    """``flat`` or ``kelly``."""
    bets: int
    """Matches bet on."""
    staked: float
    """Units staked in all."""
    profit: float
    """Units won minus units staked."""
    roi: Interval | None
    """``profit / staked`` with its bootstrap interval; None when nothing was staked."""


def _checked_odds(odds: ArrayLike, n: int) -> NDArray[np.float64]:
    prices = np.asarray(odds, dtype=np.float64)
    if prices.shape != (n, 3):
        raise ValueError(f"odds must have shape ({n}, 3), got {prices.shape}")
    known = ~np.isnan(prices)
    if np.any(known & ~(prices > 1.0)) or np.any(np.isinf(prices)):
        raise ValueError("decimal odds must be finite and above 1 (NaN: unknown)")
    return prices


def bet_by_match(
    probs: ArrayLike,
    odds: ArrayLike,
    outcomes: ArrayLike,
    *,
    staking: Staking = "flat",
    fraction: float = 0.25,
    min_edge: float = 0.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the stake and the profit of every match (both 0 where nothing is bet).

    Args:
        probs: Shape ``(n, 3)``: ``(p_home, p_draw, p_away)`` per match.
        odds: Shape ``(n, 3)``: closing decimal odds; a row with a NaN is not bet on.
        outcomes: Shape ``(n,)``: 0 home, 1 draw, 2 away.
        staking: ``flat`` (one unit) or ``kelly`` (``fraction`` of the Kelly stake).
        fraction: Share of the full Kelly stake, in (0, 1].
        min_edge: Smallest edge ``p * odds - 1`` worth a bet.

    Raises:
        ValueError: Invalid forecasts or odds, unknown staking, or ``fraction`` out of range.
    """
    forecasts, observed = check_forecasts(probs, outcomes)
    prices = _checked_odds(odds, observed.size)
    if staking not in ("flat", "kelly"):
        raise ValueError(f"unknown staking {staking!r} (flat, kelly)")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    edges = np.where(np.isnan(prices), -np.inf, forecasts * np.nan_to_num(prices, nan=1.0) - 1)
    pick = np.argmax(edges, axis=1)
    rows = np.arange(observed.size)
    edge, price = edges[rows, pick], prices[rows, pick]
    betting = edge > min_edge
    if staking == "flat":
        stake = betting.astype(np.float64)
    else:
        kelly = np.minimum(np.where(betting, edge / (price - 1.0), 0.0), 1.0)
        stake = fraction * kelly
    won = pick == observed
    profit = np.where(betting, np.where(won, stake * (price - 1.0), -stake), 0.0)
    return stake, np.asarray(profit, dtype=np.float64)


def betting_return(
    probs: ArrayLike,
    odds: ArrayLike,
    outcomes: ArrayLike,
    *,
    staking: Staking = "flat",
    fraction: float = 0.25,
    min_edge: float = 0.0,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    seed: int = 0,
) -> BettingReturn:
    """Return what backing the forecaster's best edges earned, with a bootstrap interval.

    Arguments as ``bet_by_match``, plus the bootstrap's ``n_resamples``, ``confidence`` and
    ``seed`` (resamples whose matches hold no bet are left out of the interval).
    """
    if n_resamples < 1 or not 0 < confidence < 1:
        raise ValueError("n_resamples must be positive and confidence in (0, 1)")
    stake, profit = bet_by_match(
        probs, odds, outcomes, staking=staking, fraction=fraction, min_edge=min_edge
    )
    staked = float(stake.sum())
    bets = int((stake > 0).sum())
    if staked <= 0:
        return BettingReturn(staking, bets, 0.0, 0.0, None)
    means = resampled_means(np.vstack([profit, stake]), n_resamples=n_resamples, seed=seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(means[1] > 0, means[0] / means[1], np.nan)
    alpha = (1 - confidence) / 2
    low, high = np.nanquantile(ratios, [alpha, 1 - alpha])
    roi = Interval(float(profit.sum() / staked), float(low), float(high))
    return BettingReturn(staking, bets, staked, float(profit.sum()), roi)
