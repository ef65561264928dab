"""A hand-checked mini-season: 6 matches, 4 models, every number worked out here.

Quotas from 4 predictions (P = share): 1 of 4 -> 6/2.5 - 0.6 + 2 = 3.8 -> 4; 2 of 4 -> 2.6
-> 3; 3 of 4 -> 2.2 -> 2; 4 of 4 -> 2; nobody -> 6.

| match | result | alpha     | bravo     | charlie   | delta     | quotas H/D/A |
| ----- | ------ | --------- | --------- | --------- | --------- | ------------ |
| m1    | 2-1    | 2-1 -> 6  | 1-0 -> 3  | 3-1 -> 2  | 1-1 -> 0  | 2 / 4 / 6    |
| m2    | 1-1    | 2-1 -> 0  | 1-1 -> 6  | 0-0 -> 2  | 1-1 -> 6  | 4 / 2 / 6    |
| m3    | 0-2    | 2-1 -> 0  | 0-1 -> 3  | 1-3 -> 4  | 1-1 -> 0  | 4 / 4 / 3    |
| m4    | 3-0    | 2-1 -> 2  | 2-0 -> 2  | 3-0 -> 6  | 1-1 -> 0  | 2 / 4 / 6    |
| m5    | 1-1    | 2-1 -> 0  | 0-0 -> 2  | 2-2 -> 2  | 1-1 -> 6  | 4 / 2 / 6    |
| m6    | 0-1    | 2-1 -> 0  | 0-3 -> 3  | 0-2 -> 3  | 1-1 -> 0  | 4 / 4 / 3    |

(a right draw that is not exact earns the quota only; an exact draw quota + 1 + 3.)
Totals: alpha 8, bravo 19, charlie 19, delta 12. Tendencies right: alpha 2, bravo 6,
charlie 6, delta 2. Exact: alpha 1, bravo 1, charlie 1, delta 2. Goal-difference bonus:
alpha 1 (m1), bravo 2 (m1, m2), charlie 2 (m3, m4), delta 2 (m2, m5). The fallback served
alpha on m1 and m2 and charlie on m3.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scoreline.store import (
    Database,
    ModelRow,
    NewPrediction,
    import_matches,
    insert_predictions,
    sync_models,
)
from scoreline.store.matches_csv import REQUIRED_COLUMNS

MODELS = ("alpha", "bravo", "charlie", "delta")
HEADER = [*REQUIRED_COLUMNS, "status"]
IMPORTED_AT = datetime(2024, 12, 1, tzinfo=UTC)
SCORED_AT = datetime(2025, 1, 7, tzinfo=UTC)


def mid(n: int) -> str:
    """Id of mini-season match ``n`` (1..6)."""
    return f"E0-2024-25-900{n}"


def kickoff(n: int) -> datetime:
    """Kick-off of match ``n``: 2025-01-0n 15:00 UTC."""
    return datetime(2025, 1, n, 15, 0, tzinfo=UTC)


RESULTS = {1: (2, 1), 2: (1, 1), 3: (0, 2), 4: (3, 0), 5: (1, 1), 6: (0, 1)}
PREDICTIONS = {
    "alpha": {1: (2, 1), 2: (2, 1), 3: (2, 1), 4: (2, 1), 5: (2, 1), 6: (2, 1)},
    "bravo": {1: (1, 0), 2: (1, 1), 3: (0, 1), 4: (2, 0), 5: (0, 0), 6: (0, 3)},
    "charlie": {1: (3, 1), 2: (0, 0), 3: (1, 3), 4: (3, 0), 5: (2, 2), 6: (0, 2)},
    "delta": {n: (1, 1) for n in range(1, 7)},
}
FALLBACK = {("alpha", 1), ("alpha", 2), ("charlie", 3)}
POINTS = {
    "alpha": [6, 0, 0, 2, 0, 0],
    "bravo": [3, 6, 3, 2, 2, 3],
    "charlie": [2, 2, 4, 6, 2, 3],
    "delta": [0, 6, 0, 0, 6, 0],
}
QUOTAS = {1: (2, 4, 6), 2: (4, 2, 6), 3: (4, 4, 3), 4: (2, 4, 6), 5: (4, 2, 6), 6: (4, 4, 3)}


def row(
    match_id: str,
    when: datetime,
    goals: tuple[int, int] | None,
    *,
    competition: str = "E0",
    season: str = "2024-25",
    status: str = "",
) -> dict[str, str]:
    """One CSV row of the bundled format."""
    home, away = goals if goals is not None else ("", "")
    return {
        "match_id": match_id,
        "competition": competition,
        "competition_name": "Test League",
        "season": season,
        "kickoff_utc": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "home_team": f"Home {match_id[-1]}",
        "away_team": f"Away {match_id[-1]}",
        "home_goals": str(home),
        "away_goals": str(away),
        "odds_home": "2.1",
        "odds_draw": "3.4",
        "odds_away": "3.6",
        "status": status,
    }


def season_rows(results: dict[int, tuple[int, int] | None] | None = None) -> list[dict[str, str]]:
    """The six matches; ``results`` overrides some results (None: not played yet)."""
    chosen: dict[int, tuple[int, int] | None] = {**RESULTS, **(results or {})}
    return [row(mid(n), kickoff(n), chosen[n]) for n in range(1, 7)]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write rows with the bundled header (plus ``status``)."""
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def add_models(db: Database, ids: tuple[str, ...] = MODELS) -> None:
    """Register models (display names are the ids capitalised)."""
    sync_models(db, [ModelRow(m, "test", m, m.capitalize()) for m in ids])


def predict(
    db: Database,
    model_id: str,
    match_id: str,
    score: tuple[int, int],
    *,
    made_at: datetime,
    used_fallback: bool = False,
    after_kickoff: bool = False,
) -> None:
    """Store one prediction."""
    prediction = NewPrediction(
        match_id=match_id,
        model_id=model_id,
        predicted_home=score[0],
        predicted_away=score[1],
        used_fallback=used_fallback,
        answered_by=f"{model_id}-fb" if used_fallback else model_id,
        after_kickoff=after_kickoff,
        created_at=made_at,
    )
    insert_predictions(db, [prediction])


def seed(db: Database, tmp_path: Path, extra: list[dict[str, str]] | None = None) -> Path:
    """Import the six matches (and ``extra`` rows) and store the 24 predictions, unscored."""
    path = write_csv(tmp_path / "mini.csv", season_rows() + (extra or []))
    import_matches(db, path, now=IMPORTED_AT)
    add_models(db)
    for model_id, scores in PREDICTIONS.items():
        for n, score in scores.items():
            made_at = kickoff(n) - timedelta(hours=1)
            fallback = (model_id, n) in FALLBACK
            predict(db, model_id, mid(n), score, made_at=made_at, used_fallback=fallback)
    return path
