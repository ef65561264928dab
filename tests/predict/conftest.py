"""Fixtures for predict-job tests: a migrated store with real matches and a sandbox catalog."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

from scoreline.config import Config, load_config
from scoreline.store import Database, bundled_matches_path, import_matches

SEASON = "2024-25"


def import_with_fixtures(db: Database, tmp_path: Path, fixture_ids: set[str]) -> Path:
    """Import E0 2023-24 and 2024-25, with the given matches' results blanked (not yet played)."""
    source = bundled_matches_path("E0")
    target = tmp_path / "matches.csv"
    with source.open(newline="") as src, target.open("w", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            if row["season"] not in ("2023-24", SEASON):
                continue
            if row["match_id"] in fixture_ids:
                row["home_goals"] = row["away_goals"] = ""
            writer.writerow(row)
    import_matches(db, target)
    return target


def kickoff_of(path: Path, match_id: str) -> datetime:
    """The kick-off of a match in an imported file."""
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["match_id"] == match_id:
                return datetime.fromisoformat(row["kickoff_utc"].replace("Z", "+00:00"))
    raise KeyError(match_id)


def before(kickoff: datetime, minutes: int = 20) -> datetime:
    """A moment shortly before kick-off."""
    return kickoff - timedelta(minutes=minutes)


def write_config(tmp_path: Path, base_url: str, models: str, *, extra: str = "") -> Config:
    """A sandbox catalog: providers ``alpha``/``beta`` (no keys needed) and the given models."""
    path = tmp_path / "predict.toml"
    path.write_text(
        f"""reference_models = false
{extra}
[providers.alpha]
base_url = "{base_url}"
max_concurrency = 64
timeout_s = 5
[providers.beta]
base_url = "{base_url}"
max_concurrency = 64
timeout_s = 5
{models}"""
    )
    return load_config(path)
