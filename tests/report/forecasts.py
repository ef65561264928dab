"""A season of probabilistic forecasts for the evaluation tests.

40 finished matches with varied results and odds; four models on the ``test`` provider:

- ``ref-market``: the market's de-margined probabilities (from the odds, proportional);
- ``sharp``: the market's probabilities leaning 10 % toward what happened (better than it);
- ``flat``: always 0.4 / 0.3 / 0.3 (worse);
- ``patchy``: the market's on the first 30 matches only, and no probabilities on the rest
  (the common matches of everyone are then the first 30).

``late`` predicts 12 matches only (provisional under ``min_matches=30``). Every prediction
is made an hour before kick-off; scores follow the most likely outcome.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from scoreline.scoring.settle import score_all
from scoreline.store import (
    Database,
    ModelRow,
    NewPrediction,
    import_matches,
    insert_predictions,
    sync_models,
)
from tests.scoring.season import write_csv

N_MATCHES = 40
MODELS = ("flat", "late", "patchy", "ref-market", "sharp")
START = datetime(2024, 8, 10, 15, tzinfo=UTC)
SCORED_AT = datetime(2025, 1, 1, tzinfo=UTC)
_RESULTS = [(2, 1), (1, 1), (0, 1), (3, 0), (1, 2), (0, 0), (2, 0), (1, 3)]


def match_id(n: int) -> str:
    """Id of match ``n`` (0-based)."""
    return f"E0-2024-25-7{n:03d}"


def kickoff(n: int) -> datetime:
    """Kick-off of match ``n``: one a day."""
    return START + timedelta(days=n)


def result(n: int) -> tuple[int, int]:
    """Final score of match ``n``."""
    return _RESULTS[(n * 5) % len(_RESULTS)]


def odds(n: int) -> tuple[float, float, float]:
    """Decimal odds of match ``n``: a home favourite some days, an away one others."""
    home = 1.5 + (n % 7) * 0.45
    return (round(home, 2), 3.4, round(9.0 / home + 0.8, 2))


def market(n: int) -> np.ndarray:
    """The market's probabilities of match ``n`` (proportional de-margining)."""
    implied = 1.0 / np.asarray(odds(n))
    return implied / implied.sum()


def outcome(n: int) -> int:
    """0 home win, 1 draw, 2 away win."""
    home, away = result(n)
    return 0 if home > away else (1 if home == away else 2)


def forecast(model_id: str, n: int) -> np.ndarray | None:
    """The probabilities ``model_id`` gives match ``n`` (None: none)."""
    if model_id == "flat":
        return np.array([0.4, 0.3, 0.3])
    if model_id == "sharp":
        return 0.9 * market(n) + 0.1 * np.eye(3)[outcome(n)]
    if model_id == "patchy" and n >= 30:
        return None
    return market(n)


def predicted_matches(model_id: str) -> range:
    """The matches a model predicted."""
    return range(12) if model_id == "late" else range(N_MATCHES)


def _score(probs: np.ndarray | None) -> tuple[int, int]:
    if probs is None:
        return (1, 0)
    return ((1, 0), (1, 1), (0, 1))[int(np.argmax(probs))]


def _rows() -> list[dict[str, str]]:
    rows = []
    for n in range(N_MATCHES):
        home, away = result(n)
        o = odds(n)
        rows.append(
            {
                "match_id": match_id(n),
                "competition": "E0",
                "competition_name": "Test League",
                "season": "2024-25",
                "kickoff_utc": kickoff(n).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "home_team": f"Home {n}",
                "away_team": f"Away {n}",
                "home_goals": str(home),
                "away_goals": str(away),
                "odds_home": str(o[0]),
                "odds_draw": str(o[1]),
                "odds_away": str(o[2]),
                "status": "",
            }
        )
    return rows


def seed(db: Database, tmp_path: Path, *, score: bool = True) -> None:
    """Import the matches, store every prediction and (by default) score them."""
    import_matches(db, write_csv(tmp_path / "forecasts.csv", _rows()), now=START - timedelta(1))
    sync_models(db, [ModelRow(m, "test", m, m.capitalize()) for m in MODELS])
    predictions = []
    for model_id in MODELS:
        for n in predicted_matches(model_id):
            probs = forecast(model_id, n)
            p = (None, None, None) if probs is None else tuple(float(x) for x in probs)
            home, away = _score(probs)
            predictions.append(
                NewPrediction(
                    match_id=match_id(n),
                    model_id=model_id,
                    predicted_home=home,
                    predicted_away=away,
                    used_fallback=False,
                    answered_by=model_id,
                    created_at=kickoff(n) - timedelta(hours=1),
                    p_home=p[0],
                    p_draw=p[1],
                    p_away=p[2],
                )
            )
    insert_predictions(db, predictions)
    if score:
        score_all(db, now=SCORED_AT)
