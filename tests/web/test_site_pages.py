"""The public site's HTML pages on the hand-built data set: content, links, errors."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

PAGES = (
    "/",
    "/models/alpha",
    "/matches",
    "/matches?view=finished",
    "/competitions",
    "/competitions/E0",
    "/compare",
    "/compare?models=alpha,solo",
    "/about",
)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_navigation_and_no_script(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    for link in ('href="/matches"', 'href="/competitions"', 'href="/compare"', 'href="/about"'):
        assert link in html
    assert "<script" not in html
    absolute = r'<(link rel="canonical"|meta property="og:(url|image)"|meta name="twitter:image")'
    shared = re.sub(absolute + r"[^>]*>", "", html)
    assert "http://" not in shared.replace("http://www.w3.org", "")  # nothing loaded from afar
    assert re.search(r'<meta name="description" content="[^"]+">', html)


def test_leaderboard_links_to_model_pages(client: TestClient) -> None:
    assert 'href="/models/alpha"' in client.get("/").text


def test_model_page_chart_has_its_figures_as_text(client: TestClient) -> None:
    html = client.get("/models/alpha").text
    assert "<title>Alpha · scoreline</title>" in html
    assert 'role="img" aria-label="Points per matchday of Alpha. 2025-W02: 19"' in html
    assert 'aria-label="Cumulative average points of Alpha. 2025-W02: 6.333"' in html
    assert '<table id="matchdays">' in html
    assert "75.0 %" in html  # fallback rate
    assert "$0.09905" in html  # cost per prediction
    assert 'href="/models/alpha-tg"' in html  # the fallback of the chain
    assert 'href="/matches/m4"' in html


def test_unknown_model_page_is_404(client: TestClient) -> None:
    response = client.get("/models/nobody")
    assert response.status_code == 404
    assert "Model not found" in response.text


def test_matches_page_upcoming_then_finished(client: TestClient) -> None:
    upcoming = client.get("/matches").text
    assert "Everton – Burnley" in upcoming and "in 1 d 0 h" in upcoming
    assert 'aria-label="Predicted tendencies. home win: 100; draw: 0; away win: 0"' in upcoming
    finished = client.get("/matches", params={"view": "finished"}).text
    assert finished.index("Fulham – Brentford") < finished.index("Arsenal – Chelsea")
    assert "3 finished matches; page 1 of 1" in finished


def test_matches_page_refuses_bad_filters_in_one_line(client: TestClient) -> None:
    response = client.get("/matches", params={"since": "yesterday"})
    assert response.status_code == 422
    assert 'role="alert">query.since:' in response.text
    assert client.get("/matches", params={"page": "two"}).status_code == 422


def test_competition_page_table_and_links(client: TestClient) -> None:
    html = client.get("/competitions/E0").text
    assert "<title>English Premier League 2024-25 · scoreline</title>" in html
    assert html.index("<td>Brentford</td>") < html.index("<td>Arsenal</td>")
    assert 'href="/models/alpha"' in html
    assert client.get("/competitions/XX").status_code == 404
    assert 'href="/competitions/E0"' in client.get("/competitions").text


def test_compare_page_shows_interval_and_differences(client: TestClient) -> None:
    html = client.get("/compare", params={"a": "alpha", "b": "solo"}).text
    assert 'id="difference">+2.67<' in html
    assert "95 % interval of the difference" in html
    assert html.count('href="/matches/m') == 3
    assert client.get("/compare", params={"models": "alpha"}).status_code == 422
    assert client.get("/compare", params={"models": "alpha,nobody"}).status_code == 404


def test_about_page_states_rules_intervals_and_licences(client: TestClient) -> None:
    html = client.get("/about").text
    for text in (
        "quota",
        "Leakage rule",
        "fallback",
        "2000 resamples, seed 0",
        "football-data.co.uk",
        "football-data.org",
        "API-Football",
    ):
        assert text in html, text
