"""Read-only listings on the hand-built data set of ``tests.report.seed``."""

from __future__ import annotations

import pytest

from scoreline.store import Database
from scoreline.store.listings import count_predictions, get_match_listing, list_recent_matches
from tests.report.seed import seed_all


@pytest.fixture
def seeded(db: Database) -> Database:
    seed_all(db)
    return db


def test_recent_matches_newest_first_with_counts(seeded: Database) -> None:
    recent = list_recent_matches(seeded)
    assert [(r.match.id, r.predictions) for r in recent] == [
        ("m4", 1),
        ("m3", 2),
        ("m2", 3),
        ("m1", 4),
    ]
    assert recent[0].match.home_team == "Everton"
    assert [r.match.id for r in list_recent_matches(seeded, limit=2)] == ["m4", "m3"]


def test_a_match_listing_has_its_predictions_best_first_with_names(seeded: Database) -> None:
    listing = get_match_listing(seeded, "m1")
    assert listing is not None
    assert (listing.match.id, listing.match.quota_draw) == ("m1", 4)
    assert [(p.model_id, p.display_name, p.points) for p in listing.predictions] == [
        ("alpha", "Alpha", 7),
        ("beta", "Beta", 4),
        ("solo", "Solo", 3),
        ("delta", "Delta", 0),
    ]
    first = listing.predictions[0]
    assert (first.used_fallback, first.answered_by) == (True, "alpha-tg")
    unscored = get_match_listing(seeded, "m4")
    assert unscored is not None and [p.points for p in unscored.predictions] == [None]
    assert get_match_listing(seeded, "nowhere") is None


def test_count_predictions_per_match(seeded: Database) -> None:
    assert count_predictions(seeded, ["m1", "m4", "nowhere"]) == {"m1": 4, "m4": 1}
    assert count_predictions(seeded, []) == {}
