"""The dashboard in a real headless Chromium, against the real app served by uvicorn.

Needs Debian's ``chromium`` at /usr/bin/chromium (``apt-get install -y chromium``); driven by
Playwright without ``playwright install``. Screenshots go to /tmp/scoreline-*.png.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select, update

from scoreline.store import Model
from scoreline.web import create_app
from tests.report.seed import NOW
from tests.web.conftest import ADMIN_TOKEN, Seeded

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def base_url(seeded: Seeded, secrets_env: None) -> Iterator[str]:
    """The real app served by uvicorn in a thread on 127.0.0.1 (a free port)."""
    app = create_app(seeded.config, db=seeded.db, clock=lambda: NOW)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):  # bounded wait for start-up
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture
def page(browser, base_url: str) -> Iterator[object]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def test_leaderboard_page_renders_and_filters(page) -> None:
    page.goto("/")
    assert page.title() == "Leaderboard · scoreline"
    rows = page.locator("#leaderboard tbody tr")
    assert rows.count() == 4
    assert rows.first.get_attribute("data-model") == "alpha"
    page.screenshot(path="/tmp/scoreline-leaderboard.png", full_page=True)
    page.fill("input[name=until]", "2025-01-07")
    page.select_option("select[name=sort]", "total")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?*until=2025-01-07*")
    alpha = page.locator('#leaderboard tr[data-model="alpha"] td').nth(3)
    assert alpha.inner_text() == "7"


def test_match_page_shows_predictions_and_fallback_marks(page) -> None:
    page.goto("/")
    page.click("text=Arsenal – Chelsea")
    page.wait_for_url("**/matches/m1")
    assert page.locator("#match-title").inner_text() == "Arsenal – Chelsea"
    assert page.locator("#predictions tbody tr").count() == 4
    assert "↪ fallback" in page.locator('#predictions tr[data-model="alpha"]').inner_text()
    assert "↪ fallback" not in page.locator('#predictions tr[data-model="solo"]').inner_text()
    page.screenshot(path="/tmp/scoreline-match.png", full_page=True)


def test_admin_sign_in_and_re_enable_a_model(page, seeded: Seeded) -> None:
    with seeded.db.session() as session:
        session.execute(
            update(Model)
            .where(Model.id == "beta")
            .values(auto_disabled=True, consecutive_failures=5, last_error="unparseable: no score")
        )
    page.goto("/admin")
    page.fill("input[name=token]", ADMIN_TOKEN)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("#fallbacks")
    assert ADMIN_TOKEN not in page.content()
    cookie = next(c for c in page.context.cookies() if c["name"] == "scoreline_admin")
    assert cookie["httpOnly"] and cookie["value"] != ADMIN_TOKEN
    alpha = page.locator('#fallbacks tr[data-model="alpha"]')
    assert "over 2×" in alpha.inner_text()
    assert "75.0 %" in alpha.inner_text()
    assert "queue" in page.locator("#queue").inner_text().lower()
    page.screenshot(path="/tmp/scoreline-admin.png", full_page=True)
    page.locator('#models tr[data-model="beta"] button:has-text("Re-enable")').click()
    page.wait_for_url("**/admin?enabled=beta")
    assert "Re-enabled beta." in page.locator(".notice.ok").inner_text()
    assert "auto-disabled" not in page.locator('#models tr[data-model="beta"]').inner_text()
    with seeded.db.session() as session:
        assert session.scalar(select(Model.auto_disabled).where(Model.id == "beta")) is False
