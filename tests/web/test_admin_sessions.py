"""Admin sessions expire and are revoked, cross-site POSTs are refused, wrong tokens throttled."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from scoreline.store import Model
from scoreline.web import ADMIN_TOKEN_ENV
from scoreline.web.auth import COOKIE_NAME, SESSION_TTL_S, LoginThrottle, Sessions
from tests.web.conftest import ADMIN_TOKEN, Seeded


class Clock:
    """Seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _login(client: TestClient) -> str:
    response = client.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.cookies.get(COOKIE_NAME)
    assert cookie
    return cookie


def _signed_in(client: TestClient, cookie: str | None = None) -> bool:
    if cookie is not None:
        client.cookies.clear()
        client.cookies.set(COOKIE_NAME, cookie)
    response = client.get("/admin")
    assert response.status_code in (200, 401)
    return response.status_code == 200


def _disable(seeded: Seeded, model_id: str) -> None:
    with seeded.db.session() as session:
        session.execute(update(Model).where(Model.id == model_id).values(auto_disabled=True))


def _auto_disabled(seeded: Seeded, model_id: str) -> bool:
    with seeded.db.session() as session:
        return bool(session.scalar(select(Model.auto_disabled).where(Model.id == model_id)))


def test_a_session_lasts_twelve_hours(app: FastAPI, client: TestClient) -> None:
    """The old cookie, HMAC(token, constant), never expired."""
    clock = Clock()
    app.state.admin_auth.sessions.clock = clock
    response = client.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert "max-age=43200" in response.headers["set-cookie"].lower()
    assert ADMIN_TOKEN not in response.headers["set-cookie"]
    clock.now += SESSION_TTL_S - 60
    assert _signed_in(client)
    clock.now += 120
    assert not _signed_in(client)


def test_changing_the_token_ends_every_session(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _login(client)
    assert _signed_in(client)
    monkeypatch.setenv(ADMIN_TOKEN_ENV, ADMIN_TOKEN + "-rotated")
    assert not _signed_in(client)


def test_signing_out_revokes_the_session_on_the_server(client: TestClient) -> None:
    """Deleting the cookie was all sign-out did: a copy of it stayed valid."""
    cookie = _login(client)
    assert client.post("/admin/logout", follow_redirects=False).status_code == 303
    assert not _signed_in(client)
    assert not _signed_in(client, cookie)  # the stolen copy is dead too
    fresh = _login(client)
    assert fresh != cookie and _signed_in(client, fresh)


def test_a_forged_or_tampered_cookie_is_refused(client: TestClient) -> None:
    cookie = _login(client)
    payload, rest = cookie.split(".", 1)
    forged = Sessions().issue(ADMIN_TOKEN).split(".", 1)[0]  # another session id, same form
    assert _signed_in(client, cookie)
    assert not _signed_in(client, f"{forged}.{rest}")
    assert not _signed_in(client, f"{payload}.{rest[:-4]}AAAA")
    other = Sessions().issue(ADMIN_TOKEN)  # right token, another server's secret
    assert not _signed_in(client, other)
    assert not _signed_in(client, "not-a-session")


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
    ],
)
def test_cross_site_posts_are_refused(
    client: TestClient, seeded: Seeded, headers: dict[str, str]
) -> None:
    """The enable button's POST had no origin check: another site could submit it."""
    _disable(seeded, "solo")
    _login(client)
    refused = client.post("/admin/models/solo/enable", headers=headers, follow_redirects=False)
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    assert _auto_disabled(seeded, "solo")
    login = client.post("/admin/login", data={"token": ADMIN_TOKEN}, headers=headers)
    assert login.status_code == 403
    logout = client.post("/admin/logout", headers=headers, follow_redirects=False)
    assert logout.status_code == 403 and _signed_in(client)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://testserver"},
        {},  # not a browser: no ambient cookie to abuse
    ],
)
def test_same_origin_posts_pass(
    client: TestClient, seeded: Seeded, headers: dict[str, str]
) -> None:
    _disable(seeded, "solo")
    _login(client)
    done = client.post("/admin/models/solo/enable", headers=headers, follow_redirects=False)
    assert done.status_code == 303
    assert not _auto_disabled(seeded, "solo")


def test_wrong_tokens_are_throttled_per_client(app: FastAPI, client: TestClient) -> None:
    """Any number of guesses used to be answered."""
    clock = Clock()
    app.state.admin_auth.throttle.clock = clock
    for _ in range(5):
        assert client.post("/admin/login", data={"token": "guess"}).status_code == 401
    limited = client.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    bearer = client.get("/api/admin/models", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert bearer.status_code == 429
    clock.now += 61
    assert (
        client.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False).status_code
        == 303
    )


def test_wrong_bearer_tokens_count_too(client: TestClient) -> None:
    wrong = {"Authorization": "Bearer guess"}
    for _ in range(5):
        assert client.get("/api/admin/models", headers=wrong).status_code == 401
    assert client.get("/api/admin/models", headers=wrong).status_code == 429
    assert client.post("/admin/login", data={"token": "guess"}).status_code == 429


def test_the_throttle_counts_each_client_apart() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=2, window_s=60, clock=clock)
    throttle.fail("10.0.0.1")
    throttle.fail("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 60
    assert throttle.retry_after("10.0.0.2") is None
    clock.now += 30
    assert throttle.retry_after("10.0.0.1") == 30
    throttle.forget("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") is None


SECURITY_PATHS = [
    ("GET", "/"),
    ("GET", "/admin"),
    ("GET", "/matches/unknown"),
    ("GET", "/api/leaderboard"),
    ("GET", "/api/admin/models"),
    ("GET", "/metrics"),
    ("GET", "/docs"),
    ("GET", "/no/such/page"),
    ("POST", "/admin/login"),
]


@pytest.mark.parametrize(("method", "path"), SECURITY_PATHS)
def test_every_response_carries_the_security_headers(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, follow_redirects=False)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_refusals_and_errors_carry_the_security_headers(app: FastAPI, client: TestClient) -> None:
    def explode() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/api/explode", explode)
    responses = [
        client.get("/api/explode"),
        client.post("/admin/login", headers={"Origin": "https://evil.example"}),
        client.post("/admin/login", content=b"t" * (65 * 1024)),
    ]
    assert [r.status_code for r in responses] == [500, 403, 413]
    for response in responses:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_dashboard_policy_allows_no_script(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "<script" not in client.get("/").text
