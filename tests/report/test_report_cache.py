"""The public site's report cache: reused while the store is unchanged, never stale."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from scoreline.report.cache import ReportCache
from scoreline.store import Database, NewPrediction, insert_predictions
from scoreline.store.tables import Match, Prediction
from tests.report.seed import NOW, seed_all


def test_a_report_is_computed_again_only_when_the_store_changes(db: Database) -> None:
    seed_all(db)
    cache, calls = ReportCache(), []

    def report() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get(db, "r", ("a",), report) == 1
    assert cache.get(db, "r", ("a",), report) == 1  # unchanged store: reused
    assert cache.get(db, "r", ("b",), report) == 2  # other arguments: their own entry
    insert_predictions(db, [NewPrediction("m4", "beta", 1, 1, False, "beta")])
    assert cache.get(db, "r", ("a",), report) == 3  # a new prediction
    with db.session() as session:  # a prediction scored
        session.execute(
            update(Prediction)
            .where(Prediction.match_id == "m4", Prediction.model_id == "beta")
            .values(status="scored", points=2, scored_at=NOW + timedelta(days=9))
        )
    assert cache.get(db, "r", ("a",), report) == 4
    with db.session() as session:  # a match changed (a result, a kick-off)
        session.execute(
            update(Match).where(Match.id == "m4").values(updated_at=NOW + timedelta(days=9))
        )
    assert cache.get(db, "r", ("a",), report) == 5
    assert cache.get(db, "r", ("a",), report) == 5


def test_the_cache_keeps_at_most_its_size(db: Database) -> None:
    cache = ReportCache(size=2)
    for name in ("a", "b", "c"):
        cache.get(db, name, (), lambda n=name: n)
    assert cache.get(db, "a", (), lambda: "again") == "again"  # the oldest was dropped
    assert cache.get(db, "c", (), lambda: "again") == "c"


def test_a_pinned_page_reads_the_mark_once(db: Database) -> None:
    seed_all(db)
    cache, calls = ReportCache(), []

    def report() -> int:
        calls.append(1)
        return len(calls)

    with cache.pinned(db):
        assert cache.get(db, "r", (), report) == 1
        insert_predictions(db, [NewPrediction("m4", "beta", 1, 1, False, "beta")])
        assert cache.get(db, "r", (), report) == 1  # one page, one view of the store
        with cache.pinned(db):  # nested: the outer mark holds
            assert cache.get(db, "r", (), report) == 1
    assert cache.get(db, "r", (), report) == 2  # the next page sees the change
