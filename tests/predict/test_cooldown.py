"""Cooldown across predict jobs: read from the attempts earlier jobs stored, nothing else."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from scoreline.predict.job import predict_match
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, get_model
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config

FIXTURES = {f"E0-2024-25-02{n:02d}" for n in range(10)}
CATALOG = """[[models]]
id = "m00"
provider = "alpha"
model = "w00"
fallback = "m01"
[[models]]
id = "m01"
provider = "beta"
model = "w01"
"""


async def test_a_failing_primary_cools_down_for_later_jobs_then_is_probed(
    db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    csv_path = import_with_fixtures(db, tmp_path, FIXTURES)
    config = write_config(
        tmp_path, fresh_sandbox.base_url, CATALOG, extra="[cooldown]\nthreshold = 2\nseconds = 600"
    )
    fresh_sandbox.set_fault("w00", Fault(FaultMode.STATUS, status=503))
    ids = sorted(FIXTURES, key=lambda m: (kickoff_of(csv_path, m), m))[:4]
    now = before(kickoff_of(csv_path, ids[0]))
    for match_id in ids[:2]:
        summary = await predict_match(db, config, match_id, now=now)
        assert (summary.predicted, summary.via_fallback) == (2, 1)
    assert fresh_sandbox.request_counts()["w00"] == 2
    cooling = get_model(db, "m00", now=now, cooldown=config.cooldown)
    assert cooling is not None and cooling.cooldown_until == now + timedelta(seconds=600)

    summary = await predict_match(db, config, ids[2], now=now)
    assert (summary.predicted, summary.via_fallback) == (2, 1)
    assert fresh_sandbox.request_counts()["w00"] == 2  # skipped: straight to the fallback

    fresh_sandbox.set_fault("w00", None)
    probe = now + timedelta(seconds=600)
    summary = await predict_match(db, config, ids[3], now=probe, allow_after_kickoff=True)
    assert (summary.predicted, summary.via_fallback) == (2, 0)  # probed and restored
    assert fresh_sandbox.request_counts()["w00"] == 3
    restored = get_model(db, "m00", now=probe, cooldown=config.cooldown)
    assert restored is not None and restored.cooldown_until is None
