"""Paired bootstrap, skill vs a reference, rank intervals and tests, reproducible by seed."""

from __future__ import annotations

import numpy as np
import pytest

from scoreline.scoring.uncertainty import (
    mean_interval,
    paired_difference,
    permutation_test,
    rank_intervals,
    resampled_means,
    sign_test,
    skill_vs_reference,
)


def _losses(n: int, mean: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(mean, 0.1, n), 0.0, None)


def test_same_seed_same_figures_other_seed_other_figures() -> None:
    a, b = _losses(300, 0.2, 1), _losses(300, 0.21, 2)
    first = paired_difference(a, b, lower_is_better=True, seed=7)
    assert paired_difference(a, b, lower_is_better=True, seed=7) == first
    assert paired_difference(a, b, lower_is_better=True, seed=8) != first
    assert skill_vs_reference(a, b, seed=3) == skill_vs_reference(a, b, seed=3)
    assert permutation_test(a, b, seed=3) == permutation_test(a, b, seed=3)
    matrix = np.vstack([a, b])
    assert rank_intervals(matrix, lower_is_better=True, seed=5) == rank_intervals(
        matrix, lower_is_better=True, seed=5
    )


def test_resamples_draw_whole_matches() -> None:
    # A constant row resamples to itself; a 0/1 row to multiples of 1/n.
    values = np.vstack([np.full(4, 2.5), [0.0, 1.0, 1.0, 0.0]])
    means = resampled_means(values, n_resamples=500, seed=0)
    assert means.shape == (2, 500)
    assert np.all(means[0] == 2.5)
    assert set(np.round(means[1] * 4, 9)) <= {0.0, 1.0, 2.0, 3.0, 4.0}


def test_mean_interval_holds_the_mean() -> None:
    values = _losses(400, 0.2, 3)
    interval = mean_interval(values)
    assert interval.estimate == pytest.approx(values.mean())
    assert interval.low < interval.estimate < interval.high


def test_paired_difference_of_a_clear_gap() -> None:
    better = _losses(400, 0.18, 1)
    worse = better + 0.02  # the same matches, uniformly worse
    result = paired_difference(better, worse, lower_is_better=True)
    assert result.n == 400
    assert result.difference.estimate == pytest.approx(-0.02)
    assert result.difference.low == pytest.approx(-0.02)
    assert result.difference.high == pytest.approx(-0.02)
    assert result.share_better == 1.0
    points = paired_difference(worse, better, lower_is_better=False)
    assert points.share_better == 1.0


def test_skill_vs_the_reference() -> None:
    market = _losses(500, 0.2, 4) + 0.01
    model = market * 0.9  # 10 % lower loss on every match
    skill = skill_vs_reference(model, market)
    assert skill.skill.estimate == pytest.approx(0.1)
    assert skill.skill.low == pytest.approx(0.1) and skill.skill.high == pytest.approx(0.1)
    assert skill.share_better == 1.0
    assert skill_vs_reference(market, market).skill.estimate == 0.0


def test_rank_intervals_with_a_clear_winner() -> None:
    n = 500
    winner = _losses(n, 0.10, 1)
    close_a, close_b = _losses(n, 0.25, 2), _losses(n, 0.25, 3)
    ranks = rank_intervals(np.vstack([close_a, winner, close_b]), lower_is_better=True)
    assert ranks[1].rank == 1
    assert (ranks[1].low, ranks[1].high) == (1, 1)
    assert ranks[1].p_first == 1.0
    for other in (ranks[0], ranks[2]):
        assert other.p_first == 0.0
        assert (other.low, other.high) == (2, 3)
    assert sorted(r.rank for r in ranks) == [1, 2, 3]


def test_points_rank_highest_first_and_ties_share_a_rank() -> None:
    points = np.array([[3.0, 2.0, 4.0], [3.0, 2.0, 4.0], [0.0, 0.0, 2.0]])
    ranks = rank_intervals(points, lower_is_better=False, n_resamples=200)
    assert [r.rank for r in ranks] == [1, 1, 3]
    assert ranks[0].p_first == ranks[1].p_first == 1.0
    assert ranks[2].p_first < 1.0


def test_sign_test_by_hand() -> None:
    # 9 wins, 1 loss, 2 ties: two-sided p = 2 * (1 + 10) / 2**10.
    a = [1.0] * 9 + [0.0] + [5.0, 5.0]
    b = [0.0] * 9 + [1.0] + [5.0, 5.0]
    assert sign_test(a, b) == pytest.approx(22 / 1024)
    assert sign_test(b, a) == pytest.approx(22 / 1024)
    assert sign_test([1.0, 2.0], [1.0, 2.0]) == 1.0


def test_permutation_test_separates_a_real_gap_from_noise() -> None:
    a = _losses(300, 0.2, 5)
    assert permutation_test(a, a + 0.01, n_resamples=999) == pytest.approx(1 / 1000)
    noise = permutation_test(a, _losses(300, 0.2, 6), n_resamples=999)
    assert noise > 0.05


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        (lambda: paired_difference([1.0, 2.0], [1.0], lower_is_better=True), "equal length"),
        (lambda: paired_difference([], [], lower_is_better=True), "at least one match"),
        (lambda: mean_interval([1.0, float("nan")]), "finite"),
        (lambda: mean_interval([1.0], n_resamples=0), "n_resamples"),
        (lambda: mean_interval([1.0], confidence=1.0), "confidence"),
        (lambda: skill_vs_reference([0.1], [0.0]), "undefined"),
    ],
)
def test_bad_input_is_refused(call: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        call()  # type: ignore[operator]
