from __future__ import annotations

import numpy as np
import pytest

from scoreline.scoring import bootstrap_mean_ci, bootstrap_mean_ci_many


def _points(n: int, seed: int) -> np.ndarray:
    """Kicktipp-like points: mostly 0, some 2-6, a few 10."""
    rng = np.random.default_rng(seed)
    return rng.choice([0, 0, 0, 2, 3, 4, 6, 10], size=n).astype(float)


def test_same_seed_same_interval_other_seed_other_interval() -> None:
    values = _points(200, seed=1)
    assert bootstrap_mean_ci(values, seed=7) == bootstrap_mean_ci(values, seed=7)
    assert bootstrap_mean_ci(values, seed=7) != bootstrap_mean_ci(values, seed=8)


@pytest.mark.parametrize("seed", range(5))
def test_interval_contains_the_mean(seed: int) -> None:
    values = _points(150, seed=seed)
    lower, upper = bootstrap_mean_ci(values.tolist())
    assert lower < values.mean() < upper


def test_interval_narrows_with_more_matches() -> None:
    small = bootstrap_mean_ci(_points(50, seed=3))
    large = bootstrap_mean_ci(_points(2000, seed=3))
    assert large[1] - large[0] < (small[1] - small[0]) / 3


def test_higher_confidence_is_wider() -> None:
    values = _points(300, seed=4)
    narrow = bootstrap_mean_ci(values, confidence=0.8)
    wide = bootstrap_mean_ci(values, confidence=0.99)
    assert wide[0] < narrow[0] < narrow[1] < wide[1]


def test_constant_values_give_a_point_interval() -> None:
    assert bootstrap_mean_ci([3.0] * 40) == (3.0, 3.0)
    assert bootstrap_mean_ci([4.0]) == (4.0, 4.0)


def test_coverage_is_close_to_nominal() -> None:
    # 300 data sets from a known distribution: a 90% interval should hold the
    # true mean about 90% of the time (percentile bootstrap runs slightly low).
    population = np.array([0, 0, 0, 2, 3, 4, 6, 10], dtype=float)
    rng = np.random.default_rng(11)
    samples = rng.choice(population, size=(300, 120))
    bounds = bootstrap_mean_ci_many(samples, n_resamples=1000, confidence=0.9, seed=5)
    covered = (bounds[:, 0] <= population.mean()) & (population.mean() <= bounds[:, 1])
    assert 0.82 <= covered.mean() <= 0.96


def test_batched_matches_single_per_model() -> None:
    matrix = np.vstack([_points(90, seed=s) for s in range(4)])
    batched = bootstrap_mean_ci_many(matrix, n_resamples=500, seed=2)
    assert batched.shape == (4, 2)
    for row, bounds in zip(matrix, batched, strict=True):
        assert bootstrap_mean_ci(row, n_resamples=500, seed=2) == pytest.approx(tuple(bounds))


def test_batched_chunking_does_not_change_results(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reason for monkeypatch: the chunk size is a memory bound, too large to
    # reach in a fast test; shrinking it exercises the multi-chunk path.
    from scoreline.scoring import bootstrap

    matrix = np.vstack([_points(60, seed=s) for s in range(3)])
    whole = bootstrap_mean_ci_many(matrix, n_resamples=300, seed=9)
    monkeypatch.setattr(bootstrap, "_MAX_CELLS_PER_CHUNK", 60 * 7)
    chunked = bootstrap_mean_ci_many(matrix, n_resamples=300, seed=9)
    np.testing.assert_allclose(chunked, whole)


def test_nan_marks_matches_a_model_did_not_predict() -> None:
    matrix = np.array(
        [
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            [np.nan, np.nan, 10.0, 10.0, np.nan, 10.0],
            [np.nan] * 6,
        ]
    )
    bounds = bootstrap_mean_ci_many(matrix, n_resamples=400)
    assert 1.0 <= bounds[0, 0] < bounds[0, 1] <= 6.0
    np.testing.assert_allclose(bounds[1], [10.0, 10.0])
    assert np.isnan(bounds[2]).all()


@pytest.mark.parametrize(
    ("values", "kwargs"),
    [
        ([], {}),
        ([1.0, 2.0], {"confidence": 1.0}),
        ([1.0, 2.0], {"confidence": 0.0}),
        ([1.0, 2.0], {"n_resamples": 0}),
        ([[1.0, 2.0]], {}),
    ],
)
def test_invalid_arguments_are_rejected(values: list[float], kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        bootstrap_mean_ci(values, **kwargs)  # type: ignore[arg-type]


def test_small_integer_points_take_the_exact_float32_path() -> None:
    from scoreline.scoring import bootstrap

    points = np.vstack([_points(500, seed=s) for s in range(3)])
    assert bootstrap._product_dtype(points) is np.float32
    assert bootstrap._product_dtype(points + 0.5) is np.float64
    assert bootstrap._product_dtype(points * 1e5) is np.float64
    # The same resamples: shifting every value by 0.5 shifts every mean by exactly 0.5.
    exact = bootstrap._resampled_means(points, n_resamples=200, seed=4)
    shifted = bootstrap._resampled_means(points + 0.5, n_resamples=200, seed=4)
    np.testing.assert_allclose(exact + 0.5, shifted, rtol=0, atol=1e-12)
    gappy = points.copy()
    gappy[1, ::3] = np.nan
    exact = bootstrap._resampled_means(gappy, n_resamples=200, seed=4)
    shifted = bootstrap._resampled_means(gappy + 0.5, n_resamples=200, seed=4)
    np.testing.assert_allclose(exact + 0.5, shifted, rtol=0, atol=1e-12)
