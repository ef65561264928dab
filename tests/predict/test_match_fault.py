"""A match most models fail on is the match's fault: it must not disable the models.

Real predict jobs against the sandbox on SQLite and PostgreSQL: twelve models, one match on
which ten of them answer prose (as a broken team name in the prompt would make them), then a
model that is broken for real.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from scoreline.health import MATCH_FAULT_MIN_MODELS, match_at_fault
from scoreline.predict.job import predict_match
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, disabled_model_ids, get_model
from scoreline.store.tables import PredictionAttempt
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config

FIXTURES = {f"E0-2024-25-02{n:02d}" for n in range(4)}
CATALOG = "".join(
    f'[[models]]\nid = "m{i:02d}"\nprovider = "{"alpha" if i % 2 else "beta"}"\nmodel = "w{i:02d}"\n'
    for i in range(12)
)
PROSE = Fault(FaultMode.PROSE)


def test_the_rule() -> None:
    twelve = {f"m{i}": ("unparseable" if i < 10 else None) for i in range(12)}
    reason = match_at_fault(twelve)
    assert reason is not None and "10 of 12" in reason
    # One broken model among twelve: its failure counts.
    assert match_at_fault({f"m{i}": ("unparseable" if i == 0 else None) for i in range(12)}) is None
    # Provider trouble is not the match's fault either: it does not count anyway.
    assert match_at_fault(dict.fromkeys(twelve, "timeout")) is None
    # A retry asking only the broken model: the models that answered before count as asked.
    assert match_at_fault({"m0": "unparseable"}, answered_before=11) is None
    assert match_at_fault({"m0": "unparseable"}, answered_before=0) is None  # too few to tell
    assert MATCH_FAULT_MIN_MODELS == 3
    assert match_at_fault({"a": "unparseable", "b": "unparseable", "c": None}) is not None


async def test_one_bad_match_disables_no_model_but_a_broken_model_is_disabled(
    db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    csv_path = import_with_fixtures(db, tmp_path, FIXTURES)
    config = write_config(
        tmp_path, fresh_sandbox.base_url, CATALOG, extra="[health]\ndisable_after = 2"
    )
    bad, second, third, _ = sorted(FIXTURES, key=lambda m: (kickoff_of(csv_path, m), m))
    now = before(kickoff_of(csv_path, bad), minutes=25)
    for i in range(10):
        fresh_sandbox.set_fault(f"w{i:02d}", PROSE)
    # The first job and the sweep's retry of the ten that failed: two failures in a row each.
    first = await predict_match(db, config, bad, now=now)
    assert (first.predicted, first.failed) == (2, {"unparseable": 10})
    retry = await predict_match(db, config, bad, now=now)
    assert (retry.asked, retry.failed, retry.disabled) == (10, {"unparseable": 10}, [])
    assert disabled_model_ids(db) == set()
    m00 = get_model(db, "m00", now=now)
    assert m00 is not None and m00.consecutive_failures == 0
    assert m00.last_error is not None and "not counted: match at fault: 10 of 12" in m00.last_error
    with db.session() as session:
        reasons = set(
            session.scalars(
                select(PredictionAttempt.uncounted_reason).where(
                    PredictionAttempt.match_id == bad, PredictionAttempt.ok.is_(False)
                )
            )
        )
    assert len(reasons) == 1 and "10 of 12" in str(reasons.pop())

    # The match was at fault: the models answer the next matches. m11 is broken for real.
    fresh_sandbox.clear_faults()
    fresh_sandbox.set_fault("w11", PROSE)
    summary = await predict_match(db, config, second, now=now)
    assert (summary.predicted, summary.disabled) == (11, [])
    retry = await predict_match(db, config, second, now=now)  # asks m11 alone: it counts
    assert (retry.asked, retry.disabled) == (1, ["m11"])
    assert disabled_model_ids(db) == {"m11"}
    summary = await predict_match(db, config, third, now=now)
    assert (summary.asked, summary.predicted) == (11, 11)
