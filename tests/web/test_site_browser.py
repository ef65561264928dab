"""The public site in a real headless Chromium, on a database built by the demo.

Clicks through leaderboard -> model -> match -> competition -> compare, runs axe-core on
every page type (0 serious or critical violations), checks that no page scrolls sideways at
390 px, and saves screenshots at 1280 px and 390 px in ``$SCORELINE_SCREENSHOTS`` (the
test's temporary folder by default).

axe-core's script comes from the ``axe-playwright-python`` package (the ``test`` extra).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from scoreline.config import load_config
from scoreline.demo.run import run_demo
from scoreline.store import Database
from scoreline.web import create_app
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app over a demo-built database, served by uvicorn on 127.0.0.1."""
    directory = tmp_path_factory.mktemp("demo")
    run_demo(directory)
    config = load_config(directory / "scoreline.toml")
    db = Database(config.database_url)
    app = create_app(config, db=db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):  # bounded wait for start-up
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()
    db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("SCORELINE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _tab(browser, base_url: str, viewport: dict[str, int]):
    context = browser.new_context(base_url=base_url, viewport=viewport)
    return context, context.new_page()


def _blocking_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v.get("impact") in BLOCKING
    ]


def _sideways(page) -> int:
    """How far the page scrolls sideways (0 when it fits the viewport)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_click_through_the_site(browser, demo_url: str) -> None:
    context, page = _tab(browser, demo_url, DESKTOP)
    try:
        page.goto("/")
        first = page.locator("#leaderboard tbody tr").first
        model_id = first.get_attribute("data-model")
        first.locator("a").first.click()
        page.wait_for_url(f"**/models/{model_id}")
        assert page.locator("#model-title").is_visible()
        # points per matchday, the cumulative average and the calibration (the demo's
        # models all give probabilities)
        assert page.locator("svg.chart[role=img]").count() == 3
        assert page.locator("#calibration svg").is_visible()
        page.locator("#latest tbody tr a").first.click()
        page.wait_for_url("**/matches/E0-*")
        assert page.locator("#match-title").is_visible()
        page.click("header nav >> text=Competitions")
        page.click("#competition-list a")
        page.wait_for_url("**/competitions/E0")
        assert page.locator("#table tbody tr").count() == 20
        page.click("header nav >> text=Compare")
        options = page.locator("select[name=b] option")
        page.select_option("select[name=a]", model_id)
        other = next(v for v in options.evaluate_all("os => os.map(o => o.value)") if v != model_id)
        page.select_option("select[name=b]", other)
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/compare?a=*")
        assert "interval" in page.locator("#interval").inner_text()
        assert page.locator("#counts tbody tr").count() == 5
    finally:
        context.close()


def _pages(browser, base_url: str) -> list[tuple[str, str]]:
    """One path of each page type, found from the demo's data."""
    context, page = _tab(browser, base_url, DESKTOP)
    try:
        page.goto("/")
        rows = page.locator("#leaderboard tbody tr")
        a, b = rows.nth(0).get_attribute("data-model"), rows.nth(1).get_attribute("data-model")
        page.goto(f"/models/{a}")
        match = page.locator("#latest tbody tr").first.get_attribute("data-match")
    finally:
        context.close()
    return [
        ("leaderboard", "/"),
        ("model", f"/models/{a}"),
        ("matches", "/matches"),
        ("match", f"/matches/{match}"),
        ("competitions", "/competitions"),
        ("competition", "/competitions/E0"),
        ("compare", f"/compare?models={a},{b}"),
        ("about", "/about"),
    ]


def test_every_page_type_is_accessible_fits_a_phone_and_is_photographed(
    browser, demo_url: str, shots: Path
) -> None:
    problems: dict[str, list[str]] = {}
    for viewport, suffix in ((DESKTOP, "1280"), (PHONE, "390")):
        context, page = _tab(browser, demo_url, viewport)
        try:
            for name, path in _pages(browser, demo_url):
                page.goto(path)
                page.screenshot(path=str(shots / f"{name}-{suffix}.png"), full_page=True)
                found = _blocking_violations(page)
                if viewport is PHONE and _sideways(page) > 0:
                    found.append(f"scrolls sideways by {_sideways(page)} px at 390 px")
                if found:
                    problems[f"{name} @ {suffix}"] = found
        finally:
            context.close()
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
    assert len(list(shots.glob("*-390.png"))) == 8
    assert len(list(shots.glob("*-1280.png"))) == 8
