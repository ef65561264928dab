"""Nothing leaks: secrets in the environment never reach a response; the schema is complete."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from scoreline.web.auth import COOKIE_NAME
from tests.web.conftest import ADMIN_TOKEN, PROVIDER_KEY

PATH_VALUES = {"match_id": "m1", "model_id": "alpha", "code": "E0"}


def _concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)


PAGES = [
    ("GET", "/"),
    ("GET", "/?since=2025-01-01&sort=total"),
    ("GET", "/matches/m1"),
    ("GET", "/matches/unknown"),
    ("GET", "/admin"),
    ("POST", "/admin/models/alpha/enable"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/redoc"),
    ("GET", "/api/matches/unknown"),
    ("POST", "/admin/logout"),
    ("GET", "/admin"),
]


def _requests(app: FastAPI) -> list[tuple[str, str]]:
    """Every operation of the API schema, then every dashboard page."""
    calls = [
        (method.upper(), _concrete(path))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    ]
    return calls + PAGES


def _assert_clean(response, where: str) -> None:
    text = response.text + " ".join(f"{k}: {v}" for k, v in response.headers.items())
    assert ADMIN_TOKEN not in text, where
    assert PROVIDER_KEY not in text, where
    assert "Traceback" not in text, where


def test_no_route_returns_a_secret(app: FastAPI, admin: TestClient) -> None:
    login = admin.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert login.status_code == 303
    _assert_clean(login, "login")
    cookie = admin.cookies.get(COOKIE_NAME)
    assert cookie and ADMIN_TOKEN not in cookie
    seen = 0
    for method, path in _requests(app):
        response = admin.request(method, path, follow_redirects=False)
        assert response.status_code < 500, (method, path, response.status_code)
        _assert_clean(response, f"{method} {path}")
        seen += 1
    assert seen >= 20


def test_the_admin_cookie_is_http_only_and_strict(admin: TestClient) -> None:
    login = admin.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    header = login.headers["set-cookie"].lower()
    assert "httponly" in header
    assert "samesite=strict" in header


def test_every_api_route_has_a_response_model(app: FastAPI) -> None:
    schema = app.openapi()
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"]["200"]["content"]
            body_schema = next(iter(ok.values()))["schema"]
            assert body_schema, (method, path)
            if path != "/metrics":
                assert "$ref" in body_schema or body_schema.get("type") == "array", (method, path)
            for status in ("422", "500"):
                error = operation["responses"].get(status)
                if error is not None:
                    ref = error["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut"), (method, path, status)
    assert "/" not in schema["paths"]  # HTML pages are not API
