"""Model catalog sync and model health, decided from the recorded attempts.

Every test runs on SQLite and PostgreSQL (the ``db`` fixture behind ``catalog_db``).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from scoreline.config import CooldownConfig
from scoreline.health import failure_streak
from scoreline.store import (
    Database,
    ModelRow,
    NewAttempt,
    NewPrediction,
    PredictionBatch,
    StoredModel,
    UnknownModelError,
    enable_model,
    get_model,
    list_models,
    primary_calls,
    record_batch,
    sync_models,
)

from .conftest import CATALOG

RULE = CooldownConfig(threshold=3, seconds=600)


def _model(db: Database, model_id: str, now: datetime | None = None) -> StoredModel:
    model = get_model(db, model_id, now=now or datetime.now().astimezone(), cooldown=RULE)
    assert model is not None
    return model


def _call(
    db: Database,
    model_id: str,
    at: datetime,
    *,
    ok: bool,
    error_class: str | None = None,
    error: str = "bad reply",
    fallback: str | None = None,
    disable_after: int = 3,
) -> list[str]:
    """Record one job's calls of ``model_id`` (its primary, then maybe its fallback)."""
    calls = [
        NewAttempt("m1", model_id, model_id, "p", False, ok, error_class, None, 5.0, None, None, at)
    ]
    if fallback is not None:
        calls.append(
            NewAttempt("m1", model_id, fallback, "p", True, True, None, 200, 5.0, 1, 1, at)
        )
    batch = PredictionBatch(
        "m1", [], calls, now=at, disable_after=disable_after, errors={} if ok else {model_id: error}
    )
    return record_batch(db, batch, quotas=lambda rows: (2, 2, 2)).disabled


def _fail(db: Database, model_id: str, now: datetime, *, counts: bool = True) -> bool:
    error_class = "unparseable" if counts else "server_error"
    return _call(db, model_id, now, ok=False, error_class=error_class) == [model_id]


def _succeed(db: Database, model_id: str, now: datetime) -> None:
    _call(db, model_id, now, ok=True)


def test_sync_models_inserts_and_updates_without_clobbering_health(
    catalog_db: Database, now: datetime
) -> None:
    for _ in range(3):
        _fail(catalog_db, "beta", now)
    changed = replace(CATALOG[2], display_name="Beta 2", active=False, price_prompt_per_1m=0.7)
    extra = ModelRow("gamma", "together", "tg/gamma", "Gamma")
    assert sync_models(catalog_db, [changed, extra]) == 2
    assert sync_models(catalog_db, []) == 0
    rows = {m.id: m for m in list_models(catalog_db, now=now)}
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
    _succeed(catalog_db, "alpha", now + timedelta(minutes=1))
    alpha = _model(catalog_db, "alpha")
    assert (alpha.consecutive_failures, alpha.last_success_at) == (0, now + timedelta(minutes=1))
    assert alpha.last_failure_at == now
    later = now + timedelta(minutes=2)  # calls are recorded in time order
    results = [_fail(catalog_db, "alpha", later) for _ in range(5)]
    assert results == [False, False, True, False, False]
    alpha = _model(catalog_db, "alpha")
    assert (alpha.auto_disabled, alpha.consecutive_failures) == (True, 5)
    _succeed(catalog_db, "alpha", later)
    assert _model(catalog_db, "alpha").auto_disabled is True  # only an operator re-enables


def test_provider_failures_neither_count_nor_break_the_run(
    catalog_db: Database, now: datetime
) -> None:
    assert _fail(catalog_db, "beta", now) is False
    assert _fail(catalog_db, "beta", now, counts=False) is False
    assert _fail(catalog_db, "beta", now) is False
    assert _model(catalog_db, "beta").consecutive_failures == 2
    assert _fail(catalog_db, "beta", now) is True


def test_long_errors_are_cut(catalog_db: Database, now: datetime) -> None:
    _call(catalog_db, "alpha", now, ok=False, error_class="timeout", error="x" * 10_000)
    assert len(_model(catalog_db, "alpha").last_error or "") == 500


def test_enable_model(catalog_db: Database, now: datetime) -> None:
    for _ in range(3):
        _fail(catalog_db, "beta", now)
    enable_model(catalog_db, "beta")
    beta = _model(catalog_db, "beta")
    assert (beta.auto_disabled, beta.consecutive_failures) == (False, 0)


def test_enable_model_restarts_the_count(catalog_db: Database, now: datetime) -> None:
    for _ in range(3):
        _fail(catalog_db, "beta", now)
    enable_model(catalog_db, "beta")
    assert [_fail(catalog_db, "beta", now) for _ in range(3)] == [False, False, True]
    assert _model(catalog_db, "beta").consecutive_failures == 3


def test_unknown_model_ids(catalog_db: Database, now: datetime) -> None:
    with pytest.raises(KeyError) as caught:
        enable_model(catalog_db, "nope")
    assert isinstance(caught.value, UnknownModelError)
    assert str(caught.value) == "unknown model 'nope'"
    assert get_model(catalog_db, "nope", now=now) is None
    assert _call(catalog_db, "nope", now, ok=False, error_class="unparseable") == []


def _state(db: Database, now: datetime) -> tuple[int, datetime | None]:
    streak = failure_streak(primary_calls(db, "alpha", limit=100))
    return streak, _model(db, "alpha", now).cooldown_until


def _primary(db: Database, ok: bool, now: datetime) -> None:
    _call(db, "alpha", now, ok=ok, error_class=None if ok else "timeout", fallback="alpha-tg")


def test_cooldown_starts_at_threshold_expires_and_resets(
    catalog_db: Database, now: datetime
) -> None:
    assert _state(catalog_db, now) == (0, None)
    _primary(catalog_db, False, now)
    _primary(catalog_db, False, now)
    assert _state(catalog_db, now) == (2, None)
    _primary(catalog_db, False, now)
    until = now + timedelta(seconds=600)
    assert _state(catalog_db, now) == (3, until)
    assert _state(catalog_db, until - timedelta(seconds=1))[1] == until
    assert _state(catalog_db, until) == (3, None)  # over: probe the primary
    probe = until + timedelta(seconds=5)
    _primary(catalog_db, False, probe)  # failed probe: a new cooldown
    assert _state(catalog_db, probe) == (4, probe + timedelta(seconds=600))
    _primary(catalog_db, True, probe)
    assert _state(catalog_db, probe) == (0, None)


def test_cooldown_reads_only_the_models_own_primary_calls(
    catalog_db: Database, now: datetime
) -> None:
    for _ in range(3):
        _primary(catalog_db, False, now)
    # alpha-tg served every one of them as fallback: that is not its own call.
    assert _model(catalog_db, "alpha-tg", now).cooldown_until is None
    assert primary_calls(catalog_db, "alpha-tg", limit=10) == []
    # beta has no fallback: failing calls never cool it down (nothing would serve it).
    for _ in range(3):
        _call(catalog_db, "beta", now, ok=False, error_class="timeout")
    models = {m.id: m for m in list_models(catalog_db, now=now, cooldown=RULE)}
    assert models["beta"].cooldown_until is None
    assert models["alpha"].cooldown_until == now + timedelta(seconds=600)
    # The rule comes from the configuration: a higher threshold is not reached yet.
    higher = CooldownConfig(threshold=4, seconds=600)
    assert get_model(catalog_db, "alpha", now=now, cooldown=higher).cooldown_until is None  # type: ignore[union-attr]


def test_cooldown_state_is_shared_by_concurrent_workers(
    catalog_db: Database, now: datetime
) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []
    disabled: list[str] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                disabled.extend(
                    _call(catalog_db, "alpha", now, ok=False, error_class="unparseable")
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _state(catalog_db, now)[0] == 20
    assert _model(catalog_db, "alpha").consecutive_failures == 20
    assert disabled == ["alpha"]  # exactly one job disabled it


def test_concurrent_jobs_of_different_matches_count_each_others_calls(
    catalog_db: Database, now: datetime
) -> None:
    """Each job inserts predictions (foreign keys lock the model rows) and then updates the
    health of the same models: no deadlock, no lost count, one job reports the disable."""
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []
    disabled: list[str] = []

    def job(match_id: str) -> None:
        failing = NewAttempt(
            match_id, "beta", "beta", "p", False, False, "unparseable", None, 1.0, None, None, now
        )
        answered = NewAttempt(
            match_id, "alpha", "alpha", "p", False, True, None, 200, 1.0, 1, 1, now
        )
        batch = PredictionBatch(
            match_id,
            [NewPrediction(match_id, "alpha", 1, 0, used_fallback=False, answered_by="alpha")],
            [answered, failing],
            now=now,
            disable_after=3,
            errors={"beta": "unparseable"},
        )
        try:
            barrier.wait()
            disabled.extend(record_batch(catalog_db, batch, quotas=lambda rows: (2, 2, 2)).disabled)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=job, args=(m,)) for m in ("m0", "m1", "m2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert disabled == ["beta"]
    beta, alpha = _model(catalog_db, "beta"), _model(catalog_db, "alpha")
    assert (beta.consecutive_failures, beta.auto_disabled, beta.last_error) == (
        3,
        True,
        "unparseable",
    )
    assert (alpha.consecutive_failures, alpha.last_success_at) == (0, now)
