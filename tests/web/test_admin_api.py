"""Admin API: the bearer token gate, fallback statistics, model health, the queue."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from scoreline.report import fallback_stats
from scoreline.store import Model
from scoreline.web import ADMIN_TOKEN_ENV
from tests.report.seed import NOW, SINCE, UNTIL
from tests.web.conftest import ADMIN_TOKEN, Seeded

ADMIN_GETS = ("/api/admin/fallback-stats", "/api/admin/models", "/api/admin/queue")


@pytest.mark.parametrize("path", ADMIN_GETS)
def test_admin_routes_need_the_token(client: TestClient, path: str) -> None:
    missing = client.get(path)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"] == "unauthorized"
    wrong = client.get(path, headers={"Authorization": f"Bearer {ADMIN_TOKEN}x"})
    assert wrong.status_code == 401
    basic = client.get(path, headers={"Authorization": f"Basic {ADMIN_TOKEN}"})
    assert basic.status_code == 401
    right = client.get(path, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert right.status_code == 200


def test_enable_needs_the_token(client: TestClient) -> None:
    assert client.post("/api/admin/models/alpha/enable").status_code == 401


@pytest.mark.parametrize("path", ADMIN_GETS)
def test_admin_is_disabled_without_a_configured_token(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.delenv(ADMIN_TOKEN_ENV, raising=False)
    with TestClient(app) as client:
        response = client.get(path, headers={"Authorization": "Bearer anything"})
        empty = client.get(path, headers={"Authorization": "Bearer "})
    assert response.status_code == 503
    assert response.json()["message"].startswith("admin disabled")
    assert empty.status_code == 503


def test_fallback_stats_match_the_service(admin: TestClient, seeded: Seeded) -> None:
    response = admin.get(
        "/api/admin/fallback-stats", params={"since": "2025-01-10", "until": "2025-01-10"}
    )
    assert response.status_code == 200
    expected = fallback_stats(seeded.db, seeded.config, since=SINCE, until=UNTIL, now=NOW)
    assert response.json() == json.loads(json.dumps(expected))
    alpha = next(s for s in response.json()["stats"] if s["model_id"] == "alpha")
    assert (alpha["fallback_rate"], alpha["exceeds_2x"], alpha["in_cooldown"]) == (0.75, True, True)


def test_fallback_stats_default_to_today(admin: TestClient) -> None:
    body = admin.get("/api/admin/fallback-stats").json()
    assert body["since"] == "2025-01-10T00:00:00+00:00"
    assert body["summary"]["fallbacks"] == 6


def test_fallback_stats_reject_a_bad_window(admin: TestClient) -> None:
    bad = admin.get("/api/admin/fallback-stats", params={"until": "2025-02-30"})
    assert bad.status_code == 422
    assert bad.json()["error"] == "invalid_request"
    inverted = admin.get(
        "/api/admin/fallback-stats", params={"since": "2025-01-11", "until": "2025-01-10"}
    )
    assert inverted.status_code == 422


def test_models_report_health_and_cooldown(admin: TestClient) -> None:
    models = {m["model_id"]: m for m in admin.get("/api/admin/models").json()}
    assert set(models) >= {"alpha", "alpha-tg", "beta", "solo"}
    assert models["alpha"]["in_cooldown"] is True
    assert models["alpha"]["cooldown_until"] == "2025-01-10T12:10:00+00:00"
    assert models["beta"]["in_cooldown"] is False
    assert models["solo"]["auto_disabled"] is False


def test_enable_re_enables_an_auto_disabled_model(admin: TestClient, seeded: Seeded) -> None:
    with seeded.db.session() as session:
        session.execute(
            update(Model)
            .where(Model.id == "beta")
            .values(auto_disabled=True, consecutive_failures=5, last_error="unparseable")
        )
    before = {m["model_id"]: m for m in admin.get("/api/admin/models").json()}["beta"]
    assert before["auto_disabled"] is True
    response = admin.post("/api/admin/models/beta/enable")
    assert response.status_code == 200
    assert response.json()["enabled"] is True
    assert response.json()["model"]["auto_disabled"] is False
    assert response.json()["model"]["consecutive_failures"] == 0


def test_enable_an_unknown_model_is_a_404(admin: TestClient) -> None:
    response = admin.post("/api/admin/models/nobody/enable")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "unknown model 'nobody'"}


def test_queue_lists_pending_and_failed_jobs(admin: TestClient) -> None:
    body = admin.get("/api/admin/queue").json()
    assert body == {"backend": "MemoryHuey", "pending": 0, "scheduled": 0, "failed": []}
