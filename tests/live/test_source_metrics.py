"""``/metrics`` shows each source's requests by outcome and its last success, from the store."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from scoreline.standin import StandIn
from scoreline.store import Database
from scoreline.web.metrics import build_registry
from tests.live.conftest import MakeLive


def test_source_requests_and_last_success_reach_metrics(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live(af_key="not-the-key")
    live.sync(now=standin.world.now)
    live.sync(now=standin.world.now)
    registry = build_registry(sqlite_db, lambda: datetime.now(UTC))
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(generate_latest(registry).decode())
        for sample in family.samples
    }
    requests = "scoreline_source_requests_total"
    assert samples[(requests, (("outcome", "ok"), ("source", "fd")))] == 1
    # the second pass is a conditional request: the stand-in answers 304 Not Modified
    assert samples[(requests, (("outcome", "not_modified"), ("source", "fd")))] == 1
    assert samples[(requests, (("outcome", "auth"), ("source", "af")))] == 2
    fd_success = samples[("scoreline_source_last_success_timestamp", (("source", "fd"),))]
    assert fd_success == standin.world.now.timestamp()
    assert not any(
        name == "scoreline_source_last_success_timestamp" and ("source", "af") in labels
        for name, labels in samples
    )
