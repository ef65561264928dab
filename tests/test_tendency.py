"""One tendency rule: every place that turns a score into home win, draw or away win agrees."""

from __future__ import annotations

import itertools

import numpy as np

from scoreline.scoring.probabilities import outcome_index
from scoreline.store.predictions import result_of
from scoreline.tendency import Tendency, tendency_of

SCORES = list(itertools.product(range(8), repeat=2))
OUTCOME_ORDER = (Tendency.HOME, Tendency.DRAW, Tendency.AWAY)
"""The column order of 1X2 probabilities, as ``outcome_index`` numbers them."""


def test_the_rule() -> None:
    assert [tendency_of(h, a) for h, a in [(2, 1), (1, 1), (0, 3), (0, 0)]] == [
        Tendency.HOME,
        Tendency.DRAW,
        Tendency.AWAY,
        Tendency.DRAW,
    ]


def test_the_vectorised_outcome_is_the_same_rule() -> None:
    """The probability metrics score against ``outcome_index``; it must not drift from it."""
    home, away = np.array(SCORES).T
    assert [OUTCOME_ORDER[i] for i in outcome_index(home, away)] == [
        tendency_of(h, a) for h, a in SCORES
    ]


def test_the_stored_letter_is_the_same_rule() -> None:
    assert [result_of(h, a) for h, a in SCORES] == [tendency_of(h, a).value for h, a in SCORES]
