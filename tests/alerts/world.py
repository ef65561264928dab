"""A deployment one hour after a kick-off, with every kind of miss and alert cause.

Match k1 kicked off at KICKOFF (NOW - 1 h). Models, and what happened to them for k1:

- ``ok``: predicted at KICKOFF - 20 min. Covered.
- ``fb``: predicted at KICKOFF - 20 min by its fallback ``fb-tg``. Covered.
- ``down``: primary and fallback both failed at KICKOFF - 25 min: ``provider_down``.
- ``broke``: auto-disabled (event) at KICKOFF - 2 h after failing on k0: ``disabled``.
- ``poor``: skipped for the budget at KICKOFF - 25 min: ``budget``.
- ``late``: predicted at KICKOFF + 5 min: ``late``.
- ``never``: ran on k0, nothing for k1: ``late`` (never asked in time).
- ``pin``: pinned disabled at KICKOFF - 3 h, ran on k0: not expected.
- ``newbie``: first ran after the kick-off (on k3): not expected.
- ``fb-tg``: the fallback target, never asked in its own right: not expected.
So k1: 7 expected, 2 covered. k0 (a day earlier): ``never``, ``broke`` and ``pin`` predicted
before it, 3 of 3. k2 was postponed and k3 kicks off tomorrow: neither counts.

Alert causes at NOW: ``broke`` disabled (at KICKOFF - 2 h and again at NOW - 9 min, both
in the look-back) and ``ok`` recovered; ``down`` cooling down (three primary failures within
the last minutes); the budget closed today (``poor``'s skip); source ``fdorg`` failing since
NOW - 2 h. Spend today: 0.025 USD over six calls, three of them unpriced.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from scoreline.config import Config, load_config
from scoreline.store import (
    Database,
    Match,
    ModelRow,
    NewAttempt,
    NewPrediction,
    insert_attempts,
    insert_predictions,
    record_source_health,
    sync_models,
)
from scoreline.store.operation_tables import ModelEvent, PredictionSkip
from scoreline.store.tables import Model

NOW = datetime(2025, 3, 8, 16, 30, tzinfo=UTC)
KICKOFF = NOW - timedelta(hours=1)
MODEL_IDS = ("ok", "fb", "fb-tg", "down", "down-tg", "broke", "poor", "late", "never", "pin")
EXPECTED_K1 = {"ok", "fb", "down", "broke", "poor", "late", "never"}
PROVIDER_KEY = "sk-world-5e1f0c2a9b7d-secret"

MATCHES = (
    ("k0", KICKOFF - timedelta(days=1), "finished"),
    ("k1", KICKOFF, "live"),
    ("k2", KICKOFF - timedelta(minutes=30), "postponed"),
    ("k3", NOW + timedelta(days=1), "scheduled"),
)


def write_config(directory: Path, database_url: str, extra: str = "") -> Config:
    """``scoreline.toml`` for the world's catalog (one provider; ``newbie`` too), with
    ``extra`` TOML (``[alerts]``, ``[budget]``) at the end."""
    lines = [
        f'database_url = "{database_url}"',
        'queue_url = "memory://"',
        "reference_models = false",
        '[providers.syn]\nbase_url = "http://127.0.0.1:9/v1"\napi_key_env = "WORLD_SYN_KEY"',
    ]
    for model_id in (*MODEL_IDS, "newbie"):
        fallback = f'fallback = "{model_id}-tg"\n' if model_id in ("fb", "down") else ""
        lines.append(f'[[models]]\nid = "{model_id}"\nprovider = "syn"\n{fallback}')
    lines.append(extra)
    path = directory / "scoreline.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return load_config(path)


def _attempt(
    match: str, model: str, called: str, at: datetime, ok: bool, cost: float | None = None
) -> NewAttempt:
    return NewAttempt(
        match_id=match,
        model_id=model,
        called_model_id=called,
        provider="syn",
        is_fallback=called != model,
        ok=ok,
        error_class=None if ok else "server_error",
        http_status=None if ok else 503,
        latency_ms=100.0,
        prompt_tokens=None,
        completion_tokens=None,
        created_at=at,
        cost_usd=cost,
    )


def _prediction(match: str, model: str, at: datetime, fallback: bool = False) -> NewPrediction:
    return NewPrediction(
        match, model, 1, 0, used_fallback=fallback, answered_by=model, created_at=at
    )


def seed_world(db: Database) -> None:
    """Store the catalog, the matches, the predictions, attempts, skips and events."""
    fallbacks = {"fb": "fb-tg", "down": "down-tg"}
    sync_models(
        db,
        [ModelRow(m, "syn", m, m, fallback_id=fallbacks.get(m)) for m in (*MODEL_IDS, "newbie")],
    )
    with db.session() as session:
        for match_id, kickoff, status in MATCHES:
            session.add(
                Match(
                    id=match_id,
                    competition="E0",
                    season="2024-25",
                    kickoff_at=kickoff,
                    home_team=f"Home {match_id}",
                    away_team=f"Away {match_id}",
                    status=status,
                )
            )
    before, day_before = KICKOFF - timedelta(minutes=20), KICKOFF - timedelta(days=1, minutes=30)
    insert_predictions(
        db,
        [
            _prediction("k1", "ok", before),
            _prediction("k1", "fb", before, fallback=True),
            _prediction("k1", "late", KICKOFF + timedelta(minutes=5)),
            _prediction("k0", "never", day_before),
            _prediction("k0", "broke", day_before),
            _prediction("k0", "pin", day_before),
        ],
    )
    tried = KICKOFF - timedelta(minutes=25)
    insert_attempts(
        db,
        [
            _attempt("k1", "down", "down", tried, ok=False, cost=0.01),
            _attempt("k1", "down", "down-tg", tried, ok=False, cost=0.01),
            _attempt("k3", "newbie", "newbie", NOW - timedelta(minutes=2), ok=True, cost=0.005),
            # down's primary keeps failing: three in a row, the last a minute ago (cooldown).
            *[
                _attempt("k3", "down", "down", NOW - timedelta(minutes=m), ok=False)
                for m in (3, 2, 1)
            ],
        ],
    )
    with db.session() as session:
        session.add(PredictionSkip(match_id="k1", model_id="poor", reason="budget", at=tried))
        session.add_all(
            [
                ModelEvent(model_id="broke", at=KICKOFF - timedelta(hours=2), event="disabled"),
                ModelEvent(model_id="pin", at=KICKOFF - timedelta(hours=3), event="pinned"),
                ModelEvent(
                    model_id="broke",
                    at=NOW - timedelta(minutes=10),
                    event="probe_failed",
                    reason="server_error",
                ),
                ModelEvent(
                    model_id="ok",
                    at=NOW - timedelta(minutes=10),
                    event="recovered",
                    reason=f"probe answered (key {PROVIDER_KEY} echoed)",
                ),
                ModelEvent(
                    model_id="broke",
                    at=NOW - timedelta(minutes=9),
                    event="disabled",
                    reason="5 failures of its own in a row",
                ),
            ]
        )
        session.get(Model, "pin").pinned = True
        session.get(Model, "broke").auto_disabled = True
    record_source_health(db, "fdorg", now=NOW - timedelta(hours=2), requests=3, ok=True)
    record_source_health(db, "fdorg", now=NOW, requests=1, ok=False, error="HTTP 503")
    record_source_health(db, "couk", now=NOW, requests=1, ok=True)
