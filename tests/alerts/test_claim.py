"""The claim in ``alerts_sent``: one winner per cause and period, across workers."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from scoreline.alerts import check_alerts
from scoreline.config import Config
from scoreline.store import Database, claim_alert, recent_alerts
from tests.alerts.conftest import Receiver
from tests.alerts.world import NOW, seed_world


def test_a_lasting_cause_once_per_period(db: Database) -> None:
    def claim(at_s: float) -> bool:
        at = NOW + timedelta(seconds=at_s)
        return claim_alert(db, "backlog", now=at, repeat_after_s=3600, message=f"at {at_s}")

    assert [claim(0), claim(10), claim(3599), claim(3600), claim(3700)] == [
        True,
        False,
        False,
        True,
        False,
    ]
    [record] = recent_alerts(db)
    assert (record.sent, record.suppressed, record.last_message) == (2, 3, "at 3600")
    assert record.last_sent_at == NOW + timedelta(seconds=3600)


def test_an_occurrence_goes_out_once_and_is_not_counted_again(db: Database) -> None:
    first = claim_alert(db, "coverage:k1", now=NOW, repeat_after_s=0, message="m", once=True)
    later = NOW + timedelta(days=2)
    again = claim_alert(db, "coverage:k1", now=later, repeat_after_s=0, message="m", once=True)
    assert (first, again) == (True, False)
    [record] = recent_alerts(db)
    assert (record.sent, record.suppressed) == (1, 0)


def _race(dbs: list[Database], run) -> list:
    barrier = threading.Barrier(len(dbs))
    results: list = [None] * len(dbs)

    def work(i: int) -> None:
        barrier.wait()
        results[i] = run(dbs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(dbs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _workers(db: Database, count: int) -> list[Database]:
    """``count`` handles on the same store, as separate worker processes would have."""
    url = db.url.render_as_string(hide_password=False)
    return [Database(url, schema=db.schema) for _ in range(count)]


def test_concurrent_claims_have_one_winner(pg_db: Database) -> None:
    handles = _workers(pg_db, 6)
    try:
        won = _race(
            handles,
            lambda d: claim_alert(d, "budget", now=NOW, repeat_after_s=3600, message="b"),
        )
    finally:
        for handle in handles:
            handle.dispose()
    assert sorted(won) == [False] * 5 + [True]
    [record] = recent_alerts(pg_db)
    assert (record.sent, record.suppressed) == (1, 5)


def test_workers_checking_at_once_send_each_cause_once(
    pg_db: Database, world_config: Config, receiver: Receiver
) -> None:
    seed_world(pg_db)
    handles = _workers(pg_db, 4)
    try:
        sent = _race(handles, lambda d: check_alerts(d, world_config, NOW, backlog_age_s=900))
    finally:
        for handle in handles:
            handle.dispose()
    counts = Counter(alert.cause for found in sent for alert in found)
    # Three model events (broke disabled twice, ok recovered), the cooldown, the coverage,
    # the budget, the source and the backlog.
    assert len(counts) == 8 and set(counts.values()) == {1}
    bodies = "\n".join(body["text"] for body in receiver.bodies)
    assert bodies.count("kicked off with") == 1 and bodies.count("queue backlog") == 1
