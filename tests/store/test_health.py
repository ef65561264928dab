"""Model catalog sync, health counters and the shared primary cooldown."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from scoreline.store import (
    CooldownState,
    Database,
    Model,
    ModelRow,
    UnknownModelError,
    cooldown_state,
    enable_model,
    list_models,
    record_model_failure,
    record_model_success,
    record_primary_result,
    sync_models,
)

from .conftest import CATALOG


def _model(db: Database, model_id: str) -> Model:
    with db.session() as session:
        return next(m for m in list_models(session) if m.id == model_id)


def _fail(db: Database, model_id: str, now: datetime, *, counts: bool = True) -> bool:
    with db.session() as session:
        return record_model_failure(
            session,
            model_id,
            error="bad reply",
            counts_toward_disable=counts,
            disable_after=3,
            now=now,
        )


def test_sync_models_inserts_and_updates_without_clobbering_health(
    catalog_db: Database, now: datetime
) -> None:
    for _ in range(3):
        _fail(catalog_db, "beta", now)
    changed = replace(CATALOG[2], display_name="Beta 2", active=False, price_prompt_per_1m=0.7)
    extra = ModelRow("gamma", "together", "tg/gamma", "Gamma")
    with catalog_db.session() as session:
        assert sync_models(session, [changed, extra]) == 2
        assert sync_models(session, []) == 0
        rows = {m.id: m for m in list_models(session)}
    assert list(rows) == ["alpha", "alpha-tg", "beta", "gamma"]
    beta = rows["beta"]
    assert (beta.display_name, beta.active, beta.price_prompt_per_1m) == ("Beta 2", False, 0.7)
    assert (beta.auto_disabled, beta.consecutive_failures, beta.last_error) == (
        True,
        3,
        "bad reply",
    )
    assert rows["alpha"].fallback_id == "alpha-tg"
    assert rows["alpha-tg"].tier == "budget"
    assert rows["gamma"].auto_disabled is False


def test_counted_failures_disable_once_and_success_resets(
    catalog_db: Database, now: datetime
) -> None:
    assert _fail(catalog_db, "alpha", now) is False
    assert _fail(catalog_db, "alpha", now, counts=False) is False  # provider trouble
    with catalog_db.session() as session:
        record_model_success(session, "alpha", now=now + timedelta(minutes=1))
    alpha = _model(catalog_db, "alpha")
    assert (alpha.consecutive_failures, alpha.last_success_at) == (0, now + timedelta(minutes=1))
    assert alpha.last_failure_at == now
    results = [_fail(catalog_db, "alpha", now) for _ in range(5)]
    assert results == [False, False, True, False, False]
    alpha = _model(catalog_db, "alpha")
    assert (alpha.auto_disabled, alpha.consecutive_failures) == (True, 5)
    with catalog_db.session() as session:
        record_model_success(session, "alpha", now=now)
    assert _model(catalog_db, "alpha").auto_disabled is True  # only an operator re-enables


def test_long_errors_are_cut(catalog_db: Database, now: datetime) -> None:
    with catalog_db.session() as session:
        record_model_failure(
            session,
            "alpha",
            error="x" * 10_000,
            counts_toward_disable=False,
            disable_after=3,
            now=now,
        )
    assert len(_model(catalog_db, "alpha").last_error) == 500


def test_enable_model(catalog_db: Database, now: datetime) -> None:
    for _ in range(3):
        _fail(catalog_db, "beta", now)
    with catalog_db.session() as session:
        enable_model(session, "beta")
    beta = _model(catalog_db, "beta")
    assert (beta.auto_disabled, beta.consecutive_failures) == (False, 0)


def test_unknown_model_ids_raise_a_key_error(catalog_db: Database, now: datetime) -> None:
    calls = [
        lambda s: enable_model(s, "nope"),
        lambda s: record_model_success(s, "nope", now=now),
        lambda s: record_model_failure(
            s, "nope", error="e", counts_toward_disable=True, disable_after=1, now=now
        ),
        lambda s: cooldown_state(s, "nope", now=now),
        lambda s: record_primary_result(s, "nope", ok=True, threshold=1, cooldown_s=1, now=now),
    ]
    for call in calls:
        with pytest.raises(KeyError) as caught, catalog_db.session() as session:
            call(session)
        assert isinstance(caught.value, UnknownModelError)
        assert str(caught.value) == "unknown model 'nope'"


def _primary(db: Database, ok: bool, now: datetime) -> None:
    with db.session() as session:
        record_primary_result(session, "alpha", ok=ok, threshold=3, cooldown_s=600, now=now)


def _state(db: Database, now: datetime) -> CooldownState:
    with db.session() as session:
        return cooldown_state(session, "alpha", now=now)


def test_cooldown_starts_at_threshold_expires_and_resets(
    catalog_db: Database, now: datetime
) -> None:
    assert _state(catalog_db, now) == (0, None)
    _primary(catalog_db, False, now)
    _primary(catalog_db, False, now)
    assert _state(catalog_db, now) == CooldownState(2, None)
    _primary(catalog_db, False, now)
    until = now + timedelta(seconds=600)
    assert _state(catalog_db, now) == CooldownState(3, until)
    assert _state(catalog_db, until - timedelta(seconds=1)).cooldown_until == until
    assert _state(catalog_db, until) == CooldownState(3, None)  # over: probe the primary
    probe = until + timedelta(seconds=5)
    _primary(catalog_db, False, probe)  # failed probe: a new cooldown
    assert _state(catalog_db, probe) == CooldownState(4, probe + timedelta(seconds=600))
    _primary(catalog_db, True, probe)
    assert _state(catalog_db, probe) == CooldownState(0, None)


def test_cooldown_state_is_shared_by_concurrent_workers(
    catalog_db: Database, now: datetime
) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                _primary(catalog_db, False, now)
                _fail(catalog_db, "alpha", now)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _state(catalog_db, now).streak == 20
    assert _model(catalog_db, "alpha").consecutive_failures == 20
