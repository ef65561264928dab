"""The predict job against the sandbox and a real store: attribution, idempotency, health."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scoreline.predict.job import predict_match
from scoreline.predict.plan import PredictRefusedError
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, Match, Model, Prediction, PredictionAttempt
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config

FIXTURES = {f"E0-2024-25-02{n:02d}" for n in range(10)}
MATCH = "E0-2024-25-0200"


def catalog(n: int, fallbacks: dict[int, int]) -> str:
    """``n`` models m00..; model i falls back to model fallbacks[i] (on the other provider)."""
    lines = []
    for i in range(n):
        provider = "alpha" if i % 2 == 0 else "beta"
        lines.append(f'[[models]]\nid = "m{i:02d}"\nprovider = "{provider}"\nmodel = "w{i:02d}"')
        if i in fallbacks:
            lines.append(f'fallback = "m{fallbacks[i]:02d}"')
    return "\n".join(lines) + "\n"


def predictions(db: Database, match_id: str) -> dict[str, Prediction]:
    with db.session() as session:
        rows = session.scalars(select(Prediction).where(Prediction.match_id == match_id))
        return {p.model_id: p for p in rows}


def count(db: Database, table: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


@pytest.fixture
def store(db: Database, tmp_path: Path) -> tuple[Database, Path]:
    return db, import_with_fixtures(db, tmp_path, FIXTURES)


async def test_forty_models_with_faults_store_truthful_attribution(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv_path = store
    fallbacks = {0: 1, 2: 3, 4: 5, 6: 7, 8: 9, 10: 11}
    config = write_config(tmp_path, fresh_sandbox.base_url, catalog(40, fallbacks))
    faults = {
        "w00": Fault(FaultMode.STATUS, status=503),  # falls back to m01
        "w02": Fault(FaultMode.HANG),  # timeout, falls back to m03
        "w04": Fault(FaultMode.PROSE),  # unparseable, falls back to m05
        "w06": Fault(FaultMode.RESET),
        "w12": Fault(FaultMode.STATUS, status=429),  # no fallback: fails
        "w14": Fault(FaultMode.OUT_OF_RANGE),  # no fallback: fails
    }
    for wire, fault in faults.items():
        fresh_sandbox.set_fault(wire, fault)
    config = config.model_copy(
        update={
            "providers": {
                k: v.model_copy(update={"timeout_s": 1.0}) for k, v in config.providers.items()
            }
        }
    )
    now = before(kickoff_of(csv_path, MATCH))

    summary = await predict_match(db, config, MATCH, now=now)

    assert (summary.asked, summary.predicted, summary.via_fallback) == (40, 38, 4)
    assert summary.failed == {"rate_limited": 1, "unparseable": 1}
    stored = predictions(db, MATCH)
    assert set(stored) == {f"m{i:02d}" for i in range(40)} - {"m12", "m14"}
    for model_id, row in stored.items():
        expected = model_id in {"m00", "m02", "m04", "m06"}
        assert row.used_fallback is expected, model_id
        assert row.answered_by == (f"m{int(model_id[1:]) + 1:02d}" if expected else model_id)
        assert row.status == "pending" and not row.after_kickoff
    counts = fresh_sandbox.request_counts()
    assert all(counts[f"w{i:02d}"] == 1 for i in range(40) if i not in {1, 3, 5, 7})
    assert all(counts[f"w{i:02d}"] == 2 for i in (1, 3, 5, 7))  # own call + serving as fallback
    assert count(db, PredictionAttempt) == 44
    with db.session() as session:
        match = session.get(Match, MATCH)
        assert match is not None and match.quota_home is not None

    again = await predict_match(db, config, MATCH, now=now)
    assert (again.asked, again.predicted) == (2, 0)  # only the two failed models are retried
    assert len(predictions(db, MATCH)) == 38


async def test_concurrent_duplicate_runs_store_each_model_once(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv_path = store
    config = write_config(tmp_path, fresh_sandbox.base_url, catalog(10, {}))
    fresh_sandbox.set_latency(0.2)
    now = before(kickoff_of(csv_path, MATCH))
    first, second = await asyncio.gather(
        predict_match(db, config, MATCH, now=now), predict_match(db, config, MATCH, now=now)
    )
    assert first.predicted + second.predicted == 10
    assert len(predictions(db, MATCH)) == 10


async def test_five_unparseable_replies_disable_a_model(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv_path = store
    config = write_config(tmp_path, fresh_sandbox.base_url, catalog(4, {2: 3}))
    fresh_sandbox.set_fault("w00", Fault(FaultMode.PROSE))  # no fallback
    fresh_sandbox.set_fault("w02", Fault(FaultMode.PROSE))  # fallback serves it
    fresh_sandbox.set_fault("w01", Fault(FaultMode.STATUS, status=503))  # provider trouble
    ids = sorted(FIXTURES)[:6]
    disabled: list[str] = []
    for match_id in ids:
        summary = await predict_match(
            db, config, match_id, now=before(kickoff_of(csv_path, match_id))
        )
        disabled += summary.disabled
    assert disabled == ["m00", "m02"]  # after the 5th; the fallback's success did not reset m02
    with db.session() as session:
        models = {m.id: m for m in session.scalars(select(Model))}
    assert models["m00"].auto_disabled and models["m02"].auto_disabled
    assert not models["m01"].auto_disabled  # 503s are the provider's, not the model's
    assert models["m01"].consecutive_failures == 0
    assert set(predictions(db, ids[-1])) == {"m03"}  # m00, m02 disabled; m01 failed


async def test_refuses_after_kickoff_unless_allowed(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv_path = store
    config = write_config(tmp_path, fresh_sandbox.base_url, catalog(2, {}))
    late = kickoff_of(csv_path, MATCH)
    with pytest.raises(PredictRefusedError, match="kicked off"):
        await predict_match(db, config, MATCH, now=late)
    with pytest.raises(PredictRefusedError, match="is finished"):
        await predict_match(db, config, "E0-2024-25-0001", now=late)
    summary = await predict_match(db, config, MATCH, now=late, allow_after_kickoff=True)
    assert summary.predicted == 2
    assert all(p.after_kickoff for p in predictions(db, MATCH).values())
    assert fresh_sandbox.request_counts() == {"w00": 1, "w01": 1}
