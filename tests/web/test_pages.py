"""Dashboard pages through the real app (HTML checked as text; the browser tests click)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from scoreline.store import Model
from scoreline.web import ADMIN_TOKEN_ENV
from tests.web.conftest import ADMIN_TOKEN, Seeded


def _row(html: str, table: str, model_id: str) -> str:
    section = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    match = re.search(rf'<tr data-model="{re.escape(model_id)}">(.*?)</tr>', section, re.S)
    assert match, f"no row for {model_id} in {table}"
    return match.group(1)


def _login(client: TestClient) -> None:
    response = client.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert response.status_code == 303


def test_leaderboard_page_lists_models_and_recent_matches(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "Alpha" in _row(html, "leaderboard", "alpha")
    assert "6.33" in _row(html, "leaderboard", "alpha")
    assert 'href="/matches/m1"' in html


def test_leaderboard_page_filters_and_reports_bad_input(client: TestClient) -> None:
    filtered = client.get("/", params={"until": "2025-01-07", "sort": "total"}).text
    assert ">7<" in _row(filtered, "leaderboard", "alpha")
    bad = client.get("/", params={"since": "soon"})
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text
    assert "since" in bad.text


def test_match_page_marks_fallback_predictions(client: TestClient) -> None:
    html = client.get("/matches/m1").text
    assert "Arsenal – Chelsea" in html
    assert "↪ fallback" in _row(html, "predictions", "alpha")
    assert "↪ fallback" not in _row(html, "predictions", "solo")
    assert ">7<" in _row(html, "predictions", "alpha")
    assert client.get("/matches/nope").status_code == 404


def test_admin_page_is_closed_without_a_token(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ADMIN_TOKEN_ENV)
    response = client.get("/admin")
    assert response.status_code == 503
    assert "Admin disabled" in response.text
    login = client.post("/admin/login", data={"token": ""})
    assert login.status_code == 503


def test_admin_page_asks_for_the_token_once(client: TestClient) -> None:
    assert 'name="token"' in client.get("/admin").text
    wrong = client.post("/admin/login", data={"token": "guess"})
    assert wrong.status_code == 401
    assert "Wrong token" in wrong.text
    _login(client)
    page = client.get("/admin")
    assert page.status_code == 200
    assert 'id="fallbacks"' in page.text
    assert ADMIN_TOKEN not in page.text


def test_admin_page_colours_rates_and_flags_costly_fallbacks(client: TestClient) -> None:
    _login(client)
    html = client.get("/admin", params={"since": "2025-01-10", "until": "2025-01-10"}).text
    alpha = _row(html, "fallbacks", "alpha")
    assert "rate-bad" in alpha and "75.0 %" in alpha
    assert "over 2×" in alpha
    beta = _row(html, "fallbacks", "beta")
    assert "rate-warn" in beta  # 50 %: above 20 %, not above 50 %
    assert "over 2×" not in beta
    gamma = _row(html, "fallbacks", "gamma")
    assert "rate-warn" not in gamma and "rate-bad" not in gamma
    assert "cooldown" in alpha


def test_re_enable_button_needs_the_cookie(client: TestClient, seeded: Seeded) -> None:
    with seeded.db.session() as session:
        session.execute(update(Model).where(Model.id == "solo").values(auto_disabled=True))
    refused = client.post("/admin/models/solo/enable")
    assert refused.status_code == 401
    _login(client)
    assert "Re-enable" in _row(client.get("/admin").text, "models", "solo")
    done = client.post("/admin/models/solo/enable", follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/admin?enabled=solo"
    with seeded.db.session() as session:
        assert session.scalar(select(Model.auto_disabled).where(Model.id == "solo")) is False
