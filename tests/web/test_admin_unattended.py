"""``/admin``, ``/api/admin/overview``, ``/api/admin/coverage`` and the coverage and budget
gauges of ``/metrics``, over the real app and a real store one hour after a kick-off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from scoreline.alerts import check_alerts
from scoreline.store import Database
from scoreline.web import ADMIN_TOKEN_ENV, create_app
from tests.alerts.world import NOW, PROVIDER_KEY, seed_world, write_config
from tests.web.conftest import ADMIN_TOKEN

EXTRA = "[budget]\ndaily_usd = 0.02\nmonthly_usd = 10.0\n"


@pytest.fixture
def world_app(sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(ADMIN_TOKEN_ENV, ADMIN_TOKEN)
    monkeypatch.setenv("WORLD_SYN_KEY", PROVIDER_KEY)
    seed_world(sqlite_db)
    config = write_config(tmp_path, "sqlite:///unused.db", EXTRA)
    check_alerts(sqlite_db, config, NOW, backlog_age_s=600)  # the log channel only
    return create_app(config, db=sqlite_db, clock=lambda: NOW)


@pytest.fixture
def admin(world_app) -> Iterator[TestClient]:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(world_app, headers=headers, raise_server_exceptions=False) as client:
        yield client


def test_overview_json(admin: TestClient) -> None:
    response = admin.get("/api/admin/overview")
    assert response.status_code == 200
    data = response.json()
    budget = data["budget"]
    assert budget["spent_today_usd"] == pytest.approx(0.025)
    assert (budget["daily_usd"], budget["unpriced_today"], budget["open"]) == (0.02, 3, False)
    coverage = data["coverage"]
    assert coverage["last_match"]["match_id"] == "k1"
    assert coverage["last_match"]["ratio"] == pytest.approx(2 / 7)
    assert coverage["week"]["misses"]["late"] == 2
    states = {m["model_id"]: m["state"] for m in data["models"]["models"]}
    assert states["pin"] == "pinned" and states["down"] == "cooling down"
    assert states["broke"] == "disabled" and states["ok"] == "active"
    assert data["models"]["counts"]["pinned"] == 1
    assert data["events"][0]["event"] == "disabled" and data["events"][0]["model_id"] == "broke"
    causes = {a["cause"] for a in data["alerts"]}
    assert {"budget", "backlog", "coverage:k1", "source_down:fdorg"} <= causes
    sources = {s["source"]: s["ok"] for s in data["sources"]}
    assert sources == {"couk": True, "fdorg": False}
    assert PROVIDER_KEY not in response.text


def test_coverage_api_lists_matches_under_the_line(admin: TestClient) -> None:
    under = admin.get("/api/admin/coverage", params={"since": "2025-03-01"})
    assert [m["match_id"] for m in under.json()] == ["k1"]
    assert under.json()[0]["misses"] == {"budget": 1, "disabled": 1, "late": 2, "provider_down": 1}
    assert admin.get("/api/admin/coverage", params={"below": 0.2}).json() == []
    assert admin.get("/api/admin/coverage", params={"below": 2}).status_code == 422


def test_admin_page_shows_running_unattended(admin: TestClient) -> None:
    assert admin.post("/admin/login", data={"token": ADMIN_TOKEN}).status_code == 200
    page = admin.get("/admin")
    assert page.status_code == 200
    html = page.text
    assert 'id="budget"' in html and "$0.0250" in html and "of $0.02" in html
    assert 'data-budget="closed"' in html
    assert "28.6 %" in html  # the last match and its matchday
    assert 'data-model="pin" data-state="pinned"' in html
    assert 'data-model="down" data-state="cooling down"' in html
    assert 'data-cause="coverage:k1"' in html
    assert 'data-source="fdorg"' in html and "failing" in html
    assert PROVIDER_KEY not in html


def test_overview_needs_the_token(world_app) -> None:
    with TestClient(world_app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get("/api/admin/overview").status_code == 401


def _samples(text: str) -> dict:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_coverage_gauges(admin: TestClient) -> None:
    samples = _samples(admin.get("/metrics").text)
    ratio = "scoreline_coverage_ratio"
    assert samples[(ratio, frozenset({("window", "last_match")}))] == pytest.approx(2 / 7)
    assert samples[(ratio, frozenset({("window", "7d")}))] == pytest.approx(0.5)
    misses = "scoreline_coverage_misses"
    assert samples[(misses, frozenset({("window", "7d"), ("cause", "late")}))] == 2
    assert samples[(misses, frozenset({("window", "7d"), ("cause", "budget")}))] == 1
    assert samples[("scoreline_coverage_expected", frozenset({("window", "7d")}))] == 10


def test_metrics_budget_gauges_with_the_configuration(sqlite_db: Database, tmp_path: Path) -> None:
    from prometheus_client import generate_latest

    from scoreline.web.metrics import build_registry

    seed_world(sqlite_db)
    config = write_config(tmp_path, "sqlite:///unused.db", EXTRA)
    registry = build_registry(sqlite_db, lambda: NOW, config.cooldown, config=config)
    samples = _samples(generate_latest(registry).decode())
    spent = "scoreline_budget_spent_usd"
    assert samples[(spent, frozenset({("period", "day")}))] == pytest.approx(0.025)
    assert samples[("scoreline_budget_limit_usd", frozenset({("period", "month")}))] == 10.0
    assert samples[("scoreline_budget_open", frozenset())] == 0
