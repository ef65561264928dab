"""ETag, Cache-Control and 304 on the public pages and their JSON, never on the admin area."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import ADMIN_TOKEN

CACHED = (
    "/",
    "/models/alpha",
    "/matches",
    "/matches/m1",
    "/competitions/E0",
    "/compare?models=alpha,solo",
    "/about",
    "/api/leaderboard",
    "/api/models/alpha",
    "/api/matches",
    "/api/competitions/E0",
    "/api/compare?models=alpha,solo",
)


@pytest.mark.parametrize("path", CACHED)
def test_matching_if_none_match_gets_a_bodiless_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=60"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["x-content-type-options"] == "nosniff"  # the guards still apply
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_etag_follows_the_content(client: TestClient) -> None:
    alpha = client.get("/api/models/alpha").headers["etag"]
    assert client.get("/api/models/alpha").headers["etag"] == alpha
    assert client.get("/api/models/beta").headers["etag"] != alpha


@pytest.mark.parametrize("path", ["/api/health", "/admin", "/api/admin/models", "/metrics"])
def test_admin_health_and_metrics_are_not_cached(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert "etag" not in response.headers
    assert response.headers.get("cache-control") != "public, max-age=60"


def test_errors_are_not_cached(client: TestClient) -> None:
    response = client.get("/models/nobody")
    assert response.status_code == 404
    assert "etag" not in response.headers
