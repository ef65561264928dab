"""The backlog age the alert reads: time since the queue was last empty."""

from __future__ import annotations

from scoreline.queue.backlog import BacklogWatch


def test_the_age_grows_while_work_waits_and_resets_when_the_queue_drains() -> None:
    watch = BacklogWatch()
    assert watch.observe(3, 100.0) == 0.0  # first sight: the clock starts now
    assert watch.observe(5, 160.0) == 60.0
    assert watch.observe(1, 400.0) == 300.0
    assert watch.observe(0, 410.0) == 0.0  # drained
    assert watch.observe(2, 420.0) == 10.0  # new work ages from the last empty sight
