"""Matches without a file, backtest states and reveals, and job leases, on both engines."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from scoreline.store import (
    Database,
    NewPrediction,
    Reveal,
    get_match,
    insert_predictions,
    match_states,
    read_matches_csv,
    release_lease,
    reveal_results,
    take_lease,
    upsert_matches,
)

from .conftest import MatchLine, WriteCsv


def test_upsert_matches_imports_records_without_a_file(
    db: Database, write_csv: WriteCsv, match_line: MatchLine, now: datetime
) -> None:
    records = read_matches_csv(write_csv([match_line("a"), match_line("b", goals="1,0")]))
    report = upsert_matches(db, records, now=now)
    assert (report.inserted, report.updated, report.unchanged, report.rows) == (2, 0, 0, 2)
    later = now + timedelta(hours=1)
    again = upsert_matches(db, records, now=later)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    played = read_matches_csv(write_csv([match_line("a", goals="2,2")]))
    report = upsert_matches(db, played, now=later)
    assert (report.updated, report.changed_result_ids) == (1, ["a"])
    a = get_match(db, "a")
    assert a is not None
    assert (a.status, a.home_goals, a.updated_at, a.created_at) == ("finished", 2, later, now)


def test_match_states_and_reveal_results(catalog_db: Database, now: datetime) -> None:
    insert_predictions(catalog_db, [NewPrediction("m1", "alpha", 1, 0, False, "alpha")])
    assert match_states(catalog_db, ["m0", "m1", "m2", "nope"]) == {
        "m0": ("finished", 0),
        "m1": ("scheduled", 1),
        "m2": ("scheduled", 0),
    }
    revealed = now + timedelta(hours=2)
    assert reveal_results(catalog_db, [Reveal("m1", 3, 1, revealed)]) == 1
    assert reveal_results(catalog_db, []) == 0
    m1 = get_match(catalog_db, "m1")
    assert m1 is not None
    assert (m1.status, m1.home_goals, m1.away_goals, m1.updated_at) == ("finished", 3, 1, revealed)


def test_a_lease_has_one_holder_until_released_or_expired(db: Database, now: datetime) -> None:
    barrier = threading.Barrier(4)
    held: list[str] = []

    def take(owner: str) -> None:
        barrier.wait()
        if take_lease(db, "predict-m1", owner=owner, now=now, ttl_s=60):
            held.append(owner)

    threads = [threading.Thread(target=take, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(held) == 1
    holder = held[0]
    release_lease(db, "predict-m1", owner="someone-else")  # not theirs: kept
    assert not take_lease(db, "predict-m1", owner="late", now=now, ttl_s=60)
    expired = now + timedelta(seconds=60)
    assert take_lease(db, "predict-m1", owner="late", now=expired, ttl_s=60)  # holder died
    release_lease(db, "predict-m1", owner="late")
    assert take_lease(db, "predict-m1", owner=holder, now=expired, ttl_s=60)
