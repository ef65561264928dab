"""Resample counts are the same whichever way they are counted."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from scoreline.scoring import uncertainty
from scoreline.scoring.uncertainty import resample_counts


def _offset_counts(seed: int, size: int, n_matches: int) -> NDArray[np.int64]:
    """The counts of ``size`` resamples as one ``bincount`` over offset rows."""
    picks = np.random.default_rng(seed).integers(0, n_matches, size=(size, n_matches))
    flat = (picks + (np.arange(size) * n_matches)[:, np.newaxis]).ravel()
    return np.bincount(flat, minlength=size * n_matches).reshape(size, n_matches)


@pytest.mark.parametrize("row_by_row", [1, 10**9])
@pytest.mark.parametrize("n_matches", [1, 7, 2048, 5000])
def test_both_ways_of_counting_agree(
    n_matches: int, row_by_row: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uncertainty, "ROW_BY_ROW_MATCHES", row_by_row)
    counts = resample_counts(np.random.default_rng(11), size=9, n_matches=n_matches)
    expected = _offset_counts(11, 9, n_matches)
    assert counts.dtype == expected.dtype
    assert np.array_equal(counts, expected)
    assert (counts.sum(axis=1) == n_matches).all()
